## English — the reference locale. Every other locale has exactly these keys.
## Reviewed by a native speaker: yes (source text)
## Messages are sent with Telegram's HTML parse mode: only <b>…</b> is used; variables arrive escaped.

language-name = English

## Language picker (shown before anything else)
language-prompt = Choose your language.
language-chosen = Language: { $language }.

## Consent (shown before any Aadhaar input; the notice's text is hashed into the consent record)
consent-notice =
    <b>Before we start: your consent</b>

    This bot checks whether your Aadhaar number is linked ("seeded") to a bank account for government benefit payments (DBT). It does one check, only if you agree.

    <b>What we collect</b>
    • Your Aadhaar number and the OTP sent to your Aadhaar mobile
    • Your Telegram user id and chat id

    <b>Why</b>
    One check of your bank seeding status in NPCI's records, through UIDAI.

    <b>Who handles it</b>
    { $operator } runs this bot. Deepvue (the service provider) passes your number and OTP to UIDAI and NPCI.

    <b>How long we keep it</b>
    • Your Aadhaar number and OTP: never stored. They are used for this check and then forgotten.
    • The last 4 digits, the result and the time: { $checkDays } days.
    • This consent record: { $consentDays } days, as proof.

    <b>Please note</b>
    Telegram carries your messages to this bot; bot chats are not end-to-end encrypted. The bot deletes the messages with your Aadhaar number and OTP at once.

    <b>Your rights</b>
    You can say No now, or withdraw later with /forget: we stop the check and delete your data. Complaints: { $grievance }. You may also complain to the Data Protection Board of India.

    Do you agree to this check?
consent-agree-button = ✅ I agree
consent-decline-button = ❌ No
consent-read-english-button = Read in English
consent-read-original-button = Read in { $language }
consent-declined =
    No problem. Nothing was checked and nothing was saved except your answer.

    Other ways to check your bank seeding:
    • Ask at your bank branch.
    • Visit UIDAI's myAadhaar website.
    • Call the Aadhaar helpline 1947 (free).
consent-recorded = Thank you. Your consent is recorded.

## Aadhaar number
aadhaar-prompt =
    Please type your 12-digit Aadhaar number.
    I will delete your message at once for your safety.
aadhaar-deleted-notice = I deleted your message to keep your number safe.
aadhaar-delete-failed = ⚠️ I could not delete your message. Please delete it yourself: press and hold the message, then tap Delete.
aadhaar-not-digits = That does not look like an Aadhaar number. Please type only the 12 digits.
aadhaar-wrong-length =
    { $count ->
        [one] You typed { $count } digit. An Aadhaar number has 12 digits. Please type it again.
       *[other] You typed { $count } digits. An Aadhaar number has 12 digits. Please type it again.
    }
aadhaar-bad-first-digit = An Aadhaar number never starts with 0 or 1. Please check the number and type it again.
aadhaar-bad-checksum = This number has a mistake in it (the last digit does not match). Please check your Aadhaar card and type it again.
aadhaar-palindrome = This is not a valid Aadhaar number. Please check your Aadhaar card and type it again.
aadhaar-received = Aadhaar number received: { $masked }

## Captcha
captcha-prompt = Type the letters and numbers you see in this picture.
captcha-new-button = 🔄 New picture
captcha-wrong =
    { $left ->
        [one] That did not match. Here is a new picture. { $left } try left.
       *[other] That did not match. Here is a new picture. { $left } tries left.
    }
captcha-fresh = Here is a new picture.
captcha-bad-format = Please type only the letters and numbers from the picture.
captcha-too-many = The picture was typed wrong too many times, so this check has ended. You can start again.
captcha-session-expired = The picture has expired. Here is a new one.

## OTP
otp-sent =
    An OTP has been sent to the mobile number registered with Aadhaar { $masked }.

    Please type the 6-digit OTP here within 10 minutes. I will delete it at once.

    ⚠️ Nobody will ever ask you for this OTP: not bank staff, not UIDAI, not anyone who calls you. Never tell it to anyone; type it only here.
otp-resend-button = 🔁 Resend OTP
otp-resend-wait =
    { $seconds ->
        [one] You can ask for a new OTP in { $seconds } second.
       *[other] You can ask for a new OTP in { $seconds } seconds.
    }
otp-resend-none-left = No more OTPs can be sent for this check. Please start again later.
otp-resend-send-number = To send a new OTP, please type your Aadhaar number again. I will delete it at once.
otp-bad-format = Please type the 6 digits of the OTP only.
otp-wrong =
    { $left ->
        [one] That OTP is not correct. { $left } try left.
       *[other] That OTP is not correct. { $left } tries left.
    }
otp-too-many = The OTP was wrong 3 times, so this check has ended. You can start again.
otp-expired = This OTP has expired (they are valid for 10 minutes). Please start the check again.
otp-deleted-notice = I deleted your OTP message.
otp-not-arriving = If no OTP arrives, the mobile number on your Aadhaar may be old. You can update it at an Aadhaar Seva Kendra.

## Result card
result-title = <b>Bank seeding status</b>
result-aadhaar = Aadhaar: { $masked }
result-bank = Bank: <b>{ $bank }</b>
result-status = Status: <b>{ $status }</b>
result-updated = Last updated: { $date }
result-active-meaning = ✅ Government benefit payments (DBT) can be credited to this bank account.
result-inactive-meaning = ❌ Government benefit payments (DBT) cannot be credited to this bank now.
result-inactive-next = What to do: visit your bank branch and fill in the NPCI seeding consent form to link Aadhaar again, or use NPCI's BASE website.
result-not-seeded = ❌ Your Aadhaar is not linked to any bank for benefit payments (DBT). Payments cannot be credited until it is.
result-not-seeded-next = What to do: visit your bank branch and fill in the NPCI seeding consent form, or use NPCI's BASE website.
result-other-meaning = Please contact your bank to learn what this status means.
result-source = Source: NPCI's Aadhaar mapper, via UIDAI.
result-status-active = Active
result-status-inactive = Inactive
sandbox-banner = 🧪 SANDBOX — not real data.
check-again-button = 🔎 Check another number
start-again-button = 🔎 Start again

## Vendor outcomes
error-invalid-aadhaar = UIDAI did not accept this Aadhaar number. Please check the number on your card and type it again.
error-mobile-not-linked = UIDAI could not send an OTP: no mobile number is linked to this Aadhaar, or it could not be checked now. To link or update your mobile number, visit an Aadhaar Seva Kendra.
error-upstream-retry = The Aadhaar service is not answering right now. Type the letters from this new picture to try again.
error-upstream-unavailable = The Aadhaar service is not available right now. Please try again in a few minutes.
error-no-answer = The Aadhaar service did not answer in time. If an OTP arrives, you can ignore it. Please try again in a few minutes.
error-rate-limited = Too many people are checking right now. Please try again in a few minutes.
error-service = This service is not working right now. The operator has been told. Please try again later.
error-verify-retry = The Aadhaar service is not answering right now. Your OTP is still valid: please type it again in a minute.
error-paused = The Aadhaar service is not available right now. Please try again after { $time }.
error-paused-otp = The Aadhaar service is not available right now. Your OTP is still valid: please type it again after { $time }.
error-generic = Something went wrong. Please send /start to begin again.

## Limits and state
daily-cap-reached =
    { $limit ->
        [one] For your safety, only { $limit } OTP can be sent in a day. Please try again after { $time }.
       *[other] For your safety, only { $limit } OTPs can be sent in a day. Please try again after { $time }.
    }
number-lost = The bot was restarted and your Aadhaar number was not kept (we never store it). Please type it again.
check-expired = This check has expired because there was no answer for a while. Please start again.
stale-button = This step has passed.
cancelled = Cancelled. Nothing more will happen in this check.
nothing-to-cancel = There is no check in progress. Send /start to begin.
idle-hint = Send /start to check your bank seeding status.
number-outside-check = I deleted your message because it looked like an Aadhaar number. To check, send /start first.
group-refused = For your privacy, I only work in a private chat. Please open a private chat with me and send /start there.
edited-ignored = I do not read edited messages. Please send a new message.

## What each step expects (answer to a sticker, a photo, a voice note…)
hint-language = Please choose your language with the buttons above.
hint-consent = Please read the notice and tap "I agree" or "No".
hint-consent-number = Please agree to the notice first. I deleted your message to keep your number safe.
hint-aadhaar = Please type your 12-digit Aadhaar number as text.
hint-aadhaar-media = Please type the number as text. I deleted your message to keep it safe.
hint-captcha = Please type the letters and numbers from the picture.
hint-otp = Please type the 6-digit OTP you received by SMS.

## Commands
help-text =
    <b>How this works</b>
    1. Choose your language and agree to the notice.
    2. Type your Aadhaar number. I delete it at once.
    3. Type the letters from a picture.
    4. Type the OTP sent to your Aadhaar mobile. I delete it at once.
    5. See which bank your Aadhaar is linked to and whether benefit payments can reach it.

    /start — begin a check
    /cancel — stop the current check
    /language — change the language
    /privacy — what we keep about you
    /forget — withdraw consent and delete your data
    /help — this message
privacy-text =
    <b>What this bot keeps about you</b>
    • Never: your Aadhaar number or OTP.
    • Your language choice and an open check (deleted when the check ends).
    • For each check: the time, the last 4 digits, the result and the bank, for { $checkDays } days.
    • Your consent answers, for { $consentDays } days, as proof.

    To withdraw your consent and delete your data, send /forget.
    Complaints: { $grievance }.
forget-done = Done. Your consent is withdrawn, any open check is stopped and your data is deleted. We keep only the record that you gave and withdrew consent, as the law requires.
cmd-start = Check bank seeding status
cmd-cancel = Stop the current check
cmd-help = How this works
cmd-privacy = What we keep about you
cmd-language = Change language
cmd-forget = Withdraw consent and delete data

## Field agents and operators: roles, invite links, assisted checks, history, reports, rights
help-agent =
    <b>For agents</b>
    /start — then "Check for a customer": a check for the person with you, in their language. Read the notice to them, or give them the phone to read it.
    /history — the last 20 checks you ran for customers
help-admin =
    <b>For operators</b>
    /invite NAME — a one-time link that enrols a new agent
    /agents — the agents, with their checks today
    /revoke AGENT_ID — remove an agent
    /history AGENT_ID — an agent's last 20 checks
    /stats — checks today and in the last 7 days (/stats FROM TO for other days)
    /stats agents — each agent's checks in the last 7 days, those who need a look first
    /export FROM TO — the check log of those days as a CSV file
refused-admin = Sorry, this command is only for the operators of this bot.
refused-agent = Sorry, this command is only for the registered agents of this bot.
invite-created =
    <b>Invite link for a new agent</b>
    { $link }

    It works once, until { $time }. Send it privately to the person you are enrolling: whoever opens it first becomes an agent.
invite-label = Name: { $label }
invite-label-too-long = That name is too long. Please use at most { $limit } characters.
invite-used = { $agent } opened your invite link and is now an agent.
invite-welcome = Welcome! You are now an agent of this bot. Send /start to check a customer's bank seeding. /history shows the checks you ran.
invite-invalid = This invite link cannot be used: it was already used, or it has expired. Please ask the operator for a new one.
invite-already-staff = You are already an agent or an operator of this bot, so this invite link was not used. It still works for the person it was meant for.
agents-title = <b>Agents: { $count }</b>
agents-line = { $agent } · { $label } · since { $date } · checks today: { $checks }
agents-no-label = no name
agents-none = There are no agents yet. Create an invite link with /invite NAME.
agents-footer = To add an agent: /invite NAME. To remove one: /revoke AGENT_ID.
revoke-usage = Please write the agent's number after the command, like this: /revoke 123456789. /agents shows the numbers.
revoke-done = Agent { $agent } can no longer run checks for customers.
revoke-not-agent = { $agent } is not an active agent. /agents shows the agents.
revoke-notice = The operator has ended your access as an agent of this bot. You can still check your own number with /start.
assist-choose = Whose bank seeding do you want to check?
assist-customer-button = 👥 Check for a customer
assist-own-button = 🙋 Check my own number
assist-language-prompt = Which language does the customer read or understand best?
assist-notice-instruction = <b>For the agent:</b> read the notice below to the customer, or give them the phone to read it. Tap ✅ only if the customer has read or heard it and agrees. If not, tap ❌.
assist-attest-button = ✅ Customer heard it and agrees
assist-declined-button = ❌ Customer declined
assist-next-button = ➡️ Next customer
assist-not-agent = You are not an agent of this bot any more. Send /start to check your own number.
agent-cap-reached =
    { $limit ->
        [one] You have run { $limit } check for a customer today, the most one agent may run in a day. You can run more after { $time }.
       *[other] You have run { $limit } checks for customers today, the most one agent may run in a day. You can run more after { $time }.
    }
history-title =
    { $count ->
        [one] <b>The last check run by { $agent }</b>
       *[other] <b>The last { $count } checks run by { $agent }</b> (newest first)
    }
history-none = There are no checks for customers by { $agent } yet.
history-usage = Please write the agent's number after the command, like this: /history 123456789. Send just /history for your own checks.
history-no-number = no number
history-no-bank = no bank
check-outcome =
    { $outcome ->
        [active] Active
        [inactive] Inactive
        [not_seeded] Not linked to any bank
        [other] Other status
        [declined] Consent declined
        [cancelled] Cancelled
        [left_line] Left the line
        [invalid_captcha] Service asked for a picture
        [expired] Expired, no answer
        [daily_cap] Daily OTP limit reached
        [otp_expired] OTP expired
        [otp_failed] Wrong OTP 3 times
        [captcha_failed] Wrong picture 3 times
        [mobile_not_linked] No mobile linked to Aadhaar
        [invalid_aadhaar] Number not accepted by UIDAI
        [session_expired] Picture expired
        [upstream_unavailable] Aadhaar service not available
        [no_answer] No answer from the service
        [rate_limited] Service busy
        [credentials_rejected] Service account problem
        [unknown] Service error
       *[unlisted] { $outcome }
    }
stats-today = <b>Today</b>, { $date }
stats-week = <b>Last 7 days</b>, { $first } to { $last }
stats-range = <b>From { $first } to { $last }</b>
stats-total = Checks: { $count }
stats-by-outcome = By outcome:
stats-by-agent = By agent:
stats-self-service = without an agent
stats-error-rate = Vendor errors: { $percent }% ({ $errors } of { $calls } checks that reached the vendor)
stats-no-vendor-calls = Vendor errors: no check reached the vendor.
stats-median = Median time to a result: { $seconds } s (over { $count } results)
stats-no-results = Median time to a result: no results yet.
stats-none = No checks.
stats-usage = Send /stats for today and the last 7 days, or /stats FROM TO for other days, with dates like this: /stats 2026-01-01 2026-01-31.
period-order = The first date must not be after the second one.
export-usage = Please give the first and the last day, like this: /export 2026-01-01 2026-01-31 (days in India time, both included).
export-caption = Check log from { $first } to { $last }: { $count } checks. It holds only the last 4 digits of Aadhaar numbers.
export-too-large = That is too much for one file here. Please choose fewer days, or use the command line: python -m bot report --from FIRST --to LAST --csv FILE.
privacy-counts =
    <b>What is stored about you right now</b>
    • An open check: { $open ->
        [yes] yes
       *[no] no
    }
    • Your language choice: { $language }
    • Your checks in the log: { $checks }
    • Your consent records: { $consents } (withdrawn: { $withdrawn })
    • OTP requests counted for the daily limit: { $otps }
privacy-no-language = not saved
privacy-assisted = • Checks you ran for customers: { $count }. They are the customers' records: the operator keeps them for { $checkDays } days, and /forget does not delete them.
forget-done-agent = The checks you ran for customers are kept: they are the customers' records, not yours. Your agent access stays until an operator removes it.
cmd-history = Checks you ran for customers
cmd-invite = Invite link for a new agent
cmd-agents = List the agents
cmd-revoke = Remove an agent
cmd-stats = Check statistics
cmd-export = Check log as a CSV file
