"""A user who reads what the bot last said and does the obvious next thing, to the result card:
the crash tests' user (tests/e2e/test_crash.py, test_no_message_lost.py), who never needs to be
told what step they are at."""

from __future__ import annotations

from dataclasses import dataclass

from testing.fake_telegram import BotMessage
from testing.harness import ACTIVE, CAPTCHA, GOOD_OTP, en

AGREE = en("consent-agree-button")
START_AGAIN = {en("check-again-button"), en("start-again-button")}
OTP_PROMPTS = [
    en("otp-sent", masked="XXXX XXXX 1096").split("\n")[0],
    en("otp-bad-format"),
    en("error-verify-retry"),
    en("hint-otp"),
]
CAPTCHA_PROMPTS = [en("hint-captcha"), en("captcha-bad-format")]


@dataclass(frozen=True)
class UserAction:
    """What a user does: type ``text``, or tap the button ``label`` (``data``) on a message."""

    text: str | None = None  # typed
    message_id: int = 0  # or a button tapped on this message
    label: str = ""
    data: str = ""


def decide(messages: list[BotMessage]) -> UserAction | str:
    """What a user does next, from what the bot last said; or the end: ``"result"`` or
    ``"start again"``."""
    visible = [m for m in messages if not m.deleted]
    if not visible:
        return UserAction(text="/start")
    newest = visible[-1]
    text = newest.text
    if "Bank:" in text:
        return "result"
    if {b.text for row in newest.buttons for b in row} & START_AGAIN or "/start" in text:
        return "start again"
    pointing = text in (en("hint-consent"), en("hint-consent-number"), en("hint-language"))
    for message in reversed(visible if pointing else [newest]):  # the buttons it points at
        for button in (b for row in message.buttons for b in row):
            if button.text in ("English", AGREE):
                return UserAction(
                    message_id=message.message_id, label=button.text, data=button.data
                )
    if newest.kind == "photo" or any(p in text for p in CAPTCHA_PROMPTS):
        return UserAction(text=CAPTCHA)
    if any(p in text for p in OTP_PROMPTS):
        return UserAction(text=GOOD_OTP)
    return UserAction(text=ACTIVE)  # the Aadhaar prompt, "type it again", "number lost"...
