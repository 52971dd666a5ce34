"""Searching logs and files for what must never be kept: the Aadhaar numbers, OTPs and secrets
the tests typed (tests/conftest.py's ``leak_guard`` runs it over the whole session).

A number is searched for in every form a test may have typed it, not only as plain digits:
each run of digits in a text (any script, read as ASCII; up to 8 characters that are not
letters or digits between two of them) must not hold any number of ``TYPED_NUMBERS``, so
"९८७६ ५४३२ 1096" with a right-to-left mark inside is found. (This does not use the bot's
recogniser: a bug there must not hide a leak here.)
"""

from __future__ import annotations

import logging
import re
import sys
import unicodedata

from bot.observability.logging_setup import JsonFormatter
from testing.harness import ALL_TEST_NUMBERS, SECRET_STRINGS, TYPED_NUMBERS, TYPED_OTPS


class LogRecorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self._json = JsonFormatter()

    def emit(self, record: logging.LogRecord) -> None:
        # Formatted without the redaction filter: our code must not depend on it.
        self.lines.append(self._json.format_unredacted(record))


def find_secrets(haystack: bytes | str) -> list[str]:
    """The typed secrets found in ``haystack``. An OTP counts only as a token of its own, not
    as the microseconds of a timestamp (".123456") or a piece of a longer hex or digit run."""
    text = haystack.decode("latin-1") if isinstance(haystack, bytes) else haystack
    found = [secret for secret in (*ALL_TEST_NUMBERS_BOTH_WAYS, *SECRET_STRINGS) if secret in text]
    found += [
        otp for otp in TYPED_OTPS if re.search(rf"(?<![0-9A-Fa-f.]){otp}(?![0-9A-Fa-f])", text)
    ]
    unicode = haystack.decode("utf-8", "replace") if isinstance(haystack, bytes) else haystack
    return found + [n for n in numbers_in_any_form(unicode) if n not in found]


# Digits with at most 8 characters between them that are neither letters nor digits: how a
# number may be written (separators, marks). Joining across more, or across letters, would
# join unrelated digits (a database file's binary is full of them).
_DIGIT_RUN = re.compile(r"\d(?:[\W_]{0,8}\d)*")
_NOT_DIGITS = re.compile(r"\D+")
_TO_ASCII = {
    code: str(unicodedata.decimal(chr(code)))
    for code in range(sys.maxunicode + 1)
    if unicodedata.decimal(chr(code), None) is not None
}


def numbers_in_any_form(text: str) -> list[str]:
    """The numbers of ``TYPED_NUMBERS`` in ``text``, however written: each run of digits (in
    any script, as ASCII) with what is between them dropped."""
    runs = [
        _NOT_DIGITS.sub("", run.group()).translate(_TO_ASCII)
        for run in _DIGIT_RUN.finditer(text)
        if len(run.group()) >= 12
    ]
    return sorted(number for number in TYPED_NUMBERS if any(number in run for run in runs))


ALL_TEST_NUMBERS_BOTH_WAYS = [
    form for number in ALL_TEST_NUMBERS for form in (number, number.replace(" ", ""))
]
