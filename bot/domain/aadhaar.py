"""Aadhaar number rules: local validation before any paid vendor call, and the only visible form.

Validation is python-stdnum's (12 digits, first digit 2-9, Verhoeff check digit, not a
palindrome); this module only splits its verdict into reasons a person can act on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from stdnum.in_ import aadhaar as stdnum_aadhaar

from bot.domain.digits import to_ascii_digits
from bot.domain.numbers import find_aadhaar_numbers

AADHAAR_LENGTH = 12


class AadhaarProblem(StrEnum):
    NOT_DIGITS = "not_digits"
    WRONG_LENGTH = "wrong_length"
    BAD_FIRST_DIGIT = "bad_first_digit"
    PALINDROME = "palindrome"
    BAD_CHECKSUM = "bad_checksum"


@dataclass(frozen=True, slots=True)
class AadhaarCheck:
    """The verdict on one typed number. ``number`` is set only when valid; never store it."""

    number: str | None
    problem: AadhaarProblem | None
    digit_count: int = 0

    @property
    def valid(self) -> bool:
        return self.number is not None


def check_aadhaar(text: str) -> AadhaarCheck:
    """Judge what was typed at the Aadhaar step. Only digits, separators and invisible marks:
    judged as one number. Anything else around ("Aadhaar: 9876 5432 1096", "my number is …"):
    the one number the recogniser finds in it, if it finds exactly one."""
    digits = to_ascii_digits(text)
    if digits is None:
        found = {run.digits for run in find_aadhaar_numbers(text)}
        digits = found.pop() if len(found) == 1 else None
    if digits is None or not digits:
        return AadhaarCheck(None, AadhaarProblem.NOT_DIGITS)
    count = len(digits)
    if count != AADHAAR_LENGTH:
        return AadhaarCheck(None, AadhaarProblem.WRONG_LENGTH, count)
    if digits[0] in "01":
        return AadhaarCheck(None, AadhaarProblem.BAD_FIRST_DIGIT, count)
    if digits == digits[::-1]:
        return AadhaarCheck(None, AadhaarProblem.PALINDROME, count)
    if not stdnum_aadhaar.is_valid(digits):
        return AadhaarCheck(None, AadhaarProblem.BAD_CHECKSUM, count)
    return AadhaarCheck(digits, None, count)


def last_four(number: str) -> str:
    return number[-4:]


def mask_last4(last4: str) -> str:
    """The only form in which a number is ever shown: ``XXXX XXXX 8091``."""
    return f"XXXX XXXX {last4}"


def looks_like_aadhaar(text: str | None) -> bool:
    """True when a message probably holds someone's Aadhaar number, whatever the step: it is
    12 digits in any form (even with a bad checksum), or it holds a Verhoeff-valid 12-digit
    number anywhere, however written (bot/domain/numbers.py). Such a message is deleted even
    where no number was asked for."""
    if not text:
        return False
    digits = to_ascii_digits(text)
    if digits is not None and len(digits) == AADHAAR_LENGTH:
        return True
    return bool(find_aadhaar_numbers(text))
