# Said at start-up to a user whose OTP was being checked when the bot process died
# (bot/runtime/recovery.py): the vendor's answer is unknown.
restart-otp-unknown = আপনার OTP যাচাই করার সময় বটটি আবার চালু হয়েছে, তাই উত্তরটি হারিয়ে গেছে। দয়া করে OTP আবার লিখুন। যদি তা গ্রহণ না হয়, নতুন যাচাইয়ের জন্য /start পাঠান।
