# Said at start-up to a user whose OTP was being checked when the bot process died
# (bot/runtime/recovery.py): the vendor's answer is unknown.
restart-otp-unknown = آپ کا OTP جانچتے وقت بوٹ دوبارہ شروع ہو گیا اور جواب کھو گیا۔ براہ کرم OTP دوبارہ لکھیں۔ اگر وہ قبول نہ ہو تو نئی جانچ کے لیے { -lrm }/start بھیجیں۔
