"""The recogniser of bot/domain/numbers.py, with test vectors (python-stdnum style: each line a
text and the numbers it must yield), and what uses it: the Aadhaar step's verdict, the log
backstop, and what operator replies show."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum import verhoeff

from bot.domain.aadhaar import AadhaarProblem, check_aadhaar, looks_like_aadhaar
from bot.domain.numbers import digit_runs, find_aadhaar_numbers, mask_runs
from bot.observability.logging_setup import REDACTED, redact
from bot.operator.reports import FIRST_REPORT_DAY, LAST_REPORT_DAY, in_report_range
from handlers.number_guard import holds_twelve_digits, shown_id
from testing.number_forms import BIDI, SCRIPTS, ZW

N = "987654321096"  # Verhoeff-valid (testing/harness.py: ACTIVE)
def written(digits: str, script: str) -> str:
    return "".join(SCRIPTS[script][int(d)] for d in digits)


def grouped(digits: str, sep: str) -> str:
    return sep.join((digits[:4], digits[4:8], digits[8:]))


# (text, the digits of every number it must yield)
VECTORS: list[tuple[str, list[str]]] = [
    (N, [N]),
    (grouped(N, " "), [N]),
    (grouped(N, "-"), [N]),
    (grouped(N, "."), [N]),
    (grouped(N, "/"), [N]),
    (grouped(N, "_"), [N]),
    (grouped(N, ","), [N]),
    (grouped(N, " - "), [N]),
    (grouped(N, "\u00a0"), [N]),  # no-break space
    (grouped(N, "\u2003"), [N]),  # em space
    (grouped(N, "\u3000"), [N]),  # ideographic space
    (grouped(N, "\u2010"), [N]),  # hyphen
    (grouped(N, "\u2013"), [N]),  # en dash
    (grouped(N, "\u2014"), [N]),  # em dash
    (grouped(N, "\u2212"), [N]),  # minus sign
    (grouped(N, "\n"), [N]),
    (grouped(N, "\u00ad"), [N]),  # soft hyphen
    (grouped(N, "\ufeff"), [N]),  # BOM
    ("98765 43210 96", [N]),
    ("9 8 7 6 5 4 3 2 1 0 9 6", [N]),
    ("\u200f".join(N), [N]),  # RLM between every digit, as some Urdu keyboards type
    ("\u2066" + grouped(N, "\u2069 \u2066") + "\u2069", [N]),  # bidi isolates
    ("9\ufe0f\u20e38\ufe0f\u20e37654321096", [N]),  # keycap digits
    (f"my aadhaar is {grouped(N, ' ')}", [N]),
    (f"Aadhaar: {N}.", [N]),
    (f"आधार नंबर {written(N, 'devanagari')} है", [N]),
    (f"name Asha\nAadhaar {grouped(N, ' ')}\nphone 98765", [N]),
    (f"x{N}y", [N]),  # glued to letters
    (f"2024 {grouped(N, ' ')}", [N]),  # a neighbouring group does not hide it
    (f"{grouped(N, ' ')} 12/05/2024", [N]),
    (grouped(N, "/") + "/" + grouped(N, "/"), [N, "109698765432", N]),
    # False friends: none of these is a number.
    ("987654321095", []),  # bad check digit
    (N + "1", []),  # 13 digits in one run: no 12-digit match inside
    ("1" + N, []),
    (f"account 12{N}34", []),
    (grouped(N, "    "), []),  # more than 3 separators between groups
    (grouped(N, ": "), []),  # a colon ends the chain
    (grouped(N, "+"), []),
    ("2026-02-01T09:00:00.123456+00:00", []),
    ("hello", []),
    ("", []),
]
VECTORS += [(written(N, script), [N]) for script in SCRIPTS]
VECTORS += [(grouped(written(N, script), " "), [N]) for script in SCRIPTS]
VECTORS += [(grouped(N, mark), [N]) for mark in ZW + BIDI]
VECTORS += [(mark.join(N), [N]) for mark in ZW + BIDI]


@pytest.mark.parametrize(("text", "expected"), VECTORS)
def test_vectors(text: str, expected: list[str]) -> None:
    assert [run.digits for run in find_aadhaar_numbers(text)] == expected
    if expected:  # (the converse does not hold: 12 bare digits are sensitive checksum or not)
        assert looks_like_aadhaar(text)


def test_vectors_are_what_they_say() -> None:
    assert verhoeff.is_valid(N)
    assert verhoeff.is_valid("109698765432")
    assert not verhoeff.is_valid("987654321095")


def test_the_span_covers_the_number_as_written() -> None:
    text = f"my number: {grouped(N, ' - ')} thanks"
    [run] = find_aadhaar_numbers(text)
    assert text[run.start : run.end] == grouped(N, " - ")
    assert mask_runs(text, [run], "#") == "my number: # thanks"


def test_overlapping_runs_are_masked_once() -> None:
    text = grouped(N, " ") + " " + grouped(N, " ")
    assert mask_runs(text, find_aadhaar_numbers(text), "#") == "#"


def test_digit_runs_without_checksum() -> None:
    assert [r.digits for r in digit_runs("otp 123 456 now", 6)] == ["123456"]
    assert [r.digits for r in digit_runs("1234567", 6)] == []


@pytest.mark.parametrize(
    "typed",
    [
        grouped(N, "\u200f"),
        "\u2067" + N + "\u2069",
        "\u200e".join(N),
        grouped(N, "/"),
        grouped(N, "_"),
        f"Aadhaar: {grouped(N, ' ')}",
        f"my aadhaar is {written(N, 'tamil')}",
    ],
)
def test_the_aadhaar_step_takes_the_number_whatever_the_form(typed: str) -> None:
    assert check_aadhaar(typed).number == N


def test_the_aadhaar_step_still_gives_reasons() -> None:
    assert check_aadhaar(N + "1").problem is AadhaarProblem.WRONG_LENGTH
    assert check_aadhaar("my number 987654321095").problem is AadhaarProblem.NOT_DIGITS
    two = f"{N} or 234567890124"
    assert check_aadhaar(two).problem is AadhaarProblem.NOT_DIGITS  # which one? not guessed


@pytest.mark.parametrize(
    "line",
    [
        f"typed {grouped(N, '.')}",
        f"typed {grouped(N, ' ')}",
        f"typed {grouped(N, '/')}",
        f"typed {written(N, 'devanagari')}",
        f"typed {grouped(N, chr(0x200F))}",
        f"typed {N}",
    ],
)
def test_the_log_backstop_masks_every_form(line: str) -> None:
    out = redact(line)
    assert out == f"typed {REDACTED}"
    assert not find_aadhaar_numbers(out)


def test_the_log_backstop_masks_otps_only_in_update_content() -> None:
    batch = "Error while parsing updates! Received data was [{'update_id': 7, 'message': "
    batch += "{'text': '123456'}}, {'update_id': 8, 'message': {'text': '654 321'}}]"
    out = redact(batch)
    assert "123456" not in out and "654 321" not in out
    assert redact("handled 123456 updates") == "handled 123456 updates"


def test_operator_replies_mask_twelve_digit_ids() -> None:
    assert shown_id(800582971928) == "XXXX XXXX 1928"
    assert shown_id(991967660004) == "XXXX XXXX 0004"
    assert shown_id(123456789) == "123456789"


def test_staff_free_text_refuses_any_twelve_digits() -> None:
    assert holds_twelve_digits("Ravi 9876 5432 1095")  # even with a bad check digit
    assert holds_twelve_digits(f"Ravi {grouped(N, '.')}")
    assert not holds_twelve_digits("Ravi (Sitapur BC point 12)")


@pytest.mark.parametrize(
    ("day", "handled"),
    [
        (date(1, 1, 1), False),
        (date(1999, 12, 31), False),
        (FIRST_REPORT_DAY, True),
        (date(2026, 2, 1), True),
        (LAST_REPORT_DAY, True),
        (date(9999, 12, 31), False),
    ],
)
def test_report_days(day: date, handled: bool) -> None:
    assert in_report_range(day) is handled
