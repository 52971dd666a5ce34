## The customer's rights in an assisted check, check references and OTP safety (issue 13).
## Messages are sent with Telegram's HTML parse mode: only <b>…</b> is used; variables arrive escaped.

## Who runs the bot, when the operator has not set it (the sandbox only: a real vendor requires
## OPERATOR_NAME and GRIEVANCE_CONTACT). Each reads naturally where the notices put it:
## "{ $operator } runs this bot.", "Complaints: { $grievance }." and "Contact: { $grievance }."
operator-placeholder = A test operator
grievance-placeholder = not set up yet (this is a test bot)

## The assisted consent notice: read aloud to the customer by the agent, or handed over to read.
## Versioned on its own (locales/assisted-notices.json): after a change, run
## python -m bot i18n bump-notice LANG assisted-notice
assisted-notice =
    <b>Before we start: your consent</b>
    (The agent reads this to you, or gives you the phone to read it.)

    This is a check of whether your Aadhaar number is linked ("seeded") to a bank account for government benefit payments (DBT). It is done once, and only if you agree.

    <b>Who does it</b>
    { $operator } runs this check. The agent with you does it for them on this phone. Agent's name: { $agent }. Deepvue (the service provider) passes your number and OTP to UIDAI and NPCI.

    <b>What we take from you</b>
    • Your Aadhaar number, which the agent types in
    • The OTP that comes to your Aadhaar mobile, which you tell the agent
    You do not need a Telegram account: this check uses the agent's. The agent's messages to this service go through Telegram, and they are not fully secret (not end-to-end encrypted).

    <b>Why</b>
    One check of your bank seeding status in NPCI's records, through UIDAI.

    <b>How long we keep it</b>
    • Your Aadhaar number and OTP: never kept. The agent's phone deletes them at once.
    • The last 4 digits, the result and the time: { $checkDays } days.
    • This record of your answer: { $consentDays } days, as proof.

    <b>Your rights</b>
    You can say No now. At the end you get a check reference: write it down or take a photo of it. With it, and without Telegram, you can ask what is kept about your check and have it deleted. Contact: { $grievance }. You may also complain to the Data Protection Board of India.

    Do you agree to this check?
assisted-agent-unnamed = not recorded

## The OTP prompt of an assisted check (the self-service one is otp-sent in bot.ftl)
otp-sent-assisted =
    An OTP has been sent to the mobile number registered with Aadhaar { $masked }.

    Tell this OTP only to the agent in front of you, only for this check. The agent types it here within 10 minutes, and this phone deletes it at once.

    ⚠️ Apart from this check, nobody will ever ask you for this OTP: not bank staff, not UIDAI, not anyone who calls you. Never tell it to anyone else.

## The check reference, on every result card
result-reference = Check reference: <b>{ $reference }</b>. Keep it. With it you can ask what is kept about this check, or have it deleted. Contact: { $grievance }.

## Operators: what is kept for a reference, and its erasure (/lookup, /erase; python -m bot lookup|erase)
cmd-lookup = What is kept for a check reference
cmd-erase = Erase a check by its reference
help-admin-rights =
    /lookup REFERENCE — what is kept for a check reference (from a result card)
    /erase REFERENCE — erase that check, as /forget would
reference-usage = Please write the check reference after the command, like this: /lookup 7KQ4-M9XD-R2E. It is on the result card.
reference-invalid = That is not a check reference: a symbol is wrong or missing. A reference has 11 symbols, like 7KQ4-M9XD-R2E, and never 0, 1, O, I or L. Please read it again with the person.
reference-not-found = Nothing is kept for this reference: it was erased, or it is older than the { $checkDays } days the check log is kept, or it was never given.
reference-records =
    <b>What is kept for check { $reference }</b>
    • Time: { $time }
    • Check: { $who }
    • Aadhaar: { $masked }
    • Result: { $outcome }
    • Bank: { $bank }
    • Language: { $language }
    • Consent: { $consent }
reference-who-agent = for a customer, by agent { $agent } ({ $label })
reference-who-self = the person's own, Telegram user { $user }
reference-consent =
    { $outcome ->
        [declined] declined on { $time } (notice { $notice }, version { $version })
       *[given] given on { $time } (notice { $notice }, version { $version })
    }
reference-consent-withdrawn = withdrawn on { $time }
reference-consent-none = no record left (past its retention)
reference-erase-customer = Erase this check? Its check-log row is deleted; the consent record is kept as proof, marked withdrawn. This cannot be undone.
reference-erase-own = Erase this check, as /forget would? This person's own checks, language choice and any open check are deleted; their consent records are kept as proof, marked withdrawn. This cannot be undone.
reference-erase-button = 🗑 Erase
reference-keep-button = Keep
reference-erased = Erased. The consent record is kept as proof, marked withdrawn on { $time }.
reference-erased-no-consent = Erased. No consent record was left to mark (it is past its retention).
reference-kept = Nothing was erased.
