"""The per-chat check: its steps, and the state that survives a restart (no Aadhaar, no OTP)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import ClassVar


class Step(StrEnum):
    LANGUAGE = "language"  # waiting for a language pick
    CONSENT = "consent"  # consent notice shown, waiting for "I agree" / "No"
    # consent given, in line for the vendor's capacity (bot/capacity/waiting_room.py)
    WAITING = "waiting"
    AADHAAR = "aadhaar"  # consent given, waiting for the Aadhaar number
    CAPTCHA = "captcha"  # captcha shown, waiting for its text
    OTP = "otp"  # OTP sent, waiting for the six digits


@dataclass(frozen=True, slots=True)
class Notes:
    """What a step notes for a later one, typed. Stored as one JSON object of strings under the
    keys of :data:`KEYS` (the shape older releases wrote as ``FlowState.extra``), so a row
    written before or after this class reads the same; keys it does not know are ignored."""

    agent_language: str | None = None  # assisted: the agent's own language (handlers/agent_view)
    notice_language: str | None = None  # the language the consent notice is shown in
    consent_pending: str | None = None  # a consent decision being recorded (handlers/consent)
    session_at: datetime | None = None  # when the vendor's captcha session started
    in_line: bool = False  # this check has (or had) a place in the waiting line
    missed: bool = False  # the waiting room's turn came and passed unanswered

    KEYS: ClassVar[dict[str, str]] = {
        "agent_language": "agent_lang",
        "notice_language": "notice_lang",
        "consent_pending": "consent_pending",
        "session_at": "session_at",
        "in_line": "line",
        "missed": "missed",
    }

    def to_json(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, key in self.KEYS.items():
            value = getattr(self, name)
            if isinstance(value, bool):
                if value:
                    out[key] = "1"
            elif isinstance(value, datetime):
                out[key] = value.isoformat()
            elif value is not None:
                out[key] = value
        return out

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Notes:
        values: dict[str, object] = {}
        for name, key in cls.KEYS.items():
            raw = data.get(key)
            if raw is None:
                continue
            if name in ("in_line", "missed"):
                values[name] = bool(raw)  # older rows wrote "1"; only presence ever mattered
            elif name == "session_at":
                values[name] = datetime.fromisoformat(str(raw))
            else:
                values[name] = str(raw)
        return cls(**values)  # type: ignore[arg-type]

    def evolve(self, **changes: object) -> Notes:
        return replace(self, **changes)  # type: ignore[arg-type]


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
    # next start finds the mark and tells the user what happened (bot/runtime/recovery.py).
    awaiting_vendor: str | None = None
    notes: Notes = field(default_factory=lambda: Notes())

    #: Stored under another column name: the row's ``extra`` JSON object (bot/store/rows.py).
    COLUMNS: ClassVar[dict[str, str]] = {"notes": "extra"}

    def evolve(self, **changes: object) -> FlowState:
        return replace(self, **changes)  # type: ignore[arg-type]
