# Said at start-up to a user whose OTP was being checked when the bot process died
# (bot/runtime/recovery.py): the vendor's answer is unknown.
restart-otp-unknown = ਤੁਹਾਡਾ OTP ਜਾਂਚਦੇ ਸਮੇਂ ਬੋਟ ਮੁੜ ਚਾਲੂ ਹੋ ਗਿਆ ਅਤੇ ਜਵਾਬ ਗੁੰਮ ਹੋ ਗਿਆ। ਕਿਰਪਾ ਕਰਕੇ OTP ਦੁਬਾਰਾ ਲਿਖੋ। ਜੇ ਇਹ ਮਨਜ਼ੂਰ ਨਾ ਹੋਵੇ, ਤਾਂ ਨਵੀਂ ਜਾਂਚ ਲਈ /start ਭੇਜੋ।
