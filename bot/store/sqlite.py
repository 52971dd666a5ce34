"""The default store: one SQLite file in WAL mode, via aiosqlite.

Two connections to the same file, because SQLite's durability setting is per connection and
cannot change inside a transaction:

* the **main** connection (``synchronous=NORMAL``) does every read and the frequent writes (flow
  state at each transition, preferences, OTP counters, check log, the sweep). In WAL mode NORMAL
  commits without an fsync: a power cut may lose the last few transitions, never corrupt the
  file, and a lost transition only means the user repeats a step. This is what keeps a save
  well under a millisecond.
* the **durable** connection (``synchronous=FULL``) is used only for consent writes and
  :meth:`SqliteStore.forget_user` (withdrawal + erasure). FULL fsyncs the WAL at each commit, so
  a consent the bot acted on, or an erasure it confirmed to the user, survives a power cut.
  (That fsync also covers whatever the main connection had written to the WAL before it.)

Switching ``PRAGMA synchronous`` around each consent insert on one connection would also work,
but it costs two extra round trips per insert, and a cancellation between them could leave the
connection in the wrong mode; a dedicated connection has no such state to get wrong.

Writes from both connections go through one :class:`asyncio.Lock`, so they never contend for
SQLite's write lock (where the busy handler would sleep and poll) and each multi-statement
transaction runs alone. Reads take no lock: WAL readers never block or get blocked.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aiosqlite

from bot.check.state import FlowState
from bot.store.base import (
    Agent,
    CheckRecord,
    ConsentRecord,
    Invite,
    LineEntry,
    PersonalData,
    ReferenceRecords,
)
from bot.store.migrate import Migration, load_migrations, migrate
from bot.store.rows import (
    ADMISSION_RETENTION,
    OTP_REQUEST_RETENTION,
    agent_queries,
    from_iso_utc,
    insert_sql,
    iso_utc,
    line_queries,
    make_codecs,
    personal_data_from_row,
    personal_data_sql,
    qmark,
    reference_queries,
    select_sql,
    upsert_sql,
    waited_ms,
)

_CODECS = make_codecs(encode_time=iso_utc, decode_time=from_iso_utc)
_FLOW, _CONSENT, _CHECK = _CODECS.flow, _CODECS.consent, _CODECS.check
_AGENT, _INVITE, _LINE = _CODECS.agent, _CODECS.invite, _CODECS.line

_SAVE_FLOW = upsert_sql("flows", _FLOW.columns, "chat_id", qmark)
_GET_FLOW = select_sql("flows", _FLOW.columns, "chat_id = ?")
_AWAITING_VENDOR = select_sql("flows", _FLOW.columns, "awaiting_vendor IS NOT NULL", "chat_id")
_INSERT_CONSENT = insert_sql("consents", _CONSENT.insert_columns, qmark)
_CONSENTS_FOR_USER = select_sql("consents", _CONSENT.columns, "user_id = ?", "at, id")
_INSERT_CHECK = insert_sql("check_log", _CHECK.insert_columns, qmark)
_CHECKS_BETWEEN = select_sql("check_log", _CHECK.columns, "at >= ? AND at < ?", "at, id")
_AGENTS = agent_queries(_CODECS, qmark)
_LINE_SQL = line_queries(_CODECS, qmark)
# Redemption, inside one transaction: use the invite (only if unused and unexpired), then
# enrol or re-activate the agent with the invite's label.
_USE_INVITE = (
    "UPDATE invites SET used_at = :at, used_by = :user_id"
    " WHERE token_sha256 = :token AND used_at IS NULL AND expires_at > :at"
    " RETURNING created_by, label"
)
_ENROL = (
    "INSERT INTO agents (user_id, enrolled_at, invited_by, label, revoked_at, revoked_by)"
    " VALUES (:user_id, :at, :invited_by, :label, NULL, NULL)"
    " ON CONFLICT (user_id) DO UPDATE SET enrolled_at = excluded.enrolled_at,"
    " invited_by = excluded.invited_by, label = excluded.label,"
    " revoked_at = NULL, revoked_by = NULL"
)
_PERSONAL_DATA = personal_data_sql(":user_id", ":chat_id")
_REFERENCES = reference_queries(_CODECS, qmark)

# Erasure: everything keyed to the chat or the user, except the consent records (the proof).
# Rows with an agent_id are checks the user ran as an agent for customers, and those customers'
# attested consents: the customers' records, not the agent's, so they stay.
_FORGET = (
    "DELETE FROM flows WHERE chat_id = :chat_id",
    "DELETE FROM chat_prefs WHERE chat_id = :chat_id",
    "DELETE FROM waiting_line WHERE chat_id = :chat_id",
    "DELETE FROM otp_requests WHERE user_id = :user_id",
    "DELETE FROM check_log WHERE user_id = :user_id AND agent_id IS NULL",
    "UPDATE consents SET withdrawn_at = :at"
    " WHERE user_id = :user_id AND agent_id IS NULL AND withdrawn_at IS NULL",
)

# Erasure of a customer's check by its reference: that row, and the consent it ran under.
_ERASE_ASSISTED = (
    "DELETE FROM check_log WHERE id = :check_id",
    "UPDATE consents SET withdrawn_at = :at WHERE id = :consent_id AND withdrawn_at IS NULL",
)

# Retention: (table, key, condition on the cut-off). Deleted in batches of _SWEEP_BATCH rows, so
# a sweep of a large backlog never holds the write lock long enough to stall flow saves.
_SWEEP = (
    ("flows", "chat_id", "expires_at <= ?"),
    ("invites", "token_sha256", "expires_at <= ?"),
    ("otp_requests", "id", "at < ?"),
    ("check_log", "id", "at < ?"),
    ("consents", "id", "at < ?"),
    ("admissions", "id", "at < ?"),
    # A place whose check is gone (expired and swept, or lost in a crash): the cut-off is unused.
    ("waiting_line", "id", "chat_id NOT IN (SELECT chat_id FROM flows) AND ? IS NOT NULL"),
)
_SWEEP_BATCH = 2000

_SCHEMA_VERSION = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


class SqliteStore:
    """:class:`~bot.store.base.Store` on one SQLite file (created, with its folder, on open)."""

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = 5000) -> None:
        if str(path) in ("", ":memory:") or str(path).startswith("file:"):
            # Two connections must see one database: an in-memory one would be two databases.
            raise ValueError("SqliteStore needs a file path (tests can use pytest's tmp_path)")
        self.path = Path(path)
        self._busy_timeout_ms = busy_timeout_ms
        self._main_db: aiosqlite.Connection | None = None
        self._durable_db: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

    # --- lifecycle ---

    async def open(self) -> None:
        """Create the folder and file, switch to WAL, apply pending migrations."""
        if self._main_db is not None:
            raise RuntimeError("SqliteStore is already open")
        await asyncio.to_thread(self.path.parent.mkdir, parents=True, exist_ok=True)
        try:
            self._main_db = await self._connect(synchronous="NORMAL")
            mode = await self._main_db.execute_fetchall("PRAGMA journal_mode=WAL")
            if next(iter(mode))[0].lower() != "wal":
                raise RuntimeError(f"{self.path}: SQLite refused WAL mode (network filesystem?)")
            await migrate(_SqliteMigrations(self._main_db), load_migrations("sqlite"))
            self._durable_db = await self._connect(synchronous="FULL")
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        """Close both connections (idempotent). Calls already queued on a connection finish
        first; the last close checkpoints the WAL into the main file and removes it."""
        durable, main = self._durable_db, self._main_db
        self._durable_db = self._main_db = None
        try:
            if durable is not None:
                await durable.close()
        finally:
            if main is not None:
                await main.close()

    async def _connect(self, *, synchronous: str) -> aiosqlite.Connection:
        # isolation_level=None: each statement commits by itself unless inside an explicit
        # BEGIN (see _transaction); Python's implicit transactions would hide the boundaries.
        db = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            db.row_factory = sqlite3.Row
            await db.executescript(
                f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)};"
                " PRAGMA foreign_keys = ON;"
                f" PRAGMA synchronous = {synchronous};"
            )
        except BaseException:
            await db.close()
            raise
        return db

    @property
    def _main(self) -> aiosqlite.Connection:
        if self._main_db is None:
            raise RuntimeError("SqliteStore is not open: await store.open() first")
        return self._main_db

    @property
    def _durable(self) -> aiosqlite.Connection:
        if self._durable_db is None:
            raise RuntimeError("SqliteStore is not open: await store.open() first")
        return self._durable_db

    async def _write(self, sql: str, params: Iterable[object]) -> int:
        """One autocommit statement on the main connection; returns the affected row count."""
        async with self._write_lock:
            cursor = await self._main.execute(sql, params)
        return cursor.rowcount

    async def _fetch(self, sql: str, params: Iterable[object]) -> list[sqlite3.Row]:
        # fetchall, never a half-read cursor: an open SELECT would pin an old WAL snapshot.
        return list(await self._main.execute_fetchall(sql, params))

    # --- flow state ---

    async def get_flow(self, chat_id: int) -> FlowState | None:
        rows = await self._fetch(_GET_FLOW, (chat_id,))
        return _FLOW.from_row(rows[0]) if rows else None

    async def save_flow(self, state: FlowState) -> None:
        await self._write(_SAVE_FLOW, _FLOW.params(state))

    async def delete_flow(self, chat_id: int) -> None:
        await self._write("DELETE FROM flows WHERE chat_id = ?", (chat_id,))

    async def flows_awaiting_vendor(self) -> list[FlowState]:
        return [_FLOW.from_row(row) for row in await self._fetch(_AWAITING_VENDOR, ())]

    # --- per-chat preferences ---

    async def get_language(self, chat_id: int) -> str | None:
        rows = await self._fetch("SELECT language FROM chat_prefs WHERE chat_id = ?", (chat_id,))
        return str(rows[0]["language"]) if rows else None

    async def set_language(self, chat_id: int, language: str) -> None:
        await self._write(
            "INSERT INTO chat_prefs (chat_id, language) VALUES (?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language",
            (chat_id, language),
        )

    # --- consent ---

    async def record_consent(self, record: ConsentRecord) -> int:
        """Append ``record`` and fsync before returning (durable connection); return its id."""
        params = _CONSENT.params(record)
        async with self._write_lock:
            cursor = await self._durable.execute(_INSERT_CONSENT, params)
        if cursor.lastrowid is None:  # pragma: no cover - an INSERT always sets it
            raise RuntimeError("consent insert returned no id")
        return cursor.lastrowid

    async def consents_for_user(self, user_id: int) -> list[ConsentRecord]:
        """The user's consent records, oldest first."""
        return [_CONSENT.from_row(r) for r in await self._fetch(_CONSENTS_FOR_USER, (user_id,))]

    # --- daily OTP cap ---

    async def count_otp_requests(self, user_id: int, since: datetime) -> int:
        """OTP requests of ``user_id`` at or after ``since``."""
        rows = await self._fetch(
            "SELECT count(*) FROM otp_requests WHERE user_id = ? AND at >= ?",
            (user_id, iso_utc(since)),
        )
        return int(rows[0][0])

    async def add_otp_request(self, user_id: int, at: datetime) -> None:
        await self._write(
            "INSERT INTO otp_requests (user_id, at) VALUES (?, ?)", (user_id, iso_utc(at))
        )

    # --- check log ---

    async def log_check(self, record: CheckRecord) -> None:
        await self._write(_INSERT_CHECK, _CHECK.params(record))

    async def checks_between(self, start: datetime, end: datetime) -> list[CheckRecord]:
        """Checks with ``start <= at < end``, oldest first."""
        rows = await self._fetch(_CHECKS_BETWEEN, (iso_utc(start), iso_utc(end)))
        return [_CHECK.from_row(r) for r in rows]

    async def checks_by_agent(self, agent_id: int, limit: int) -> list[CheckRecord]:
        """The agent's last ``limit`` checks, newest first."""
        rows = await self._fetch(_AGENTS.checks_by_agent, (agent_id, limit))
        return [_CHECK.from_row(r) for r in rows]

    async def count_agent_checks(self, agent_id: int, since: datetime) -> int:
        rows = await self._fetch(
            "SELECT count(*) FROM check_log WHERE agent_id = ? AND at >= ?",
            (agent_id, iso_utc(since)),
        )
        return int(rows[0][0])

    # --- agents and invites ---

    async def create_invite(self, invite: Invite) -> None:
        await self._write(_AGENTS.insert_invite, _INVITE.params(invite))

    async def redeem_invite(self, token_sha256: str, user_id: int, at: datetime) -> Agent | None:
        """Use the invite and enrol, in one durable transaction: an agent whose welcome the bot
        confirmed survives a power cut, and a link can never enrol two people."""
        params = {"token": token_sha256, "user_id": user_id, "at": iso_utc(at)}
        async with self._write_lock, _transaction(self._durable) as db:
            used = list(await db.execute_fetchall(_USE_INVITE, params))
            if not used:
                return None
            invited_by, label = used[0]["created_by"], used[0]["label"]
            await db.execute(_ENROL, {**params, "invited_by": invited_by, "label": label})
            rows = list(await db.execute_fetchall(_AGENTS.get_agent, (user_id,)))
        return _AGENT.from_row(rows[0])

    async def get_agent(self, user_id: int) -> Agent | None:
        rows = await self._fetch(_AGENTS.get_agent, (user_id,))
        return _AGENT.from_row(rows[0]) if rows else None

    async def list_agents(self, *, include_revoked: bool = False) -> list[Agent]:
        rows = await self._fetch(_AGENTS.list_agents(include_revoked), ())
        return [_AGENT.from_row(r) for r in rows]

    async def revoke_agent(self, user_id: int, by: int, at: datetime) -> bool:
        count = await self._write(
            "UPDATE agents SET revoked_at = ?, revoked_by = ?"
            " WHERE user_id = ? AND revoked_at IS NULL",
            (iso_utc(at), by, user_id),
        )
        return count == 1

    # --- the waiting room ---

    async def join_line(self, entry: LineEntry) -> LineEntry:
        async with self._write_lock, _transaction(self._main) as db:
            await db.execute(_LINE_SQL.leave, (entry.chat_id,))
            rows = list(await db.execute_fetchall(_LINE_SQL.insert, _LINE.params(entry)))
        return _LINE.from_row(rows[0])

    async def set_line_message(self, chat_id: int, message_id: int) -> None:
        await self._write(_LINE_SQL.set_message, (message_id, chat_id))

    async def line(self, lane: int) -> list[LineEntry]:
        return [_LINE.from_row(r) for r in await self._fetch(_LINE_SQL.by_lane, (lane,))]

    async def line_entry(self, chat_id: int) -> LineEntry | None:
        rows = await self._fetch(_LINE_SQL.by_chat, (chat_id,))
        return _LINE.from_row(rows[0]) if rows else None

    async def leave_line(self, chat_id: int) -> None:
        await self._write(_LINE_SQL.leave, (chat_id,))

    async def admit(self, lane: int, at: datetime, chat_id: int | None = None) -> bool:
        when = iso_utc(at)
        joined_at = None
        async with self._write_lock, _transaction(self._main) as db:
            if chat_id is not None:
                called = list(await db.execute_fetchall(_LINE_SQL.call, (when, chat_id)))
                if len(called) != 1:
                    return False
                joined_at = from_iso_utc(called[0][0])
            await db.execute(_LINE_SQL.admission, (lane, when, waited_ms(joined_at, at)))
        return True

    async def admissions_since(self, lane: int, since: datetime) -> list[datetime]:
        rows = await self._fetch(_LINE_SQL.admitted_since, (lane, iso_utc(since)))
        return [from_iso_utc(r[0]) for r in rows]

    async def count_admissions(self, lane: int, since: datetime) -> int:
        rows = await self._fetch(_LINE_SQL.count_since, (lane, iso_utc(since)))
        return int(rows[0][0])

    async def longest_wait(self, start: datetime, end: datetime) -> timedelta | None:
        [row] = await self._fetch(_LINE_SQL.longest_wait, (iso_utc(start), iso_utc(end)))
        return None if row[0] is None else timedelta(milliseconds=row[0])

    # --- rights and retention ---

    async def personal_data(self, user_id: int, chat_id: int) -> PersonalData:
        [row] = await self._fetch(_PERSONAL_DATA, {"user_id": user_id, "chat_id": chat_id})
        return personal_data_from_row(row)

    async def forget_user(self, user_id: int, chat_id: int, at: datetime) -> None:
        """Erase and withdraw in one durable transaction: all of it happens, or none."""
        params = {"user_id": user_id, "chat_id": chat_id, "at": iso_utc(at)}
        async with self._write_lock, _transaction(self._durable) as db:
            for sql in _FORGET:
                await db.execute(sql, params)

    async def records_for_reference(self, reference_sha256: str) -> ReferenceRecords | None:
        rows = await self._fetch(_REFERENCES.check, (reference_sha256,))
        if not rows:
            return None
        check = _CHECK.from_row(rows[0])
        consents = await self._fetch(_REFERENCES.consent, (check.consent_id,))
        return ReferenceRecords(check, _CONSENT.from_row(consents[0]) if consents else None)

    async def erase_reference(self, reference_sha256: str, at: datetime) -> ReferenceRecords | None:
        """Read and erase in one durable transaction: what is returned is what was erased."""
        async with self._write_lock, _transaction(self._durable) as db:
            rows = list(await db.execute_fetchall(_REFERENCES.check, (reference_sha256,)))
            if not rows:
                return None
            check = _CHECK.from_row(rows[0])
            params = {
                "user_id": check.user_id,
                "chat_id": check.chat_id,
                "check_id": check.id,
                "consent_id": check.consent_id,
                "at": iso_utc(at),
            }
            for sql in _FORGET if check.agent_id is None else _ERASE_ASSISTED:
                await db.execute(sql, params)
            consents = list(await db.execute_fetchall(_REFERENCES.consent, (check.consent_id,)))
        return ReferenceRecords(check, _CONSENT.from_row(consents[0]) if consents else None)

    async def sweep(
        self, now: datetime, *, checks_before: datetime, consents_before: datetime
    ) -> int:
        old = now - OTP_REQUEST_RETENTION
        admitted = now - ADMISSION_RETENTION
        cutoffs = (now, now, old, checks_before, consents_before, admitted, now)
        deleted = 0
        for (table, key, condition), cutoff in zip(_SWEEP, cutoffs, strict=True):
            sql = (
                f"DELETE FROM {table} WHERE {key} IN"  # noqa: S608 - identifiers are constants
                f" (SELECT {key} FROM {table} WHERE {condition} LIMIT {_SWEEP_BATCH})"
            )
            while True:
                count = await self._write(sql, (iso_utc(cutoff),))
                deleted += count
                if count < _SWEEP_BATCH:
                    break
        return deleted

    # --- the weekly digest ---

    async def claim_digest(self, week_start: date, admin_id: int, at: datetime) -> bool:
        count = await self._write(
            "INSERT INTO digests_sent (week_start, admin_id, sent_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (week_start.isoformat(), admin_id, iso_utc(at)),
        )
        return count == 1

    async def release_digest(self, week_start: date, admin_id: int) -> None:
        await self._write(
            "DELETE FROM digests_sent WHERE week_start = ? AND admin_id = ?",
            (week_start.isoformat(), admin_id),
        )


@asynccontextmanager
async def _transaction(db: aiosqlite.Connection) -> AsyncIterator[aiosqlite.Connection]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any error or cancellation.

    IMMEDIATE takes the write lock up front, so a transaction that reads before it writes cannot
    fail half-way with SQLITE_BUSY. aiosqlite runs calls in order on one thread, so a rollback
    queued after a cancelled call still runs after it.
    """
    try:
        await db.execute("BEGIN IMMEDIATE")
        yield db
        await db.commit()
    except BaseException:
        await db.rollback()
        raise


def _statements(script: str) -> list[str]:
    """Split a migration into statements (``executescript`` would COMMIT our transaction)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending)
            pending = ""
    if pending.strip():
        statements.append(pending)  # trailing comments run as a no-op; a fragment fails loudly
    return statements


class _SqliteMigrations:
    """:class:`~bot.store.migrate.MigrationTarget` over the main connection."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def applied_versions(self) -> set[int]:
        await self._db.execute(_SCHEMA_VERSION)
        rows = await self._db.execute_fetchall("SELECT version FROM schema_version")
        return {int(r[0]) for r in rows}

    async def apply(self, migration: Migration) -> bool:
        async with _transaction(self._db) as db:
            # Re-check under the write lock: another process may have applied it meanwhile.
            found = await db.execute_fetchall(
                "SELECT 1 FROM schema_version WHERE version = ?", (migration.version,)
            )
            if list(found):
                return False
            for statement in _statements(migration.sql):
                await db.execute(statement)
            await db.execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, iso_utc(datetime.now(UTC))),
            )
        return True
