# Said at start-up to a user whose OTP was being checked when the bot process died
# (bot/runtime/recovery.py): the vendor's answer is unknown.
restart-otp-unknown = તમારો OTP તપાસતી વખતે બોટ ફરી શરૂ થયો અને જવાબ ખોવાઈ ગયો. કૃપા કરીને OTP ફરીથી લખો. જો તે સ્વીકારાય નહીં, તો નવી તપાસ માટે /start મોકલો.
