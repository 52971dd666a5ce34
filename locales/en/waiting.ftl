# The waiting room (handlers/waiting.py): the line in front of the vendor plan's capacity.

waiting-place =
    Many people are checking right now, so you are in a line.
    Your place in line: <b>{ $place }</b>
    { $minutes ->
        [0] Your turn should come in less than a minute.
        [1] Your turn should come in about <b>1</b> minute.
       *[other] Your turn should come in about <b>{ $minutes }</b> minutes.
    }
    I will message you when it is your turn. You may send your Aadhaar number now: I will delete it from the chat and keep it until then.
waiting-leave-button = Leave the line
waiting-hint = You are in the line. I will message you when it is your turn. To leave the line, send /cancel.
waiting-number-kept = I deleted your message and kept the number for your turn. You do not need to send it again.
waiting-turn = It is your turn now.
waiting-left = You have left the line. Nothing was checked.
waiting-no-show = Your turn came, but there was no answer for { $minutes } minutes, so it went to the next person. You can join the line again, at the back.
waiting-rejoin-button = Join the line again
waiting-budget-spent = All of today's checks have been used up. Checks start again at { $time }. Please come back then.
waiting-stats = Vendor budget left today: { $left } checks. Waiting in line now: { $waiting }.
