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


@dataclass(frozen=True, slots=True)
class Agent:
    """A field agent, enrolled through an invite link. Revoked agents stay (``revoked_at``
    set), so the check log's agent ids always name someone an auditor can look up."""

    user_id: int
    enrolled_at: datetime
    invited_by: int
    label: str | None = None
    revoked_at: datetime | None = None
    revoked_by: int | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class Invite:
    """A one-time enrolment link. Only a hash of its token is stored: a copy of the database
    cannot be turned into working links."""

    token_sha256: str
    created_by: int
    created_at: datetime
    expires_at: datetime
    label: str | None = None
    used_at: datetime | None = None
    used_by: int | None = None


@dataclass(frozen=True, slots=True)
class PersonalData:
    """What the store holds about one user (and their private chat), as counts: /privacy.

    ``checks`` and ``consents`` are the user's own (self-service) records; ``assisted_checks``
    are the check-log rows of checks this user ran as an agent for customers, which are the
    customers' records and outlive the agent's /forget.
    """

    open_check: bool
    language: str | None
    checks: int
    consents: int
    consents_withdrawn: int
    otp_requests: int
    assisted_checks: int


class Store(Protocol):
    async def open(self) -> None:
        """Connect and apply pending migrations."""

    async def close(self) -> None: ...

    # --- flow state (one row per chat, written at every transition) ---
    async def get_flow(self, chat_id: int) -> FlowState | None: ...

    async def save_flow(self, state: FlowState) -> None: ...

    async def delete_flow(self, chat_id: int) -> None: ...

    async def flows_awaiting_vendor(self) -> list[FlowState]:
        """Checks marked as waiting for a vendor call (``FlowState.awaiting_vendor``)."""
        ...

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

    async def checks_by_agent(self, agent_id: int, limit: int) -> list[CheckRecord]:
        """The last ``limit`` checks run by agent ``agent_id``, newest first."""

    async def count_agent_checks(self, agent_id: int, since: datetime) -> int:
        """Checks run by agent ``agent_id`` at or after ``since`` (the daily quota)."""

    # --- agents and their invite links ---
    async def create_invite(self, invite: Invite) -> None: ...

    async def redeem_invite(self, token_sha256: str, user_id: int, at: datetime) -> Agent | None:
        """Use the invite once: if it exists, is unused and ``at < expires_at``, mark it used by
        ``user_id`` and enrol (or re-enrol) that user as an active agent with the invite's
        label, atomically; return the agent. Otherwise change nothing and return None."""

    async def get_agent(self, user_id: int) -> Agent | None:
        """The agent row of ``user_id``, revoked or not."""

    async def list_agents(self, *, include_revoked: bool = False) -> list[Agent]:
        """Agents in order of enrolment (oldest first); active ones only unless asked."""

    async def revoke_agent(self, user_id: int, by: int, at: datetime) -> bool:
        """Revoke an active agent; False if ``user_id`` is not one (nothing changes)."""

    # --- rights and retention ---
    async def personal_data(self, user_id: int, chat_id: int) -> PersonalData:
        """Counts of what is stored about the user (see :class:`PersonalData`)."""

    async def forget_user(self, user_id: int, chat_id: int, at: datetime) -> None:
        """Delete the chat's flow and preferences and the user's OTP counters and own check log
        rows; set ``withdrawn_at = at`` on the user's own consent records that lack one (outcome
        unchanged: the records themselves stay as proof). Atomic and durable.

        Rows with an ``agent_id`` are checks an agent ran for a customer and the customer's
        attested consent: they belong to the customer, not to the agent, and are kept."""

    async def sweep(
        self, now: datetime, *, checks_before: datetime, consents_before: datetime
    ) -> int:
        """Delete flows and invites with ``expires_at <= now``, OTP requests older than two
        days, check log rows before ``checks_before`` and consents before ``consents_before``;
        return the number of rows deleted."""
