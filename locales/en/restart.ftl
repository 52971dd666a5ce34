# Said at start-up to a user whose OTP was being checked when the bot process died
# (bot/runtime/recovery.py): the vendor's answer is unknown.
restart-otp-unknown = The bot was restarted while it was checking your OTP, and the answer was lost. Please type the OTP again. If it is refused, send /start to begin a new check.
