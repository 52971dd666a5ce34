"""The store interface. Every backend passes one contract suite
(tests/bot/store/test_store_contract.py).

Nothing here ever holds an Aadhaar number or an OTP: only the last four digits (backends refuse
a ``last4`` that is not exactly four digits). Datetimes must be timezone-aware (naive ones are
refused) and come back in UTC, exact to the microsecond. Backends: bot/store/sqlite.py (default),
bot/store/postgres.py; bot/store/factory.py picks one from a URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.check.state import FlowState


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
    # The consent decision this check ran under, and the SHA-256 of the check reference shown
    # on its result card (bot/domain/references.py); never the reference itself.
    consent_id: int | None = None
    reference_sha256: str | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class ReferenceRecords:
    """What the store holds for one check reference: the check-log row, and the consent
    record the check ran under (None if the retention sweep has deleted it)."""

    check: CheckRecord
    consent: ConsentRecord | None


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
class LineEntry:
    """A place in the waiting room's line (bot/capacity/waiting_room.py): who, in which lane (the
    worker that handles the chat), in what order, and the message that shows the place. Never an
    Aadhaar number: one typed while waiting stays in memory (bot/capacity/held_numbers.py).

    ``priority`` orders before arrival (0: an assisted check, 1: self-service); ``called_at``
    is set when the turn is given, and the row goes once the check moves on."""

    chat_id: int
    user_id: int
    check_id: str
    lane: int
    priority: int
    language: str
    joined_at: datetime
    called_at: datetime | None = None
    message_id: int | None = None
    id: int | None = None


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

    # --- the waiting room's line and its admissions (bot/capacity/waiting_room.py) ---
    async def join_line(self, entry: LineEntry) -> LineEntry:
        """Put the chat at the back of the line (leaving any place it had); return the entry
        with its id, which orders arrivals."""

    async def set_line_message(self, chat_id: int, message_id: int) -> None:
        """Note the message that shows the chat's place (edited as the line moves)."""

    async def line(self, lane: int) -> list[LineEntry]:
        """The lane's entries, waiting and called, in order of arrival (id)."""

    async def line_entry(self, chat_id: int) -> LineEntry | None: ...

    async def leave_line(self, chat_id: int) -> None: ...

    async def admit(self, lane: int, at: datetime, chat_id: int | None = None) -> bool:
        """Record one admission of ``lane`` at ``at``, atomically with giving ``chat_id`` its
        turn (``called_at = at``) if given. False, recording nothing, if that chat is not
        waiting (it left, or was called already). The admission keeps its wait: from the
        chat's ``joined_at`` to ``at``, or zero without a chat (straight in)."""

    async def admissions_since(self, lane: int, since: datetime) -> list[datetime]:
        """The lane's admission times at or after ``since``, oldest first."""

    async def count_admissions(self, lane: int, since: datetime) -> int:
        """The lane's admissions at or after ``since`` (today's budget)."""

    async def longest_wait(self, start: datetime, end: datetime) -> timedelta | None:
        """The longest wait of the admissions of every lane with ``start <= at < end``
        (to the millisecond); None if there were none."""

    # --- rights and retention ---
    async def personal_data(self, user_id: int, chat_id: int) -> PersonalData:
        """Counts of what is stored about the user (see :class:`PersonalData`)."""

    async def forget_user(self, user_id: int, chat_id: int, at: datetime) -> None:
        """Delete the chat's flow, place in line and preferences and the user's OTP counters
        and own check log rows; set ``withdrawn_at = at`` on the user's own consent records
        that lack one (outcome unchanged: the records themselves stay as proof). Atomic and
        durable.

        Rows with an ``agent_id`` are checks an agent ran for a customer and the customer's
        attested consent: they belong to the customer, not to the agent, and are kept."""

    async def records_for_reference(self, reference_sha256: str) -> ReferenceRecords | None:
        """The check logged with this reference hash (the newest, should two ever share one)
        and its consent record; None if there is none (never issued, erased, or swept)."""

    async def erase_reference(self, reference_sha256: str, at: datetime) -> ReferenceRecords | None:
        """Erase the check with this reference as /forget would, atomically and durably, and
        return what was stored (the consent record as kept: withdrawn). A citizen's own check:
        everything :meth:`forget_user` erases for its user and chat. A check an agent ran for a
        customer: that check-log row, and its consent record withdrawn (nothing else is the
        customer's). None, and nothing changes, if there is no such check."""

    async def sweep(
        self, now: datetime, *, checks_before: datetime, consents_before: datetime
    ) -> int:
        """Delete flows and invites with ``expires_at <= now``, OTP requests older than two
        days, admissions older than eight days (``ADMISSION_RETENTION``: the longest wait of
        the last 7 days needs them), places in line whose check is gone, check log rows before
        ``checks_before`` and consents before ``consents_before``; return the number of rows
        deleted."""

    # --- the weekly digest (bot/operator/digest.py) ---
    async def claim_digest(self, week_start: date, admin_id: int, at: datetime) -> bool:
        """Record that the digest of the week starting ``week_start`` goes to ``admin_id``;
        True for the one caller that recorded it, False if it was already recorded (by this
        instance before a restart, or by another instance)."""

    async def release_digest(self, week_start: date, admin_id: int) -> None:
        """Undo a claim whose digest could not be sent, so that a later try sends it."""
