"""Reading digits typed in any script: Devanagari ०-९, Bengali ০-৯, Tamil ௦-௯ and the rest.

The character classes here are the ones bot/domain/numbers.py reads every text with.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

CharKind = Literal["digit", "invisible", "separator", "other"]

# Format characters (zero-width space/joiners, word joiner, LRM/RLM/ALM, LRE..PDF, LRI..PDI,
# soft hyphen, BOM) and combining marks (variation selectors, the keycap of "9️⃣").
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Mn", "Me"})
# Besides whitespace of every kind and dashes (Pd): what people type between groups of digits,
# in ASCII and full-width forms (the minus sign, dots, commas, slashes, underscores).
_SEPARATOR_CHARS = frozenset(
    ".,/\\_\u00b7\u2212\u2044\u2215\u2027\u30fb\uff0c\uff0e\uff0f\uff3c\uff3f\uff65\u066b\u066c"
)


def char_kind(char: str) -> CharKind:
    if unicodedata.decimal(char, None) is not None:
        return "digit"
    category = unicodedata.category(char)
    if category in _INVISIBLE_CATEGORIES:
        return "invisible"
    if char.isspace() or category == "Pd" or char in _SEPARATOR_CHARS:
        return "separator"
    return "other"


def to_ascii_digits(text: str) -> str | None:
    """Map every decimal digit (any script) to ASCII and drop separators and invisible marks.

    Returns ``None`` when anything else is present, so "98765abc" is never read as a number.
    """
    out: list[str] = []
    for char in text:
        kind = char_kind(char)
        if kind == "digit":
            out.append(str(unicodedata.decimal(char)))
        elif kind == "other":
            return None
    return "".join(out)
