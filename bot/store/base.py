"""The store interface. Every backend passes one contract suite (tests/test_store_contract.py).

Nothing here ever holds an Aadhaar number or an OTP: only the last four digits (backends refuse
a ``last4`` that is not exactly four digits). Datetimes must be timezone-aware (naive ones are
refused) and come back in UTC, exact to the microsecond. Backends: bot/store/sqlite.py (default),
bot/store/postgres.py; bot/store/factory.py picks one from a URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.flow import FlowState


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    """One consent decision, append-only. ``outcome`` is given, declined or withdrawn."""

    user_id: int
    chat_id: int
    at: datetime
    notice_id: str
    notice_version: str
    notice_sha256: str
    language: str
    purpose: str
    outcome: str
    agent_id: int | None = None
    attestation: str | None = None
    withdrawn_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class CheckRecord:
    """One finished check, for operators: never more than the last four digits."""

    at: datetime
    user_id: int
    chat_id: int
    last4: str | None
    outcome: str
    bank_name: str | None
    status: str | None
    language: str
    agent_id: int | None = None
    duration_ms: int | None = None
    id: int | None = None


class Store(Protocol):
    async def open(self) -> None:
        """Connect and apply pending migrations."""

    async def close(self) -> None: ...

    # --- flow state (one row per chat, written at every transition) ---
    async def get_flow(self, chat_id: int) -> FlowState | None: ...

    async def save_flow(self, state: FlowState) -> None: ...

    async def delete_flow(self, chat_id: int) -> None: ...

    # --- per-chat preferences ---
    async def get_language(self, chat_id: int) -> str | None: ...

    async def set_language(self, chat_id: int, language: str) -> None: ...

    # --- consent (append-only, written durably) ---
    async def record_consent(self, record: ConsentRecord) -> int:
        """Append ``record`` (its ``id`` is ignored) and return the new id. Durable: the
        record is on disk before this returns, since the bot acts on it."""

    async def consents_for_user(self, user_id: int) -> list[ConsentRecord]:
        """The user's consent records (withdrawn ones included), oldest first."""

    # --- daily OTP cap ---
    async def count_otp_requests(self, user_id: int, since: datetime) -> int:
        """OTP requests of ``user_id`` at or after ``since``."""

    async def add_otp_request(self, user_id: int, at: datetime) -> None: ...

    # --- check log ---
    async def log_check(self, record: CheckRecord) -> None: ...

    async def checks_between(self, start: datetime, end: datetime) -> list[CheckRecord]:
        """Checks with ``start <= at < end``, oldest first."""

    # --- rights and retention ---
    async def forget_user(self, user_id: int, chat_id: int, at: datetime) -> None:
        """Delete the chat's flow and preferences and the user's OTP counters and check log
        rows; set ``withdrawn_at = at`` on the user's consent records that lack one (outcome
        unchanged: the records themselves stay as proof). Atomic and durable."""

    async def sweep(
        self, now: datetime, *, checks_before: datetime, consents_before: datetime
    ) -> int:
        """Delete flows with ``expires_at <= now``, OTP requests older than two days, check log
        rows before ``checks_before`` and consents before ``consents_before``; return the
        number of rows deleted."""
