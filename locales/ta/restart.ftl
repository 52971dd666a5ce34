# Said at start-up to a user whose OTP was being checked when the bot process died
# (bot/runtime/recovery.py): the vendor's answer is unknown.
restart-otp-unknown = உங்கள் OTP-ஐச் சரிபார்க்கும்போது பாட் மீண்டும் தொடங்கியது, பதில் தொலைந்துவிட்டது. தயவுசெய்து OTP-ஐ மீண்டும் தட்டச்சு செய்யுங்கள். அது ஏற்கப்படாவிட்டால், புதிய சரிபார்ப்புக்கு /start அனுப்புங்கள்.
