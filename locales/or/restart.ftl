# Said at start-up to a user whose OTP was being checked when the bot process died
# (bot/runtime/recovery.py): the vendor's answer is unknown.
restart-otp-unknown = ଆପଣଙ୍କ OTP ଯାଞ୍ଚ କରୁଥିବା ବେଳେ ବଟ୍ ପୁଣି ଆରମ୍ଭ ହେଲା, ଉତ୍ତର ହଜିଗଲା। ଦୟାକରି OTP ପୁଣି ଟାଇପ୍ କରନ୍ତୁ। ଯଦି ତାହା ଗ୍ରହଣ ନହୁଏ, ନୂଆ ଯାଞ୍ଚ ପାଇଁ /start ପଠାନ୍ତୁ।
