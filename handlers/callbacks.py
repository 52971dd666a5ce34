"""Inline-button payloads: ``action|check_id|arg``, well under Telegram's 64-byte limit.

Every button carries the id of the check it belongs to, so a tap on a button of an earlier
check, or of a step that has passed, is recognised and answered with "this step has passed".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.check.state import Step

MAX_CALLBACK_BYTES = 64
NO_CHECK = "-"  # buttons that belong to no check (e.g. /language outside a check)


class Action(StrEnum):
    LANGUAGE = "l"
    AGREE = "a"
    DECLINE = "d"
    TOGGLE_ENGLISH = "e"
    NEW_CAPTCHA = "c"
    RESEND_OTP = "r"
    CHECK_AGAIN = "g"
    ASSIST = "s"  # an agent: "Check for a customer"
    OWN_CHECK = "o"  # an agent: "Check my own number"
    NEXT_CUSTOMER = "n"  # an agent, after a customer's check: the next one, at once
    LEAVE_LINE = "w"  # waiting in line: leave it
    REJOIN = "j"  # a missed turn: join the line again, at the back
    ERASE = "x"  # an admin confirms /erase REF (arg: the reference's hash, base64url)
    KEEP = "k"  # an admin cancels /erase REF


# The step a button's action belongs to (None: valid whatever the step).
ACTION_STEP: dict[Action, Step | None] = {
    Action.LANGUAGE: None,
    Action.AGREE: Step.CONSENT,
    Action.DECLINE: Step.CONSENT,
    Action.TOGGLE_ENGLISH: Step.CONSENT,
    Action.NEW_CAPTCHA: Step.CAPTCHA,
    Action.RESEND_OTP: Step.OTP,
    Action.CHECK_AGAIN: None,
    Action.ASSIST: None,
    Action.OWN_CHECK: None,
    Action.NEXT_CUSTOMER: None,
    Action.LEAVE_LINE: Step.WAITING,
    Action.REJOIN: Step.WAITING,
    Action.ERASE: None,
    Action.KEEP: None,
}

# Buttons that belong to no check and stay valid whatever the chat's check is doing.
ANY_TIME = frozenset({Action.ERASE, Action.KEEP})

# Buttons that start a check: valid only while no check is open (else "this step has passed").
BETWEEN_CHECKS = frozenset(
    {Action.CHECK_AGAIN, Action.ASSIST, Action.OWN_CHECK, Action.NEXT_CUSTOMER}
)


@dataclass(frozen=True, slots=True)
class Callback:
    action: Action
    check_id: str
    arg: str = ""


def encode(action: Action, check_id: str, arg: str = "") -> str:
    data = f"{action.value}|{check_id}|{arg}"
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError("callback data too long")
    return data


def decode(data: str | None) -> Callback | None:
    """Parse a payload; ``None`` for anything we did not make (garbage or forged)."""
    if not data or len(data) > MAX_CALLBACK_BYTES:
        return None
    parts = data.split("|")
    if len(parts) != 3:
        return None
    try:
        action = Action(parts[0])
    except ValueError:
        return None
    if not parts[1] or len(parts[1]) > 16:
        return None
    return Callback(action, parts[1], parts[2])
