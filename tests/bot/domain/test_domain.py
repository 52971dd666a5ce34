"""Pure rules: Aadhaar validation (python-stdnum's vectors), digits, masking, OTP, policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.check.state import FlowState, Step
from bot.domain.aadhaar import AadhaarProblem, check_aadhaar, looks_like_aadhaar, mask_last4
from bot.domain.digits import to_ascii_digits
from bot.domain.otp import parse_captcha, parse_otp
from bot.domain.policy import (
    Limits,
    can_resend,
    daily_otp_cap_reached,
    india_day_start,
    next_india_midnight,
    otp_expired,
    resend_unlocks_at,
)
from bot.domain.result import StatusKind, classify_status

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("234123412346", None),  # stdnum's valid vector
        ("2341 2341 2346", None),
        ("2341-2341-2346", None),
        ("२३४१ २३४१ २३४६", None),  # Devanagari digits
        ("২৩৪১২৩৪১২৩৪৬", None),  # Bengali digits
        ("௨௩௪௧௨௩௪௧௨௩௪௬", None),  # Tamil digits
        ("123412341234", AadhaarProblem.BAD_FIRST_DIGIT),
        ("222222222222", AadhaarProblem.PALINDROME),
        ("234123412347", AadhaarProblem.BAD_CHECKSUM),
        ("8253 2377 8091", AadhaarProblem.BAD_CHECKSUM),  # the seed's example
        ("23412341234", AadhaarProblem.WRONG_LENGTH),
        ("2341234123466", AadhaarProblem.WRONG_LENGTH),
        ("2341abcd2346", AadhaarProblem.NOT_DIGITS),
        ("", AadhaarProblem.NOT_DIGITS),
        ("   ", AadhaarProblem.NOT_DIGITS),
        ("x" * 5000, AadhaarProblem.NOT_DIGITS),
    ],
)
def test_check_aadhaar(typed: str, problem: AadhaarProblem | None) -> None:
    check = check_aadhaar(typed)
    assert check.problem is problem
    assert check.valid is (problem is None)
    if problem is None:
        assert check.number == "234123412346"


def test_wrong_length_counts_digits() -> None:
    assert check_aadhaar("2341 2341 234").digit_count == 11


def test_mask_shows_only_last_four() -> None:
    assert mask_last4("8091") == "XXXX XXXX 8091"


def test_digits_of_any_script() -> None:
    assert to_ascii_digits("০১২৩৪৫৬৭৮৯") == "0123456789"  # Bengali
    assert to_ascii_digits("۰۱۲۳") == "0123"  # Extended Arabic-Indic, as Urdu keyboards type
    assert to_ascii_digits("12\u200b34") == "1234"  # zero-width space
    assert to_ascii_digits("12a") is None


def test_looks_like_aadhaar() -> None:
    assert looks_like_aadhaar("2341 2341 2347")  # even with a bad checksum: still sensitive
    assert not looks_like_aadhaar("hello")
    assert not looks_like_aadhaar("123456")


@pytest.mark.parametrize(
    ("typed", "otp"),
    [
        ("123456", "123456"),
        (" 123 456 ", "123456"),
        ("१२३४५६", "123456"),
        ("12345", None),
        ("1234567", None),
        ("12345a", None),
        ("", None),
    ],
)
def test_parse_otp(typed: str, otp: str | None) -> None:
    assert parse_otp(typed) == otp


@pytest.mark.parametrize(
    ("typed", "captcha"),
    [
        ("AB3 4CD", "AB34CD"),
        ("ab34cd", "ab34cd"),
        ("AB३4CD", "AB34CD"),
        ("", None),
        ("🙂🙂", None),
        ("x" * 13, None),
        ("अआइ", None),
    ],
)
def test_parse_captcha(typed: str, captcha: str | None) -> None:
    assert parse_captcha(typed) == captcha


def _state(**changes: object) -> FlowState:
    state = FlowState(
        chat_id=1,
        user_id=1,
        check_id="c",
        step=Step.OTP,
        language="en",
        created_at=T0,
        updated_at=T0,
        expires_at=T0 + timedelta(minutes=30),
    )
    return state.evolve(**changes)


def test_otp_validity_is_ten_minutes() -> None:
    limits = Limits()
    state = _state(otp_sent_at=T0)
    assert not otp_expired(state, T0 + timedelta(minutes=9, seconds=59), limits)
    assert otp_expired(state, T0 + timedelta(minutes=10), limits)
    assert otp_expired(_state(), T0, limits)  # never sent: nothing to verify


def test_resend_after_sixty_seconds_at_most_twice() -> None:
    limits = Limits()
    state = _state(otp_sent_at=T0)
    assert resend_unlocks_at(state, limits) == T0 + timedelta(seconds=60)
    assert not can_resend(state, T0 + timedelta(seconds=59), limits)
    assert can_resend(state, T0 + timedelta(seconds=60), limits)
    assert resend_unlocks_at(state.evolve(resends=2), limits) is None


def test_daily_cap_resets_at_midnight_in_india() -> None:
    # 20:00 UTC on 1 March is 01:30 IST on 2 March.
    late = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
    assert india_day_start(late).isoformat() == "2026-03-02T00:00:00+05:30"
    assert next_india_midnight(late).isoformat() == "2026-03-03T00:00:00+05:30"
    assert not daily_otp_cap_reached(4, Limits())
    assert daily_otp_cap_reached(5, Limits())


@pytest.mark.parametrize(
    ("bank", "status", "kind"),
    [
        ("SBI", "Active", StatusKind.ACTIVE),
        ("SBI", " active ", StatusKind.ACTIVE),
        ("PNB", "Inactive", StatusKind.INACTIVE),
        (None, None, StatusKind.NOT_SEEDED),
        ("", "Active", StatusKind.NOT_SEEDED),
        ("SBI", "Frozen", StatusKind.OTHER),
    ],
)
def test_classify_status(bank: str | None, status: str | None, kind: StatusKind) -> None:
    assert classify_status(bank, status) is kind
