"""Finding Aadhaar numbers in any text, however they are written. Pure: no I/O.

One recogniser for everything that reads what a person typed (messages, captions, edits,
command arguments, forwards, group posts), for the Aadhaar step, for staff free text and for
the log redaction backstop, so that "looks like a number" means the same thing everywhere.

How a text is read:

- A **digit** is any Unicode decimal digit (category Nd): ASCII, full-width, Devanagari,
  Bengali/Assamese, Gurmukhi, Gujarati, Odia, Tamil, Telugu, Kannada, Malayalam, Arabic-Indic,
  Extended Arabic-Indic, and every other script's (reading more scripts than the bot speaks
  only makes it delete more).
- **Invisible marks** are ignored wherever they are: format characters (Cf: zero-width space,
  ZWNJ, ZWJ, word joiner, LRM, RLM, ALM, LRE..PDF, LRI..PDI, soft hyphen, BOM) and combining
  marks (Mn, Me: variation selectors, the keycap of "9️⃣").
- A **group** is a run of digits with nothing but invisible marks between them.
- **Separators** are whitespace of every kind, dashes (Pd, and the minus sign), dots, commas,
  slashes, backslashes and underscores (and their full-width forms). Groups joined by at most
  ``MAX_SEPARATORS`` separator characters form a **chain**; anything else (a letter, "+", ":")
  ends it.
- A **number** is one or more consecutive groups of a chain holding exactly 12 digits in all,
  whose digits pass the Verhoeff check (the Aadhaar check digit; any first digit).

False friends, decided: a group is never split, so a run of 13 or more digits written without
separators (a bank account, a card number typed in one piece, a timestamp) yields no match
inside it. Groups the writer did separate are taken as written: "4111 1111 1111 1111" holds
three 12-digit windows, and a Verhoeff-valid one is a number. A phone number "+91 98765 43210"
is 12 digits too: about one in ten of those pass the check and is deleted. Deleting a message
that was not an Aadhaar number costs the user a retype; keeping one that was costs their
privacy.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from stdnum import verhoeff

from bot.domain.digits import char_kind

AADHAAR_DIGITS = 12
OTP_DIGITS = 6
MAX_SEPARATORS = 3  # e.g. " - " or ", " between two groups; invisible marks do not count


@dataclass(frozen=True, slots=True)
class DigitRun:
    """Digits found in a text: ``digits`` in ASCII; ``start``/``end`` the span in the text,
    from the first digit to just after the last one."""

    digits: str
    start: int
    end: int


def _chains(text: str) -> Iterator[list[DigitRun]]:
    """The chains of digit groups in ``text``, in order."""
    chain: list[DigitRun] = []
    digits: list[str] = []
    start = end = 0
    separators = 0
    for index, char in enumerate(text):
        kind = char_kind(char)
        if kind == "digit":
            if not digits:
                if chain and separators > MAX_SEPARATORS:
                    yield chain
                    chain = []
                start = index
            digits.append(str(unicodedata.decimal(char)))
            end = index + 1
            separators = 0
            continue
        if kind == "invisible":
            continue
        if digits:
            chain.append(DigitRun("".join(digits), start, end))
            digits = []
        if kind == "separator":
            separators += 1
        elif chain:
            yield chain
            chain = []
    if digits:
        chain.append(DigitRun("".join(digits), start, end))
    if chain:
        yield chain


def digit_runs(text: str, length: int) -> Iterator[DigitRun]:
    """Every run of whole consecutive groups holding exactly ``length`` digits."""
    for chain in _chains(text):
        for first, head in enumerate(chain):
            total = ""
            for group in chain[first:]:
                total += group.digits
                if len(total) >= length:
                    if len(total) == length:
                        yield DigitRun(total, head.start, group.end)
                    break


def find_aadhaar_numbers(text: str) -> list[DigitRun]:
    """Every Verhoeff-valid 12-digit number in ``text``, however written (module docstring)."""
    return [run for run in digit_runs(text, AADHAAR_DIGITS) if verhoeff.is_valid(run.digits)]


def has_aadhaar_number(text: str | None) -> bool:
    return bool(text) and bool(find_aadhaar_numbers(text or ""))


def mask_runs(text: str, runs: list[DigitRun], replacement: str) -> str:
    """``text`` with every span of ``runs`` (they may overlap) replaced by one ``replacement``."""
    out: list[str] = []
    at = 0
    for start, end in sorted((run.start, run.end) for run in runs):
        if start >= at:
            out += [text[at:start], replacement]
        at = max(at, end)
    out.append(text[at:])
    return "".join(out)
