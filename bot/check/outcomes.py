"""The one closed set of outcomes: what a vendor call answered, and how a check ended.

The vendor client raises :class:`Outcome` members (``bot/vendor``); ``end_check`` takes one; the
check log stores its value; metrics count it; reports group it (:attr:`Outcome.group`) and
label it (locales' ``check-outcome``). A string that is no member (a row written by an older
release, say) is still shown and counted: :func:`group_of` puts it with the checks that stopped
short.
"""

from __future__ import annotations

from enum import StrEnum


class OutcomeGroup(StrEnum):
    """What the chart stacks: every outcome falls in exactly one group."""

    ACTIVE = "active"  # seeded, and DBT can be credited
    INACTIVE = "inactive"  # seeded, but inactive (or a status we don't know)
    NOT_SEEDED = "not_seeded"
    VENDOR = "vendor"  # the vendor, UIDAI or NPCI failed us (or the breaker held the call)
    ABANDONED = "abandoned"  # the check stopped short: declined, cancelled, wrong OTP, caps…


class Outcome(StrEnum):
    # --- a vendor call's answer (bot/vendor); the last five are also how a check may end
    SUCCESS = "success"
    INVALID_AADHAAR = "invalid_aadhaar"  # UIDAI does not know the number (checksum was fine)
    INVALID_CAPTCHA = "invalid_captcha"
    SESSION_EXPIRED = "session_expired"  # the captcha session is gone: start the captcha again
    MOBILE_NOT_LINKED = "mobile_not_linked"
    INVALID_OTP = "invalid_otp"
    OTP_EXPIRED = "otp_expired"  # the reference is expired or spent
    NOT_SEEDED = "not_seeded"  # also a result card: no bank in NPCI's mapper
    RATE_LIMITED = "rate_limited"
    UPSTREAM_UNAVAILABLE = "upstream_unavailable"  # 5xx, SOURCE_FAILURE, connection failures
    NO_ANSWER = "no_answer"  # read timeout: the request may have reached the vendor
    CREDENTIALS_REJECTED = "credentials_rejected"
    CIRCUIT_OPEN = "circuit_open"  # not called: too many recent failures (bot/vendor/breaker.py)
    UNKNOWN = "unknown"
    # --- a result card (bot/domain/result.py StatusKind has the same values)
    ACTIVE = "active"
    INACTIVE = "inactive"
    OTHER = "other"  # a status we don't know, shown as it is
    # --- a check that stopped short, by the user or by a limit
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # idle for 30 minutes
    LEFT_LINE = "left_line"
    DAILY_CAP = "daily_cap"
    OTP_FAILED = "otp_failed"  # wrong OTP too many times
    CAPTCHA_FAILED = "captcha_failed"  # wrong picture too many times

    @property
    def group(self) -> OutcomeGroup:
        return _GROUP.get(self, OutcomeGroup.ABANDONED)


#: The vendor (or UIDAI/NPCI behind it) failed us, not the user.
VENDOR_ERRORS = frozenset(
    {
        Outcome.UPSTREAM_UNAVAILABLE,
        Outcome.NO_ANSWER,
        Outcome.RATE_LIMITED,
        Outcome.CREDENTIALS_REJECTED,
        Outcome.UNKNOWN,
    }
)
#: A check that ended with a result card.
RESULTS = frozenset({Outcome.ACTIVE, Outcome.INACTIVE, Outcome.NOT_SEEDED, Outcome.OTHER})
#: Recorded after a valid number was typed but before any vendor call.
NO_VENDOR_CALL = frozenset({Outcome.DAILY_CAP})

_GROUP: dict[Outcome, OutcomeGroup] = {
    Outcome.ACTIVE: OutcomeGroup.ACTIVE,
    Outcome.INACTIVE: OutcomeGroup.INACTIVE,
    Outcome.OTHER: OutcomeGroup.INACTIVE,
    Outcome.NOT_SEEDED: OutcomeGroup.NOT_SEEDED,
    Outcome.CIRCUIT_OPEN: OutcomeGroup.VENDOR,
} | dict.fromkeys(VENDOR_ERRORS, OutcomeGroup.VENDOR)


def parse(value: str) -> Outcome | None:
    """The member a stored string names, or None for one this release does not know."""
    try:
        return Outcome(value)
    except ValueError:
        return None


def group_of(value: str) -> OutcomeGroup:
    """The chart group of a stored outcome string (unknown ones: stopped short)."""
    outcome = parse(value)
    return OutcomeGroup.ABANDONED if outcome is None else outcome.group
