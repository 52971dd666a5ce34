# Said at start-up to a user whose OTP was being checked when the bot process died
# (bot/runtime/recovery.py): the vendor's answer is unknown.
restart-otp-unknown = আপোনাৰ OTP পৰীক্ষা কৰি থাকোঁতে বটটো পুনৰ আৰম্ভ হ'ল আৰু উত্তৰটো হেৰাই গ'ল। অনুগ্ৰহ কৰি OTP আকৌ লিখক। যদি সেয়া গ্ৰহণ নহয়, নতুন পৰীক্ষাৰ বাবে /start পঠিয়াওক।
