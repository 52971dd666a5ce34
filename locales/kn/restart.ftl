# Said at start-up to a user whose OTP was being checked when the bot process died
# (bot/runtime/recovery.py): the vendor's answer is unknown.
restart-otp-unknown = ನಿಮ್ಮ OTP ಪರಿಶೀಲಿಸುವಾಗ ಬಾಟ್ ಮತ್ತೆ ಆರಂಭವಾಯಿತು, ಉತ್ತರ ಕಳೆದುಹೋಯಿತು. ದಯವಿಟ್ಟು OTP ಅನ್ನು ಮತ್ತೆ ಟೈಪ್ ಮಾಡಿ. ಅದು ಸ್ವೀಕೃತವಾಗದಿದ್ದರೆ, ಹೊಸ ಪರಿಶೀಲನೆಗೆ /start ಕಳುಹಿಸಿ.
