## A number in any form (bot/domain/numbers.py): a command or an invite name holding one; report dates
command-number-deleted = I deleted your message because it held what looks like an Aadhaar number, and I did not run the command. Please send the command again without the number.
command-number-kept = Your message holds what looks like an Aadhaar number, so I did not run the command. Please send the command again without the number.
invite-label-number = An agent's name must not hold a number like an Aadhaar number. I made no link and saved nothing. Please send /invite again with the name only.
period-range = Please choose days from { $first } to { $last }.
