"""Check references: what a customer keeps (on the result card, on paper) to exercise their
rights without Telegram, through the operator's grievance contact.

A reference is 10 random symbols and a check symbol, shown in groups: ``7KQ4-M9XD-R2E``.

- **Unambiguous**: the alphabet is Crockford's base 32 without 0, 1 (and so without O, I, L,
  which Crockford already drops, and U): 30 symbols, none that looks like another on paper.
- **Checked**: the last symbol is a Luhn mod 30 check symbol, so every single wrong symbol and
  almost every swap of two neighbours is caught before anything is looked up.
- **Not guessable**: 10 symbols from ``secrets`` are 30^10, about 2^49, references. An admin
  command or the command line is the only way to use one, and every attempt is logged.
- **Stored hashed**: the store keeps only the SHA-256 of the canonical reference, like invite
  tokens: a copy of the database or a backup cannot be turned into references, so it cannot
  be used to make rights requests in a customer's name. The card is the only place it is
  written. (Guessing back from a hash means trying 2^49 candidates, hours of a GPU's time:
  enough for what a reference protects, a check log row without a name.)
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_SYMBOLS = 10
GROUPS = (4, 4, 3)  # of the 11 symbols, as shown and read aloud
_N = len(ALPHABET)
_INDEX = {symbol: i for i, symbol in enumerate(ALPHABET)}
_SEPARATORS = str.maketrans("", "", " -‐‑–—_.")


def _luhn_sum(symbols: str, *, double_first: bool) -> int:
    """Luhn mod N over ``symbols`` from the right; every other symbol's value is doubled."""
    total = 0
    double = double_first
    for symbol in reversed(symbols):
        value = _INDEX[symbol] * (2 if double else 1)
        total += value // _N + value % _N
        double = not double
    return total


def check_symbol(payload: str) -> str:
    return ALPHABET[(_N - _luhn_sum(payload, double_first=True) % _N) % _N]


def new_reference() -> str:
    """A fresh reference in canonical form (11 symbols, no separators)."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return payload + check_symbol(payload)


def canonical(text: str) -> str | None:
    """The reference typed or read back (any case, spaces or dashes), or None if it is not one:
    a wrong length, a symbol outside the alphabet, or a check symbol that does not match."""
    symbols = text.translate(_SEPARATORS).upper()
    if len(symbols) != RANDOM_SYMBOLS + 1 or any(s not in _INDEX for s in symbols):
        return None
    if _luhn_sum(symbols, double_first=False) % _N != 0:
        return None
    return symbols


def display(reference: str) -> str:
    """``7KQ4M9XDR2E`` → ``7KQ4-M9XD-R2E``: groups that are easy to read aloud or copy."""
    parts, start = [], 0
    for size in GROUPS:
        parts.append(reference[start : start + size])
        start += size
    return "-".join(parts)


def reference_hash(reference: str) -> str:
    """What the store keeps: SHA-256 (hex) of the canonical reference."""
    return hashlib.sha256(reference.encode("ascii")).hexdigest()
