"""Reading digits typed in any script: Devanagari ०-९, Bengali ০-৯, Tamil ௦-௯ and the rest."""

from __future__ import annotations

import unicodedata

# Separators people type inside long numbers: spaces of every kind, hyphens and dashes, dots.
_SEPARATOR_CATEGORIES = frozenset({"Zs", "Pd"})
_SEPARATORS = frozenset({".", "\t", "\n", "\r", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"})


def to_ascii_digits(text: str) -> str | None:
    """Map every decimal digit (any script) to ASCII and drop separators.

    Returns ``None`` when anything else is present, so "98765abc" is never read as a number.
    """
    out: list[str] = []
    for char in text:
        value = unicodedata.decimal(char, None)
        if value is not None:
            out.append(str(value))
        elif char in _SEPARATORS or unicodedata.category(char) in _SEPARATOR_CATEGORIES:
            continue
        else:
            return None
    return "".join(out)
