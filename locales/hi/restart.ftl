# Said at start-up to a user whose OTP was being checked when the bot process died
# (bot/runtime/recovery.py): the vendor's answer is unknown.
restart-otp-unknown = आपका OTP जाँचते समय बॉट फिर से चालू हुआ और जवाब खो गया। कृपया OTP फिर से लिखें। अगर वह स्वीकार न हो, तो नई जाँच के लिए /start भेजें।
