"""Rows for the store contract suite (tests/bot/store/): a flow state with every field set,
a minimal one, consent and check records, and the instant they are built around."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from bot.check.state import FlowState, Mode, Notes, Step
from bot.store.base import CheckRecord, ConsentRecord

# Microseconds set, and not a six-digit run the session's leak guard looks for (typed OTPs).
T0 = datetime(2026, 1, 15, 6, 30, 0, 424242, tzinfo=UTC)
IST = timezone(timedelta(hours=5, minutes=30))


def full_state(chat_id: int = 987654321, **changes: object) -> FlowState:
    """A state with every field set to a non-default value, in mixed time zones."""
    state = FlowState(
        chat_id=chat_id,
        user_id=chat_id,
        check_id="k3J9x2",
        step=Step.OTP,
        language="hi",
        created_at=T0.astimezone(IST),  # stored as UTC, read back as the same instant
        updated_at=T0 + timedelta(seconds=1, microseconds=876543),
        expires_at=T0 + timedelta(minutes=10, microseconds=1),
        mode=Mode.ASSISTED,
        agent_id=5550001,
        consent_id=42,
        last4="8091",
        vendor_session_id="9f1ce4abd7a8b6c5e4f3a2b1c0d9e8f7",
        reference_id="aadhaar_seeding_status_ABCDEFGHIJKLMNOPQRST",
        otp_sent_at=T0 + timedelta(minutes=2, microseconds=999999),
        wrong_captchas=1,
        wrong_otps=2,
        resends=1,
        generate_attempts=3,
        prompt_message_id=777,
        last_update_id=2**40 + 7,
        awaiting_vendor="generate-otp",  # Telegram's update ids pass 2**31: a 64-bit column
        notes=Notes(
            agent_language="hi",
            notice_language="en",
            consent_pending='given "b" \\ c',
            session_at=T0 + timedelta(minutes=1, microseconds=5),
            in_line=True,
            missed=True,
        ),
    )
    return state.evolve(**changes) if changes else state


def minimal_state(chat_id: int, expires_at: datetime = T0 + timedelta(minutes=10)) -> FlowState:
    return FlowState(
        chat_id=chat_id,
        user_id=chat_id,
        check_id="c1",
        step=Step.LANGUAGE,
        language="en",
        created_at=T0,
        updated_at=T0,
        expires_at=expires_at,
    )


def consent(user_id: int, at: datetime, **changes: object) -> ConsentRecord:
    record = ConsentRecord(
        user_id=user_id,
        chat_id=user_id,
        at=at,
        notice_id="self-check",
        notice_version="2026-01",
        notice_sha256="ab" * 32,
        language="hi",
        purpose="bank-seeding-status",
        outcome="given",
    )
    return replace(record, **changes)  # type: ignore[arg-type]


def check(user_id: int, at: datetime, **changes: object) -> CheckRecord:
    record = CheckRecord(
        at=at,
        user_id=user_id,
        chat_id=user_id,
        last4="8091",
        outcome="success",
        bank_name="State Bank of India",
        status="Active",
        language="hi",
    )
    return replace(record, **changes)  # type: ignore[arg-type]


def assert_utc(value: datetime | None) -> None:
    assert value is not None and value.utcoffset() == timedelta(0)
