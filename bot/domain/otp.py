"""OTP and captcha input rules."""

from __future__ import annotations

import re
import unicodedata

from bot.domain.digits import to_ascii_digits

_OTP = re.compile(r"^\d{6}$", re.ASCII)
CAPTCHA_MAX_LENGTH = 12


def parse_otp(text: str) -> str | None:
    """Six ASCII digits after mapping any script's digits, or ``None``."""
    digits = to_ascii_digits(text)
    if digits is None or not _OTP.match(digits):
        return None
    return digits


def parse_captcha(text: str) -> str | None:
    """The captcha as typed, without spaces; digits in any script mapped to ASCII.

    Captchas are short Latin letters and digits; anything else is a mistyped captcha we need not
    send to the vendor.
    """
    cleaned = "".join(
        str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None else c
        for c in text
        if not c.isspace()
    )
    if not cleaned or len(cleaned) > CAPTCHA_MAX_LENGTH:
        return None
    if not cleaned.isascii() or not cleaned.isalnum():
        return None
    return cleaned
