# Said at start-up to a user whose OTP was being checked when the bot process died
# (bot/runtime/recovery.py): the vendor's answer is unknown.
restart-otp-unknown = നിങ്ങളുടെ OTP പരിശോധിക്കുമ്പോൾ ബോട്ട് വീണ്ടും ആരംഭിച്ചു, മറുപടി നഷ്ടപ്പെട്ടു. ദയവായി OTP വീണ്ടും ടൈപ്പ് ചെയ്യുക. അത് സ്വീകരിക്കപ്പെടുന്നില്ലെങ്കിൽ, പുതിയ പരിശോധനയ്ക്കായി /start അയയ്ക്കുക.
