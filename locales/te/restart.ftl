# Said at start-up to a user whose OTP was being checked when the bot process died
# (bot/runtime/recovery.py): the vendor's answer is unknown.
restart-otp-unknown = మీ OTP ని తనిఖీ చేస్తున్నప్పుడు బాట్ మళ్ళీ ప్రారంభమైంది, జవాబు పోయింది. దయచేసి OTP ని మళ్ళీ టైప్ చేయండి. అది అంగీకరించబడకపోతే, కొత్త తనిఖీ కోసం /start పంపండి.
