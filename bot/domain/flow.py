"""The per-chat check: its steps, and the state that survives a restart (no Aadhaar, no OTP)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum


class Step(StrEnum):
    LANGUAGE = "language"  # waiting for a language pick
    CONSENT = "consent"  # consent notice shown, waiting for "I agree" / "No"
    WAITING = "waiting"  # consent given, in line for the vendor's capacity (bot/waiting_room.py)
    AADHAAR = "aadhaar"  # consent given, waiting for the Aadhaar number
    CAPTCHA = "captcha"  # captcha shown, waiting for its text
    OTP = "otp"  # OTP sent, waiting for the six digits


class Mode(StrEnum):
    SELF = "self"  # the citizen checks their own number
    ASSISTED = "assisted"  # a field agent checks for a customer in person


@dataclass(slots=True)
class FlowState:
    """One open check of one chat. Deleted when the check ends.

    ``check_id`` is a short random id that every inline button of this check carries, so a tap
    on a button of an earlier check (or an earlier step) is recognised as stale.
    """

    chat_id: int
    user_id: int
    check_id: str
    step: Step
    language: str
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    mode: Mode = Mode.SELF
    agent_id: int | None = None
    consent_id: int | None = None
    last4: str | None = None
    vendor_session_id: str | None = None
    reference_id: str | None = None
    otp_sent_at: datetime | None = None
    wrong_captchas: int = 0
    wrong_otps: int = 0
    resends: int = 0
    generate_attempts: int = 0
    prompt_message_id: int | None = None  # the bot message whose buttons belong to this step
    # The Telegram update that last changed this state: one delivered again after a crash is
    # recognised by it (an update id never goes down) and not applied twice.
    last_update_id: int | None = None
    # The vendor call this check is waiting for (``initiate-session``, ``reload-captcha``,
    # ``generate-otp``, ``verify-otp``), saved before the call is made: the update that asked
    # for it is confirmed to Telegram then, and if the process dies before the answer, the
    # next start finds the mark and tells the user what happened (bot/recovery.py).
    awaiting_vendor: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def evolve(self, **changes: object) -> FlowState:
        return replace(self, **changes)  # type: ignore[arg-type]
