"""The scale-out store: PostgreSQL via an asyncpg pool. Same tables and meaning as SQLite.

Durability mirrors the SQLite store. Pool connections run with ``synchronous_commit=off``: a
flow save, a preference, an OTP counter or a check-log row commits without waiting for the WAL
flush (a server crash may lose the last fraction of a second of those, never corrupt anything,
and a lost transition only means the user repeats a step). Consent inserts, withdrawal/erasure
and migrations run in a transaction with ``SET LOCAL synchronous_commit = on``, so they are on
disk (and on a synchronous standby, if one is configured) before the call returns.

``schema`` puts every table in that schema (created if missing) and makes it the whole
``search_path`` of each pool connection, so tests can work in a throwaway schema and drop it.
Nothing falls through to ``public``: an unqualified name only ever means our own table.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg

from bot.check.state import FlowState
from bot.store import base
from bot.store.base import Agent, CheckRecord, ConsentRecord, Invite, LineEntry, PersonalData
from bot.store.migrate import Migration, load_migrations, migrate
from bot.store.rows import (
    ADMISSION_RETENTION,
    OTP_REQUEST_RETENTION,
    agent_queries,
    dollar,
    from_aware,
    insert_sql,
    line_queries,
    make_codecs,
    personal_data_from_row,
    personal_data_sql,
    reference_queries,
    require_utc,
    select_sql,
    upsert_sql,
    waited_ms,
)

_CODECS = make_codecs(encode_time=require_utc, decode_time=from_aware)
_FLOW, _CONSENT, _CHECK = _CODECS.flow, _CODECS.consent, _CODECS.check
_AGENT, _INVITE, _LINE = _CODECS.agent, _CODECS.invite, _CODECS.line

_SAVE_FLOW = upsert_sql("flows", _FLOW.columns, "chat_id", dollar)
_GET_FLOW = select_sql("flows", _FLOW.columns, "chat_id = $1")
_AWAITING_VENDOR = select_sql("flows", _FLOW.columns, "awaiting_vendor IS NOT NULL", "chat_id")
_INSERT_CONSENT = insert_sql("consents", _CONSENT.insert_columns, dollar) + " RETURNING id"
_CONSENTS_FOR_USER = select_sql("consents", _CONSENT.columns, "user_id = $1", "at, id")
_INSERT_CHECK = insert_sql("check_log", _CHECK.insert_columns, dollar)
_CHECKS_BETWEEN = select_sql("check_log", _CHECK.columns, "at >= $1 AND at < $2", "at, id")
_AGENTS = agent_queries(_CODECS, dollar)
_LINE_SQL = line_queries(_CODECS, dollar)
# Redemption as one statement: use the invite (only if unused and unexpired), then enrol or
# re-activate the agent with the invite's label. $1 token hash, $2 user, $3 at.
_REDEEM = f"""
WITH used AS (
    UPDATE invites SET used_at = $3, used_by = $2
    WHERE token_sha256 = $1 AND used_at IS NULL AND expires_at > $3
    RETURNING created_by, label
)
INSERT INTO agents (user_id, enrolled_at, invited_by, label, revoked_at, revoked_by)
SELECT $2, $3, created_by, label, NULL, NULL FROM used
ON CONFLICT (user_id) DO UPDATE SET enrolled_at = excluded.enrolled_at,
    invited_by = excluded.invited_by, label = excluded.label, revoked_at = NULL, revoked_by = NULL
RETURNING {", ".join(_AGENT.columns)}
"""  # noqa: S608 - column names are code constants
_PERSONAL_DATA = personal_data_sql("$1", "$2")
_REFERENCES = reference_queries(_CODECS, dollar)

# Erasure as one statement (data-modifying CTEs): atomic, one round trip. $1 user, $2 chat, $3 at.
# Rows with an agent_id are checks the user ran as an agent for customers, and those customers'
# attested consents: the customers' records, not the agent's, so they stay.
_FORGET = """
WITH flows_gone AS (DELETE FROM flows WHERE chat_id = $2),
     prefs_gone AS (DELETE FROM chat_prefs WHERE chat_id = $2),
     line_gone AS (DELETE FROM waiting_line WHERE chat_id = $2),
     otps_gone AS (DELETE FROM otp_requests WHERE user_id = $1),
     checks_gone AS (DELETE FROM check_log WHERE user_id = $1 AND agent_id IS NULL)
UPDATE consents SET withdrawn_at = $3
WHERE user_id = $1 AND agent_id IS NULL AND withdrawn_at IS NULL
"""

# Erasure of a customer's check by its reference: that row, and the consent it ran under.
# $1 check-log id, $2 consent id, $3 at.
_ERASE_ASSISTED = """
WITH check_gone AS (DELETE FROM check_log WHERE id = $1)
UPDATE consents SET withdrawn_at = $3 WHERE id = $2 AND withdrawn_at IS NULL
"""

# Retention as one statement. $1 now, $2 OTP cut-off, $3 check-log cut-off, $4 consent cut-off.
_SWEEP = """
WITH f AS (DELETE FROM flows WHERE expires_at <= $1 RETURNING 1),
     i AS (DELETE FROM invites WHERE expires_at <= $1 RETURNING 1),
     o AS (DELETE FROM otp_requests WHERE at < $2 RETURNING 1),
     c AS (DELETE FROM check_log WHERE at < $3 RETURNING 1),
     k AS (DELETE FROM consents WHERE at < $4 RETURNING 1),
     a AS (DELETE FROM admissions WHERE at < $5 RETURNING 1),
     w AS (DELETE FROM waiting_line WHERE chat_id NOT IN (SELECT chat_id FROM flows)
           OR chat_id IN (SELECT chat_id FROM flows WHERE expires_at <= $1) RETURNING 1)
SELECT (SELECT count(*) FROM f) + (SELECT count(*) FROM i) + (SELECT count(*) FROM o)
     + (SELECT count(*) FROM c) + (SELECT count(*) FROM k) + (SELECT count(*) FROM a)
     + (SELECT count(*) FROM w)
"""

_SCHEMA_VERSION = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version integer PRIMARY KEY, name text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())"
)
# Serialises migrations of one schema across processes (released at transaction end).
_MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(24301, hashtext(current_schema()))"

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


class PostgresStore:
    """:class:`~bot.store.base.Store` on PostgreSQL (``postgresql://`` or ``postgres://`` DSN)."""

    def __init__(
        self, dsn: str, *, schema: str | None = None, min_size: int = 1, max_size: int = 10
    ) -> None:
        if schema is not None and not _IDENTIFIER.fullmatch(schema):
            raise ValueError("schema must be a plain identifier: letters, digits, underscore")
        self._dsn = dsn
        self.schema = schema
        self._min_size = min_size
        self._max_size = max_size
        self._pool_obj: Any = None

    # --- lifecycle ---

    async def open(self) -> None:
        """Create the pool (and the schema), apply pending migrations."""
        if self._pool_obj is not None:
            raise RuntimeError("PostgresStore is already open")
        settings = {"synchronous_commit": "off"}
        if self.schema is not None:
            settings["search_path"] = f'"{self.schema}"'
        self._pool_obj = await asyncpg.create_pool(
            self._dsn,
            min_size=self._min_size,
            max_size=self._max_size,
            server_settings=settings,
        )
        try:
            if self.schema is not None:
                # Two processes creating it at once: the loser sees a unique violation.
                with suppress(asyncpg.UniqueViolationError):
                    await self._pool.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
            await migrate(_PostgresMigrations(self._pool), load_migrations("postgres"))
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        if self._pool_obj is not None:
            pool, self._pool_obj = self._pool_obj, None
            await pool.close()

    @property
    def _pool(self) -> Any:
        if self._pool_obj is None:
            raise RuntimeError("PostgresStore is not open: await store.open() first")
        return self._pool_obj

    # --- flow state ---

    async def get_flow(self, chat_id: int) -> FlowState | None:
        row = await self._pool.fetchrow(_GET_FLOW, chat_id)
        return None if row is None else _FLOW.from_row(row)

    async def save_flow(self, state: FlowState) -> None:
        await self._pool.execute(_SAVE_FLOW, *_FLOW.params(state))

    async def delete_flow(self, chat_id: int) -> None:
        await self._pool.execute("DELETE FROM flows WHERE chat_id = $1", chat_id)

    async def flows_awaiting_vendor(self) -> list[FlowState]:
        return [_FLOW.from_row(row) for row in await self._pool.fetch(_AWAITING_VENDOR)]

    # --- per-chat preferences ---

    async def get_language(self, chat_id: int) -> str | None:
        value = await self._pool.fetchval(
            "SELECT language FROM chat_prefs WHERE chat_id = $1", chat_id
        )
        return None if value is None else str(value)

    async def set_language(self, chat_id: int, language: str) -> None:
        await self._pool.execute(
            "INSERT INTO chat_prefs (chat_id, language) VALUES ($1, $2)"
            " ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language",
            chat_id,
            language,
        )

    # --- consent ---

    async def record_consent(self, record: ConsentRecord) -> int:
        """Append ``record`` with a synchronous commit; return its id."""
        params = _CONSENT.params(record)
        async with self._pool.acquire() as conn, _durable_transaction(conn):
            return int(await conn.fetchval(_INSERT_CONSENT, *params))

    async def consents_for_user(self, user_id: int) -> list[ConsentRecord]:
        """The user's consent records, oldest first."""
        return [_CONSENT.from_row(r) for r in await self._pool.fetch(_CONSENTS_FOR_USER, user_id)]

    # --- daily OTP cap ---

    async def count_otp_requests(self, user_id: int, since: datetime) -> int:
        """OTP requests of ``user_id`` at or after ``since``."""
        value = await self._pool.fetchval(
            "SELECT count(*) FROM otp_requests WHERE user_id = $1 AND at >= $2",
            user_id,
            require_utc(since),
        )
        return int(value)

    async def add_otp_request(self, user_id: int, at: datetime) -> None:
        await self._pool.execute(
            "INSERT INTO otp_requests (user_id, at) VALUES ($1, $2)", user_id, require_utc(at)
        )

    # --- check log ---

    async def log_check(self, record: CheckRecord) -> None:
        await self._pool.execute(_INSERT_CHECK, *_CHECK.params(record))

    async def checks_between(self, start: datetime, end: datetime) -> list[CheckRecord]:
        """Checks with ``start <= at < end``, oldest first."""
        rows = await self._pool.fetch(_CHECKS_BETWEEN, require_utc(start), require_utc(end))
        return [_CHECK.from_row(r) for r in rows]

    async def checks_by_agent(self, agent_id: int, limit: int) -> list[CheckRecord]:
        """The agent's last ``limit`` checks, newest first."""
        rows = await self._pool.fetch(_AGENTS.checks_by_agent, agent_id, limit)
        return [_CHECK.from_row(r) for r in rows]

    async def count_agent_checks(self, agent_id: int, since: datetime) -> int:
        value = await self._pool.fetchval(
            "SELECT count(*) FROM check_log WHERE agent_id = $1 AND at >= $2",
            agent_id,
            require_utc(since),
        )
        return int(value)

    # --- agents and invites ---

    async def create_invite(self, invite: Invite) -> None:
        await self._pool.execute(_AGENTS.insert_invite, *_INVITE.params(invite))

    async def redeem_invite(self, token_sha256: str, user_id: int, at: datetime) -> Agent | None:
        """Use the invite and enrol in one statement, committed synchronously."""
        async with self._pool.acquire() as conn, _durable_transaction(conn):
            row = await conn.fetchrow(_REDEEM, token_sha256, user_id, require_utc(at))
        return None if row is None else _AGENT.from_row(row)

    async def get_agent(self, user_id: int) -> Agent | None:
        row = await self._pool.fetchrow(_AGENTS.get_agent, user_id)
        return None if row is None else _AGENT.from_row(row)

    async def list_agents(self, *, include_revoked: bool = False) -> list[Agent]:
        rows = await self._pool.fetch(_AGENTS.list_agents(include_revoked))
        return [_AGENT.from_row(r) for r in rows]

    async def revoke_agent(self, user_id: int, by: int, at: datetime) -> bool:
        status = await self._pool.execute(
            "UPDATE agents SET revoked_at = $1, revoked_by = $2"
            " WHERE user_id = $3 AND revoked_at IS NULL",
            require_utc(at),
            by,
            user_id,
        )
        return str(status) == "UPDATE 1"

    # --- the waiting room ---

    async def join_line(self, entry: LineEntry) -> LineEntry:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(_LINE_SQL.leave, entry.chat_id)
            row = await conn.fetchrow(_LINE_SQL.insert, *_LINE.params(entry))
        return _LINE.from_row(row)

    async def set_line_message(self, chat_id: int, message_id: int) -> None:
        await self._pool.execute(_LINE_SQL.set_message, message_id, chat_id)

    async def line(self, lane: int) -> list[LineEntry]:
        return [_LINE.from_row(r) for r in await self._pool.fetch(_LINE_SQL.by_lane, lane)]

    async def line_entry(self, chat_id: int) -> LineEntry | None:
        row = await self._pool.fetchrow(_LINE_SQL.by_chat, chat_id)
        return None if row is None else _LINE.from_row(row)

    async def leave_line(self, chat_id: int) -> None:
        await self._pool.execute(_LINE_SQL.leave, chat_id)

    async def admit(self, lane: int, at: datetime, chat_id: int | None = None) -> bool:
        when = require_utc(at)
        joined_at = None
        async with self._pool.acquire() as conn, conn.transaction():
            if chat_id is not None:
                called = await conn.fetchrow(_LINE_SQL.call, when, chat_id)
                if called is None:
                    return False
                joined_at = from_aware(called["joined_at"])
            await conn.execute(_LINE_SQL.admission, lane, when, waited_ms(joined_at, when))
        return True

    async def admissions_since(self, lane: int, since: datetime) -> list[datetime]:
        rows = await self._pool.fetch(_LINE_SQL.admitted_since, lane, require_utc(since))
        return [from_aware(r["at"]) for r in rows]

    async def count_admissions(self, lane: int, since: datetime) -> int:
        return int(await self._pool.fetchval(_LINE_SQL.count_since, lane, require_utc(since)))

    async def longest_wait(self, start: datetime, end: datetime) -> timedelta | None:
        value = await self._pool.fetchval(
            _LINE_SQL.longest_wait, require_utc(start), require_utc(end)
        )
        return None if value is None else timedelta(milliseconds=value)

    # --- rights and retention ---

    async def personal_data(self, user_id: int, chat_id: int) -> PersonalData:
        row = await self._pool.fetchrow(_PERSONAL_DATA, user_id, chat_id)
        return personal_data_from_row(row)

    async def forget_user(self, user_id: int, chat_id: int, at: datetime) -> None:
        """Erase and withdraw in one statement, committed synchronously."""
        async with self._pool.acquire() as conn, _durable_transaction(conn):
            await conn.execute(_FORGET, user_id, chat_id, require_utc(at))

    async def records_for_reference(self, reference_sha256: str) -> base.ReferenceRecords | None:
        row = await self._pool.fetchrow(_REFERENCES.check, reference_sha256)
        if row is None:
            return None
        check = _CHECK.from_row(row)
        consent = await self._pool.fetchrow(_REFERENCES.consent, check.consent_id)
        return base.ReferenceRecords(check, None if consent is None else _CONSENT.from_row(consent))

    async def erase_reference(
        self, reference_sha256: str, at: datetime
    ) -> base.ReferenceRecords | None:
        """Read (row locked) and erase in one transaction, committed synchronously."""
        async with self._pool.acquire() as conn, _durable_transaction(conn):
            row = await conn.fetchrow(_REFERENCES.check + " FOR UPDATE", reference_sha256)
            if row is None:
                return None
            check = _CHECK.from_row(row)
            if check.agent_id is None:
                await conn.execute(_FORGET, check.user_id, check.chat_id, require_utc(at))
            else:
                await conn.execute(_ERASE_ASSISTED, check.id, check.consent_id, require_utc(at))
            consent = await conn.fetchrow(_REFERENCES.consent, check.consent_id)
        return base.ReferenceRecords(check, None if consent is None else _CONSENT.from_row(consent))

    async def sweep(
        self, now: datetime, *, checks_before: datetime, consents_before: datetime
    ) -> int:
        value = await self._pool.fetchval(
            _SWEEP,
            require_utc(now),
            require_utc(now) - OTP_REQUEST_RETENTION,
            require_utc(checks_before),
            require_utc(consents_before),
            require_utc(now) - ADMISSION_RETENTION,
        )
        return int(value)

    # --- the weekly digest ---

    async def claim_digest(self, week_start: date, admin_id: int, at: datetime) -> bool:
        status = await self._pool.execute(
            "INSERT INTO digests_sent (week_start, admin_id, sent_at) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING",
            week_start,
            admin_id,
            require_utc(at),
        )
        return str(status) == "INSERT 0 1"

    async def release_digest(self, week_start: date, admin_id: int) -> None:
        await self._pool.execute(
            "DELETE FROM digests_sent WHERE week_start = $1 AND admin_id = $2",
            week_start,
            admin_id,
        )


@asynccontextmanager
async def _durable_transaction(conn: Any) -> AsyncIterator[None]:
    """A transaction whose COMMIT waits for the WAL flush, whatever the pool's default."""
    async with conn.transaction():
        await conn.execute("SET LOCAL synchronous_commit = on")
        yield


class _PostgresMigrations:
    """:class:`~bot.store.migrate.MigrationTarget` over the pool."""

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    async def applied_versions(self) -> set[int]:
        async with self._pool.acquire() as conn, _durable_transaction(conn):
            # Under the lock: concurrent CREATE TABLE IF NOT EXISTS can still collide.
            await conn.execute(_MIGRATION_LOCK)
            await conn.execute(_SCHEMA_VERSION)
            rows = await conn.fetch("SELECT version FROM schema_version")
        return {int(r["version"]) for r in rows}

    async def apply(self, migration: Migration) -> bool:
        async with self._pool.acquire() as conn, _durable_transaction(conn):
            await conn.execute(_MIGRATION_LOCK)
            if await conn.fetchval(
                "SELECT 1 FROM schema_version WHERE version = $1", migration.version
            ):
                return False  # another process applied it while we waited for the lock
            await conn.execute(migration.sql)
            await conn.execute(
                "INSERT INTO schema_version (version, name) VALUES ($1, $2)",
                migration.version,
                migration.name,
            )
        return True
