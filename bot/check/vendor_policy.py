"""What a vendor outcome does to the check, per call: one table.

handlers/ make the call, look the failure up here and carry out the :class:`Move` (handlers/
outcomes.py for the moves every call shares, handlers/otp.py for the captcha's and the OTP's).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.check.outcomes import Outcome


class Call(StrEnum):
    NUMBER = "initiate-session"  # a valid number was typed: the captcha session starts
    PICTURE = "captcha-picture"  # a fresh picture at the captcha (reload, or a new session)
    GENERATE = "generate-otp"
    VERIFY = "verify-otp"


class Move(StrEnum):
    PAUSE = "pause"  # the breaker held the call: nothing sent, say when to come back, stay
    STAY = "stay"  # say it and stay; the user may simply try again
    DROP_NUMBER = "drop_number"  # forget the held number, say it, stay at the number step
    BACK_TO_NUMBER = "back_to_number"  # to the number step: type it again
    FRESH_PICTURE = "fresh_picture"  # a new captcha picture, with the key as its intro
    WRONG_CAPTCHA = "wrong_captcha"  # count it; a new picture, or the end at the limit
    RETRY_PICTURE = "retry_picture"  # count a failed generate-otp; a new picture, or the end
    WRONG_OTP = "wrong_otp"  # count it; again, or the end at the limit
    END = "end"  # the check ends with this outcome


@dataclass(frozen=True, slots=True)
class Rule:
    move: Move
    key: str  # the message
    warn_undeleted: bool = True  # also ask the user to delete their message, if it is still there
    counts_otp_request: bool = False  # an SMS may have gone: it counts against the daily cap


#: The message that ends a check on an outcome no row names (handlers/outcomes.py speaks it).
END_KEYS: dict[Outcome, str] = {
    Outcome.INVALID_AADHAAR: "error-invalid-aadhaar",
    Outcome.MOBILE_NOT_LINKED: "error-mobile-not-linked",
    Outcome.UPSTREAM_UNAVAILABLE: "error-upstream-unavailable",
    Outcome.NO_ANSWER: "error-no-answer",
    Outcome.RATE_LIMITED: "error-rate-limited",
    Outcome.CREDENTIALS_REJECTED: "error-service",
    Outcome.UNKNOWN: "error-service",
    Outcome.OTP_EXPIRED: "otp-expired",
    Outcome.SESSION_EXPIRED: "captcha-session-expired",
}

# No OTP is involved in the captcha's calls: one that got no answer is told as "not available"
# (the no-answer message speaks of an OTP that may still arrive).
_NOT_AVAILABLE = END_KEYS[Outcome.UPSTREAM_UNAVAILABLE]
_PAUSE = Rule(Move.PAUSE, "error-paused")
_RETRYABLE = (Outcome.UPSTREAM_UNAVAILABLE, Outcome.NO_ANSWER, Outcome.RATE_LIMITED)

#: call -> outcome -> rule; an outcome a call does not name takes that call's default.
POLICY: dict[Call, dict[Outcome, Rule]] = {
    Call.NUMBER: {
        Outcome.CIRCUIT_OPEN: _PAUSE,
        Outcome.MOBILE_NOT_LINKED: Rule(Move.END, END_KEYS[Outcome.MOBILE_NOT_LINKED]),
        Outcome.NO_ANSWER: Rule(Move.DROP_NUMBER, _NOT_AVAILABLE),
    },
    Call.PICTURE: {
        Outcome.CIRCUIT_OPEN: _PAUSE,
        Outcome.NO_ANSWER: Rule(Move.END, _NOT_AVAILABLE),
    },
    Call.GENERATE: {
        Outcome.CIRCUIT_OPEN: _PAUSE,
        Outcome.INVALID_CAPTCHA: Rule(Move.WRONG_CAPTCHA, "captcha-wrong"),
        Outcome.SESSION_EXPIRED: Rule(Move.FRESH_PICTURE, "captcha-session-expired"),
        Outcome.INVALID_AADHAAR: Rule(Move.BACK_TO_NUMBER, "error-invalid-aadhaar"),
        Outcome.UPSTREAM_UNAVAILABLE: Rule(Move.RETRY_PICTURE, "error-upstream-retry"),
        Outcome.RATE_LIMITED: Rule(Move.RETRY_PICTURE, "error-upstream-retry"),
        Outcome.NO_ANSWER: Rule(Move.RETRY_PICTURE, "error-no-answer", counts_otp_request=True),
    },
    Call.VERIFY: {
        Outcome.CIRCUIT_OPEN: Rule(Move.PAUSE, "error-paused-otp"),
        Outcome.INVALID_OTP: Rule(Move.WRONG_OTP, "otp-wrong"),
        Outcome.OTP_EXPIRED: Rule(Move.END, "otp-expired"),
        **dict.fromkeys(_RETRYABLE, Rule(Move.STAY, "error-verify-retry")),
    },
}


def _default(call: Call, outcome: Outcome) -> Rule:
    key = END_KEYS.get(outcome, "error-service")
    if call is Call.NUMBER:  # before the captcha nothing is lost by staying
        return Rule(Move.DROP_NUMBER, key)
    return Rule(Move.END, key, warn_undeleted=False)


#: Moves that show a captcha picture: none where the vendor's captcha step is switched off.
PICTURE_MOVES = frozenset({Move.FRESH_PICTURE, Move.WRONG_CAPTCHA, Move.RETRY_PICTURE})


def rule(call: Call, outcome: Outcome, *, captcha_enabled: bool = True) -> Rule:
    """What ``outcome`` of ``call`` does. Without a captcha step a failed generate-otp cannot
    be retried with a fresh picture: it ends the check."""
    found = POLICY[call].get(outcome) or _default(call, outcome)
    if found.move in PICTURE_MOVES and not captcha_enabled:
        return Rule(
            Move.END,
            END_KEYS.get(outcome, "error-service"),
            warn_undeleted=False,
            counts_otp_request=found.counts_otp_request,
        )
    return found


def retry_end(outcome: Outcome) -> Rule:
    """A RETRY_PICTURE at its limit: the end, told as the outcome's own message."""
    return Rule(Move.END, END_KEYS.get(outcome, "error-service"), warn_undeleted=False)
