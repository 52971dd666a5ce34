# Said at start-up to a user whose OTP was being checked when the bot process died
# (bot/runtime/recovery.py): the vendor's answer is unknown.
restart-otp-unknown = तुमचा OTP तपासत असताना बॉट पुन्हा सुरू झाला आणि उत्तर हरवले. कृपया OTP पुन्हा टाइप करा. तो स्वीकारला गेला नाही तर नवीन तपासणीसाठी /start पाठवा.
