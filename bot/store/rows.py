"""Record ↔ row conversion and SQL text shared by the SQL backends.

Both backends store the same values in the same columns; only the SQL dialect (placeholders,
column types) and the way a time is put on the wire differ. Keeping the conversion here means a
new :class:`~bot.check.state.FlowState` field is one migration per backend and nothing else, and
the privacy rule (never more than the last four digits of an Aadhaar number) is enforced in one
place before any backend sees the value.
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeVar

from bot.check.state import FlowState
from bot.store.base import Agent, CheckRecord, ConsentRecord, Invite, LineEntry, PersonalData

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

#: OTP request rows only serve the per-day cap; the sweep drops them after this long.
OTP_REQUEST_RETENTION = timedelta(days=2)
#: Admissions pace the waiting room (the last minute's, today's) and tell how long people
#: waited (bot/capacity/usage.py): /stats and the Monday digest look back 7 IST days, so 8 days.
ADMISSION_RETENTION = timedelta(days=8)

_LAST4 = re.compile(r"[0-9]{4}")


class RowLike(Protocol):
    """What both drivers' rows offer: ``sqlite3.Row`` and ``asyncpg.Record`` index by name."""

    def __getitem__(self, key: str, /) -> Any: ...


def require_utc(value: datetime) -> datetime:
    """Return ``value`` in UTC; refuse naive datetimes, whose meaning depends on the host clock."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()}: the store takes aware datetimes")
    return value.astimezone(UTC)


def iso_utc(value: datetime) -> str:
    """Encode a time as fixed-width UTC ISO-8601 (``2026-01-15T06:30:00.000000+00:00``).

    Always 32 characters with microseconds, so text order is time order (SQLite compares the
    columns as text and uses them in indexes) and the round trip is exact to the microsecond.
    """
    return require_utc(value).isoformat(timespec="microseconds")


def from_iso_utc(value: str) -> datetime:
    """Decode :func:`iso_utc` output into an aware UTC datetime."""
    return datetime.fromisoformat(value).astimezone(UTC)


def waited_ms(joined_at: datetime | None, at: datetime) -> int:
    """An admission's wait in milliseconds: from joining the line to the turn (0: straight in,
    or a clock that stepped back)."""
    return 0 if joined_at is None else max(0, (at - joined_at) // timedelta(milliseconds=1))


def from_aware(value: datetime) -> datetime:
    """Normalise a driver-returned aware datetime (PostgreSQL ``timestamptz``) to UTC."""
    return value.astimezone(UTC)


def check_last4(value: object) -> None:
    """Refuse anything but exactly four digits: the store must never hold a whole Aadhaar number."""
    if value is not None and not (isinstance(value, str) and _LAST4.fullmatch(value)):
        raise ValueError("last4 must be exactly four digits (the store never holds more)")


_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def check_sha256(value: object) -> None:
    """A reference column holds a hash, never the reference a customer was given."""
    if value is not None and not (isinstance(value, str) and _SHA256_HEX.fullmatch(value)):
        raise ValueError("reference_sha256 must be a SHA-256 in hex (the store never holds more)")


_VALIDATORS: dict[str, Callable[[object], None]] = {
    "last4": check_last4,
    "reference_sha256": check_sha256,
}

R = TypeVar("R", bound="DataclassInstance")


@dataclass(frozen=True, slots=True)
class _Column:
    name: str
    kind: Literal["plain", "time", "json", "enum", "record"]
    enum: type[Enum] | None = None  # set exactly when kind == "enum"
    record: type[JsonRecord] | None = None  # set exactly when kind == "record"
    attribute: str = ""  # the dataclass field, when the column is named otherwise


class JsonRecord(Protocol):
    """A typed value stored as one JSON object column (``FlowState.notes``)."""

    def to_json(self) -> dict[str, str]: ...

    @classmethod
    def from_json(cls, data: dict[str, object]) -> JsonRecord: ...


def _column_for(name: str, hint: object) -> _Column:
    """Classify one dataclass field by its annotation (``X | None`` counts as ``X``)."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"{name}: unions other than X | None are not storable")
        hint = args[0]
    if hint is datetime:
        return _Column(name, "time")
    if typing.get_origin(hint) is dict:
        return _Column(name, "json")
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _Column(name, "enum", hint)
    if isinstance(hint, type) and hasattr(hint, "from_json"):
        return _Column(name, "record", record=hint)
    if hint in (int, str):
        return _Column(name, "plain")
    raise TypeError(f"{name}: no column mapping for {hint!r}")


class RecordCodec(Generic[R]):
    """Converts one record dataclass to query parameters and back from a row.

    Columns are the dataclass fields, in declaration order, under the same names. ``auto`` names
    the column the database fills in (an identity id), which inserts leave out.
    """

    def __init__(
        self,
        cls: type[R],
        *,
        encode_time: Callable[[datetime], object],
        decode_time: Callable[[Any], datetime],
        auto: str | None = None,
    ) -> None:
        hints = typing.get_type_hints(cls)
        self._cls = cls
        renamed: dict[str, str] = getattr(cls, "COLUMNS", {})
        self._columns = tuple(
            replace(_column_for(renamed.get(f.name, f.name), hints[f.name]), attribute=f.name)
            for f in fields(cls)
        )
        self._encode_time = encode_time
        self._decode_time = decode_time
        self._auto = auto
        self.columns: tuple[str, ...] = tuple(c.name for c in self._columns)
        self.insert_columns: tuple[str, ...] = tuple(c for c in self.columns if c != auto)

    def params(self, record: R) -> tuple[object, ...]:
        """Values for :attr:`insert_columns`, in order, validated and encoded."""
        out: list[object] = []
        for column in self._columns:
            if column.name == self._auto:
                continue
            value = getattr(record, column.attribute)
            validate = _VALIDATORS.get(column.name)
            if validate is not None:
                validate(value)
            out.append(self._encode(column, value))
        return tuple(out)

    def from_row(self, row: RowLike) -> R:
        """Build the record from a row that has every column of :attr:`columns`."""
        return self._cls(**{c.attribute: self._decode(c, row[c.name]) for c in self._columns})

    def _encode(self, column: _Column, value: Any) -> object:
        if value is None or column.kind == "plain":
            return value
        if column.kind == "time":
            return self._encode_time(value)
        if column.enum is not None:
            return str(column.enum(value).value)  # also validates a plain string
        if column.record is not None:
            value = value.to_json()
        # Sorted, compact JSON: the same dict always yields the same text.
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def _decode(self, column: _Column, value: Any) -> object:
        if value is None or column.kind == "plain":
            return value
        if column.kind == "time":
            return self._decode_time(value)
        if column.enum is not None:
            return column.enum(value)
        decoded = json.loads(value)
        if not isinstance(decoded, dict):
            raise ValueError(f"{column.name}: stored JSON is not an object")
        if column.record is not None:
            return column.record.from_json(decoded)
        return decoded


@dataclass(frozen=True, slots=True)
class Codecs:
    """The record codecs of one backend."""

    flow: RecordCodec[FlowState]
    consent: RecordCodec[ConsentRecord]
    check: RecordCodec[CheckRecord]
    agent: RecordCodec[Agent]
    invite: RecordCodec[Invite]
    line: RecordCodec[LineEntry]


def make_codecs(
    *, encode_time: Callable[[datetime], object], decode_time: Callable[[Any], datetime]
) -> Codecs:
    """Build the codecs for a backend that puts times on the wire with ``encode_time``."""
    enc, dec = encode_time, decode_time
    return Codecs(
        flow=RecordCodec(FlowState, encode_time=enc, decode_time=dec),
        consent=RecordCodec(ConsentRecord, encode_time=enc, decode_time=dec, auto="id"),
        check=RecordCodec(CheckRecord, encode_time=enc, decode_time=dec, auto="id"),
        agent=RecordCodec(Agent, encode_time=enc, decode_time=dec),
        invite=RecordCodec(Invite, encode_time=enc, decode_time=dec),
        line=RecordCodec(LineEntry, encode_time=enc, decode_time=dec, auto="id"),
    )


# --- SQL text built from the codecs' column lists (identifiers are code constants) ---

Placeholder = Callable[[int], str]


def qmark(_: int) -> str:
    """SQLite's positional placeholder."""
    return "?"


def dollar(n: int) -> str:
    """PostgreSQL's numbered placeholder (1-based)."""
    return f"${n}"


def select_sql(table: str, columns: tuple[str, ...], where: str, order_by: str = "") -> str:
    """``SELECT <columns> FROM <table> WHERE <where> [ORDER BY ...]``."""
    order = f" ORDER BY {order_by}" if order_by else ""
    return f"SELECT {', '.join(columns)} FROM {table} WHERE {where}{order}"  # noqa: S608


def insert_sql(table: str, columns: tuple[str, ...], placeholder: Placeholder) -> str:
    """A plain INSERT of ``columns`` (callers append ``RETURNING`` where they need it)."""
    marks = ", ".join(placeholder(i) for i in range(1, len(columns) + 1))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608


def upsert_sql(table: str, columns: tuple[str, ...], key: str, placeholder: Placeholder) -> str:
    """INSERT … ON CONFLICT(key) DO UPDATE: one statement, one index lookup, any row count.

    SQLite (3.24+) and PostgreSQL share this syntax, so the flow write is the same text in both.
    """
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
    return f"{insert_sql(table, columns, placeholder)} ON CONFLICT ({key}) DO UPDATE SET {updates}"


@dataclass(frozen=True, slots=True)
class AgentQueries:
    """The agent, invite and per-agent check-log statements: the same SQL in both backends but
    for the placeholders (redemption differs, and stays in each backend)."""

    checks_by_agent: str  # agent id, limit
    insert_invite: str
    get_agent: str  # user id
    list_active: str
    list_all: str

    def list_agents(self, include_revoked: bool) -> str:
        return self.list_all if include_revoked else self.list_active


def agent_queries(codecs: Codecs, placeholder: Placeholder) -> AgentQueries:
    first, second = placeholder(1), placeholder(2)
    agents, by_enrolment = codecs.agent.columns, "enrolled_at, user_id"
    by_agent = f"agent_id = {first}"
    newest_first = select_sql("check_log", codecs.check.columns, by_agent, "at DESC, id DESC")
    return AgentQueries(
        checks_by_agent=f"{newest_first} LIMIT {second}",
        insert_invite=insert_sql("invites", codecs.invite.insert_columns, placeholder),
        get_agent=select_sql("agents", agents, f"user_id = {first}"),
        list_active=select_sql("agents", agents, "revoked_at IS NULL", by_enrolment),
        list_all=select_sql("agents", agents, "1 = 1", by_enrolment),
    )


@dataclass(frozen=True, slots=True)
class LineQueries:
    """The waiting room's statements: the same SQL in both backends but for the placeholders.
    Each names its parameters in order."""

    insert: str  # the entry's insert columns (RETURNING the whole row)
    by_lane: str  # lane
    by_chat: str  # chat id
    leave: str  # chat id
    set_message: str  # message id, chat id
    call: str  # called_at, chat id: gives a waiting chat its turn (RETURNING joined_at)
    admission: str  # lane, at, waited_ms
    admitted_since: str  # lane, since
    count_since: str  # lane, since
    longest_wait: str  # start, end: the longest wait of any lane's admissions in [start, end)


def line_queries(codecs: Codecs, placeholder: Placeholder) -> LineQueries:
    # Identifiers are code constants; values go in as placeholders.
    first, second = placeholder(1), placeholder(2)
    columns = codecs.line.columns
    returning = f" RETURNING {', '.join(columns)}"
    since = f"lane = {first} AND at >= {second}"
    return LineQueries(
        insert=insert_sql("waiting_line", codecs.line.insert_columns, placeholder) + returning,
        by_lane=select_sql("waiting_line", columns, f"lane = {first}", "id"),
        by_chat=select_sql("waiting_line", columns, f"chat_id = {first}"),
        leave=f"DELETE FROM waiting_line WHERE chat_id = {first}",  # noqa: S608
        set_message=f"UPDATE waiting_line SET message_id = {first} WHERE chat_id = {second}",  # noqa: S608
        call=(
            f"UPDATE waiting_line SET called_at = {first}"  # noqa: S608
            f" WHERE chat_id = {second} AND called_at IS NULL RETURNING joined_at"
        ),
        admission=(
            "INSERT INTO admissions (lane, at, waited_ms)"  # noqa: S608
            f" VALUES ({first}, {second}, {placeholder(3)})"
        ),
        admitted_since=f"SELECT at FROM admissions WHERE {since} ORDER BY at",  # noqa: S608
        count_since=f"SELECT count(*) FROM admissions WHERE {since}",  # noqa: S608
        longest_wait=(
            f"SELECT max(waited_ms) FROM admissions WHERE at >= {first} AND at < {second}"  # noqa: S608
        ),
    )


@dataclass(frozen=True, slots=True)
class ReferenceQueries:
    """Check references (both backends, but for the placeholders)."""

    check: str  # reference hash: the newest check-log row with it
    consent: str  # consent id


def reference_queries(codecs: Codecs, placeholder: Placeholder) -> ReferenceQueries:
    first = placeholder(1)
    newest = select_sql(
        "check_log", codecs.check.columns, f"reference_sha256 = {first}", "at DESC, id DESC"
    )
    return ReferenceQueries(
        check=f"{newest} LIMIT 1",
        consent=select_sql("consents", codecs.consent.columns, f"id = {first}"),
    )


def personal_data_sql(user: str, chat: str) -> str:
    """One query counting what is stored about a user; ``user``/``chat`` are the dialect's
    placeholders for the user id and the chat id. Own records are those without an agent_id
    (see :class:`~bot.store.base.PersonalData`)."""
    own = f"user_id = {user} AND agent_id IS NULL"
    return f"""
SELECT
    (SELECT count(*) FROM flows WHERE chat_id = {chat}) AS open_checks,
    (SELECT language FROM chat_prefs WHERE chat_id = {chat}) AS language,
    (SELECT count(*) FROM check_log WHERE {own}) AS checks,
    (SELECT count(*) FROM consents WHERE {own}) AS consents,
    (SELECT count(*) FROM consents WHERE {own} AND withdrawn_at IS NOT NULL) AS consents_withdrawn,
    (SELECT count(*) FROM otp_requests WHERE user_id = {user}) AS otp_requests,
    (SELECT count(*) FROM check_log WHERE agent_id = {user}) AS assisted_checks
"""  # noqa: S608 - placeholders, not values


def personal_data_from_row(row: RowLike) -> PersonalData:
    return PersonalData(
        open_check=bool(row["open_checks"]),
        language=None if row["language"] is None else str(row["language"]),
        checks=int(row["checks"]),
        consents=int(row["consents"]),
        consents_withdrawn=int(row["consents_withdrawn"]),
        otp_requests=int(row["otp_requests"]),
        assisted_checks=int(row["assisted_checks"]),
    )
