"""The store contract: every backend behaves the same (see bot/store/base.py).

Each test runs once per backend (``store``/``backend`` fixtures: tests/bot/store/conftest.py).
The SQLite-only tests at the end cover what only a file shows: WAL handling, durability settings,
and that no 12-digit run (a possible Aadhaar number) ever reaches the disk.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.check.state import Mode, Notes, Step
from bot.store.base import Agent, Invite, PersonalData, Store
from bot.store.factory import open_store, store_for
from bot.store.migrate import load_migrations
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SqliteStore
from testing.store_rows import IST, T0, assert_utc, check, consent, full_state, minimal_state
from testing.stores import Backend

# --- flow state ---


async def test_flow_round_trips_every_field(store: Store) -> None:
    state = full_state()
    await store.save_flow(state)

    got = await store.get_flow(state.chat_id)

    assert got == state
    assert got is not None
    for value in (got.created_at, got.updated_at, got.expires_at, got.otp_sent_at):
        assert_utc(value)
    assert got.expires_at.microsecond == 424243  # exact to the microsecond
    assert got.otp_sent_at is not None and got.otp_sent_at.microsecond == 424241
    assert isinstance(got.step, Step) and isinstance(got.mode, Mode)


async def test_flow_round_trips_defaults_and_none(store: Store) -> None:
    state = minimal_state(chat_id=-1001234567890)  # a group-style negative id
    await store.save_flow(state)

    got = await store.get_flow(state.chat_id)

    assert got == state
    assert got is not None and got.notes == Notes()
    assert got.last4 is None and got.otp_sent_at is None


async def test_flow_row_of_the_old_extra_shape_loads_typed(
    store: Store, backend: Backend
) -> None:
    """A row written before FlowState.notes (``extra``: a dict of string keys, some of them
    unknown now) loads into the typed notes: no migration, no gap at the upgrade."""
    await store.save_flow(minimal_state(chat_id=9))
    old = (
        '{"agent_lang":"hi","consent_pending":"given","line":"1","missed":"1",'
        '"notice_lang":"en","session_at":"2026-01-15T06:31:00+00:00","captcha_message_id":"7"}'
    )
    await backend.raw(f"UPDATE flows SET extra = '{old}' WHERE chat_id = 9")

    got = await store.get_flow(9)

    assert got is not None and got.notes == Notes(
        agent_language="hi",
        notice_language="en",
        consent_pending="given",
        session_at=datetime(2026, 1, 15, 6, 31, tzinfo=UTC),
        in_line=True,
        missed=True,
    )
    await store.save_flow(got)  # written back in the same shape, less the unknown key
    written = await backend.raw("SELECT extra FROM flows WHERE chat_id = 9")
    assert isinstance(written, str)
    assert json.loads(written) == {
        k: v for k, v in json.loads(old).items() if k != "captcha_message_id"
    }


async def test_unknown_chat_has_no_flow(store: Store) -> None:
    assert await store.get_flow(1) is None


async def test_save_flow_overwrites(store: Store) -> None:
    await store.save_flow(full_state())
    await store.save_flow(minimal_state(chat_id=2))
    newer = full_state(step=Step.CAPTCHA, last4=None, otp_sent_at=None, notes=Notes(missed=True))

    await store.save_flow(newer)

    assert await store.get_flow(newer.chat_id) == newer
    assert await store.get_flow(2) == minimal_state(chat_id=2)


async def test_flows_awaiting_vendor(store: Store) -> None:
    await store.save_flow(minimal_state(chat_id=1))
    await store.save_flow(full_state(chat_id=3))  # awaiting generate-otp
    await store.save_flow(minimal_state(chat_id=2).evolve(awaiting_vendor="verify-otp"))

    found = await store.flows_awaiting_vendor()

    assert [(s.chat_id, s.awaiting_vendor) for s in found] == [
        (2, "verify-otp"),
        (3, "generate-otp"),
    ]
    assert found[1] == full_state(chat_id=3)
    await store.save_flow(full_state(chat_id=3, awaiting_vendor=None))
    assert [s.chat_id for s in await store.flows_awaiting_vendor()] == [2]


async def test_delete_flow(store: Store) -> None:
    await store.save_flow(minimal_state(chat_id=1))
    await store.save_flow(minimal_state(chat_id=2))

    await store.delete_flow(1)
    await store.delete_flow(3)  # nothing there: no error

    assert await store.get_flow(1) is None
    assert await store.get_flow(2) is not None


async def test_store_refuses_more_than_four_digits_and_naive_times(store: Store) -> None:
    with pytest.raises(ValueError, match="four digits"):
        await store.save_flow(full_state(last4="234123412346"))
    with pytest.raises(ValueError, match="four digits"):
        await store.log_check(check(1, T0, last4="12345"))
    with pytest.raises(ValueError, match="naive"):
        await store.save_flow(full_state(expires_at=datetime(2026, 1, 15, 6, 40)))  # naive
    assert await store.get_flow(full_state().chat_id) is None


# --- preferences ---


async def test_language_preference(store: Store) -> None:
    assert await store.get_language(5) is None

    await store.set_language(5, "hi")
    await store.set_language(6, "en")
    await store.set_language(5, "ta")

    assert await store.get_language(5) == "ta"
    assert await store.get_language(6) == "en"


# --- consent ---


async def test_consents_append_and_read_back_oldest_first(store: Store) -> None:
    later = consent(7, T0 + timedelta(minutes=5), outcome="declined")
    earlier = consent(7, T0, agent_id=99, attestation="customer shown notice in hi, agreed")
    other = consent(8, T0)

    ids = [await store.record_consent(r) for r in (later, earlier, other)]

    assert ids[0] < ids[1] < ids[2]
    assert await store.consents_for_user(7) == [
        replace(earlier, id=ids[1]),
        replace(later, id=ids[0]),
    ]
    assert await store.consents_for_user(8) == [replace(other, id=ids[2])]
    assert await store.consents_for_user(9) == []


async def test_consents_cannot_be_rewritten(store: Store, backend: Backend) -> None:
    await store.record_consent(consent(7, T0))

    with pytest.raises(Exception, match="append-only"):
        await backend.raw("UPDATE consents SET outcome = 'declined'")
    await backend.raw("UPDATE consents SET withdrawn_at = NULL")  # no-op: still allowed
    await store.forget_user(7, 7, T0 + timedelta(hours=1))
    with pytest.raises(Exception, match="append-only"):
        await backend.raw("UPDATE consents SET withdrawn_at = NULL")

    [kept] = await store.consents_for_user(7)
    assert kept.outcome == "given" and kept.withdrawn_at == T0 + timedelta(hours=1)


async def test_forget_user_erases_data_but_keeps_consents_withdrawn(store: Store) -> None:
    user, other = 7, 8
    for uid in (user, other):
        await store.save_flow(full_state(chat_id=uid))
        await store.set_language(uid, "hi")
        await store.add_otp_request(uid, T0)
        await store.log_check(check(uid, T0))
    given = await store.record_consent(consent(user, T0))
    declined = await store.record_consent(
        consent(user, T0 + timedelta(seconds=1), outcome="declined")
    )
    await store.record_consent(consent(other, T0))
    at = T0 + timedelta(days=1)

    await store.forget_user(user, user, at)
    await store.forget_user(user, user, at + timedelta(days=1))  # again: first withdrawal stays

    assert await store.get_flow(user) is None
    assert await store.get_language(user) is None
    assert await store.count_otp_requests(user, T0) == 0
    logged = await store.checks_between(T0, T0 + timedelta(days=9))
    assert [c.user_id for c in logged] == [other]
    kept = await store.consents_for_user(user)
    assert [(c.id, c.outcome, c.withdrawn_at) for c in kept] == [
        (given, "given", at),
        (declined, "declined", at),
    ]
    assert_utc(kept[0].withdrawn_at)
    # the other user is untouched
    assert await store.get_flow(other) is not None
    assert await store.get_language(other) == "hi"
    assert await store.count_otp_requests(other, T0) == 1
    assert [c.withdrawn_at for c in await store.consents_for_user(other)] == [None]


# --- OTP cap and check log ---


async def test_otp_requests_counted_per_user_since(store: Store) -> None:
    for minutes in (0, 60, 60 * 25):
        await store.add_otp_request(7, T0 + timedelta(minutes=minutes))
    await store.add_otp_request(8, T0 + timedelta(minutes=60))

    assert await store.count_otp_requests(7, T0) == 3
    assert await store.count_otp_requests(7, T0 + timedelta(minutes=60)) == 2  # inclusive
    assert await store.count_otp_requests(7, (T0 + timedelta(minutes=61)).astimezone(IST)) == 1
    assert await store.count_otp_requests(7, T0 + timedelta(days=2)) == 0
    assert await store.count_otp_requests(9, T0) == 0


async def test_checks_between_is_half_open_and_ordered(store: Store) -> None:
    records = [
        check(7, T0 + timedelta(hours=2), duration_ms=900),
        check(8, T0, last4=None, bank_name=None, status=None, outcome="not_seeded"),
        check(7, T0 + timedelta(hours=1), agent_id=99, language="en"),
        check(7, T0 + timedelta(hours=3)),
    ]
    for record in records:
        await store.log_check(record)

    got = await store.checks_between(T0, T0 + timedelta(hours=3))

    assert [replace(c, id=None) for c in got] == [records[1], records[2], records[0]]
    assert all(c.id is not None for c in got)
    assert_utc(got[0].at)
    assert await store.checks_between(T0 + timedelta(hours=9), T0 + timedelta(hours=10)) == []


# --- agents, invites, per-agent queries ---

TOKEN_A, TOKEN_B = "a1" * 32, "b2" * 32  # stand-ins for SHA-256 hex digests of invite tokens


def invite(token: str = TOKEN_A, **changes: object) -> Invite:
    record = Invite(
        token_sha256=token,
        created_by=11,
        created_at=T0,
        expires_at=T0 + timedelta(hours=48),
        label="Ravi (Sitapur BC point)",
    )
    return replace(record, **changes)  # type: ignore[arg-type]


async def test_invite_redeems_once_and_enrols(store: Store) -> None:
    await store.create_invite(invite())
    at = T0 + timedelta(hours=1)

    agent = await store.redeem_invite(TOKEN_A, 5550001, at)

    assert agent == Agent(5550001, at, 11, "Ravi (Sitapur BC point)")
    assert agent is not None and agent.active
    assert_utc(agent.enrolled_at)
    assert await store.get_agent(5550001) == agent
    assert await store.redeem_invite(TOKEN_A, 5550002, at) is None  # single use
    assert await store.redeem_invite(TOKEN_A, 5550001, at) is None  # even by the same person
    assert await store.redeem_invite(TOKEN_B, 5550002, at) is None  # unknown token
    assert await store.get_agent(5550002) is None


async def test_expired_invite_is_refused(store: Store) -> None:
    await store.create_invite(invite(expires_at=T0 + timedelta(hours=1)))

    assert await store.redeem_invite(TOKEN_A, 5550001, T0 + timedelta(hours=1)) is None
    assert await store.get_agent(5550001) is None
    # not used up by the refused attempt: it is still simply expired
    assert await store.redeem_invite(TOKEN_A, 5550001, T0 + timedelta(minutes=59)) is not None


async def test_invite_stores_only_a_hash(store: Store, backend: Backend) -> None:
    with pytest.raises(Exception):  # noqa: B017 - each driver raises its own check violation
        await store.create_invite(invite(token="not-a-sha256-digest"))
    await store.create_invite(invite())
    assert await backend.raw("SELECT count(*) FROM invites") == 1


async def test_agents_list_revoke_and_reenrol(store: Store) -> None:
    await store.create_invite(invite(TOKEN_A))
    await store.create_invite(invite(TOKEN_B, created_by=12, label=None))
    first = await store.redeem_invite(TOKEN_A, 5550001, T0 + timedelta(minutes=1))
    second = await store.redeem_invite(TOKEN_B, 5550002, T0 + timedelta(minutes=2))
    assert await store.list_agents() == [first, second]

    assert await store.revoke_agent(5550001, by=11, at=T0 + timedelta(hours=2)) is True
    assert await store.revoke_agent(5550001, by=11, at=T0 + timedelta(hours=3)) is False
    assert await store.revoke_agent(5550009, by=11, at=T0) is False  # never an agent

    assert await store.list_agents() == [second]
    revoked = await store.get_agent(5550001)
    assert revoked is not None and not revoked.active
    assert (revoked.revoked_at, revoked.revoked_by) == (T0 + timedelta(hours=2), 11)
    assert await store.list_agents(include_revoked=True) == [revoked, second]

    await store.create_invite(invite("c3" * 32, created_by=12, label="Ravi again"))
    again = await store.redeem_invite("c3" * 32, 5550001, T0 + timedelta(days=1))
    assert again == Agent(5550001, T0 + timedelta(days=1), 12, "Ravi again")


async def test_checks_by_agent_newest_first_and_counted(store: Store) -> None:
    for minutes in (0, 30, 60, 90):
        await store.log_check(check(5550001, T0 + timedelta(minutes=minutes), agent_id=99))
    await store.log_check(check(5550002, T0 + timedelta(minutes=45), agent_id=98))
    await store.log_check(check(99, T0 + timedelta(minutes=50)))  # the agent's own check

    last = await store.checks_by_agent(99, limit=3)

    assert [c.at for c in last] == [T0 + timedelta(minutes=m) for m in (90, 60, 30)]
    assert all(c.agent_id == 99 and c.id is not None for c in last)
    assert await store.checks_by_agent(97, limit=20) == []
    assert await store.count_agent_checks(99, T0 + timedelta(minutes=30)) == 3  # inclusive
    assert await store.count_agent_checks(98, T0) == 1
    assert await store.count_agent_checks(97, T0) == 0


async def test_personal_data_counts(store: Store) -> None:
    agent, citizen = 99, 7
    assert await store.personal_data(citizen, citizen) == PersonalData(False, None, 0, 0, 0, 0, 0)
    await store.save_flow(minimal_state(citizen))
    await store.set_language(citizen, "ta")
    await store.add_otp_request(citizen, T0)
    await store.log_check(check(citizen, T0))
    await store.log_check(check(citizen, T0, outcome="declined"))
    await store.record_consent(consent(citizen, T0))
    await store.record_consent(consent(citizen, T0, outcome="declined"))
    await store.log_check(check(agent, T0, agent_id=agent))  # run for a customer
    await store.record_consent(consent(agent, T0, agent_id=agent, attestation="agreed"))

    assert await store.personal_data(citizen, citizen) == PersonalData(
        open_check=True,
        language="ta",
        checks=2,
        consents=2,
        consents_withdrawn=0,
        otp_requests=1,
        assisted_checks=0,
    )
    assert await store.personal_data(agent, agent) == PersonalData(
        False, None, 0, 0, 0, 0, assisted_checks=1
    )
    await store.forget_user(citizen, citizen, T0 + timedelta(days=1))
    assert await store.personal_data(citizen, citizen) == PersonalData(
        False, None, 0, consents=2, consents_withdrawn=2, otp_requests=0, assisted_checks=0
    )


async def test_forget_keeps_what_an_agent_ran_for_customers(store: Store) -> None:
    agent = 99
    own = check(agent, T0)  # the agent's own self-service check
    for_customer = check(agent, T0 + timedelta(minutes=1), agent_id=agent, last4="1096")
    await store.log_check(own)
    await store.log_check(for_customer)
    own_consent = await store.record_consent(consent(agent, T0))
    attested = await store.record_consent(
        consent(agent, T0, agent_id=agent, attestation="customer agreed")
    )
    at = T0 + timedelta(days=1)

    await store.forget_user(agent, agent, at)

    logged = await store.checks_between(T0, T0 + timedelta(days=2))
    assert [replace(c, id=None) for c in logged] == [for_customer]
    kept = {c.id: c.withdrawn_at for c in await store.consents_for_user(agent)}
    assert kept == {own_consent: at, attested: None}


# --- retention ---


async def test_sweep_deletes_expired_flows_and_old_records(store: Store) -> None:
    now = T0 + timedelta(days=30)
    await store.save_flow(minimal_state(1, expires_at=now - timedelta(seconds=1)))
    await store.save_flow(minimal_state(2, expires_at=now))  # expires exactly now: gone
    await store.save_flow(minimal_state(3, expires_at=now + timedelta(seconds=1)))
    await store.add_otp_request(7, now - timedelta(days=3))
    await store.add_otp_request(7, now - timedelta(days=1))
    await store.log_check(check(7, now - timedelta(days=10)))
    await store.log_check(check(7, now - timedelta(days=1)))
    await store.record_consent(consent(7, now - timedelta(days=20)))
    kept_consent = await store.record_consent(consent(7, now - timedelta(days=2)))
    await store.create_invite(invite(TOKEN_A, expires_at=now))  # expired: swept
    await store.create_invite(invite(TOKEN_B, expires_at=now + timedelta(seconds=1)))

    deleted = await store.sweep(
        now, checks_before=now - timedelta(days=5), consents_before=now - timedelta(days=5)
    )

    assert deleted == 6
    assert await store.redeem_invite(TOKEN_B, 5, now) is not None
    assert [await store.get_flow(c) is not None for c in (1, 2, 3)] == [False, False, True]
    assert await store.count_otp_requests(7, T0) == 1
    assert len(await store.checks_between(T0, now)) == 1
    assert [c.id for c in await store.consents_for_user(7)] == [kept_consent]
    assert await store.sweep(now, checks_before=T0, consents_before=T0) == 0


# --- migrations and concurrency ---


async def test_migrations_are_idempotent(store: Store, backend: Backend) -> None:
    await store.save_flow(full_state())
    second = backend.new_store()
    await second.open()  # a second process starting against the same database
    try:
        assert await second.get_flow(full_state().chat_id) == full_state()
    finally:
        await second.close()
    await store.close()
    await store.open()  # and a restart

    assert await store.get_flow(full_state().chat_id) == full_state()
    latest = len(load_migrations(backend.name))
    assert await backend.raw("SELECT count(*) FROM schema_version") == latest
    assert await backend.raw("SELECT max(version) FROM schema_version") == latest


async def test_concurrent_writes_all_land(store: Store) -> None:
    states = [full_state(chat_id=1000 + i, check_id=f"c{i}") for i in range(50)]

    consent_ids = await asyncio.gather(
        *(store.save_flow(s) for s in states),
        *(store.record_consent(consent(i, T0)) for i in range(5)),
        *(store.add_otp_request(7, T0) for _ in range(5)),
    )

    got = await asyncio.gather(*(store.get_flow(s.chat_id) for s in states))
    assert got == states
    assert len(set(consent_ids[50:55])) == 5
    assert await store.count_otp_requests(7, T0) == 5


# --- the factory ---


async def test_open_store_sqlite_urls_and_bare_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for url, expected in (
        ("sqlite:///rel/bot.db", tmp_path / "rel" / "bot.db"),
        (f"sqlite:///{tmp_path}/abs/bot.db", tmp_path / "abs" / "bot.db"),
        (str(tmp_path / "bare" / "bot.db"), tmp_path / "bare" / "bot.db"),
        ("bare-rel.db", tmp_path / "bare-rel.db"),
    ):
        opened = await open_store(url)
        try:
            assert isinstance(opened, SqliteStore)
            assert opened.path.resolve() == expected
            assert expected.exists()
        finally:
            await opened.close()


def test_store_for_postgres_urls() -> None:
    for url in ("postgresql://bot@db:5432/bot", "postgres://bot@db/bot", "PostgreSQL://h/d"):
        assert isinstance(store_for(url), PostgresStore)


@pytest.mark.parametrize(
    "url", ["mysql://bot:s3cret@db/bot", "sqlite://relative.db", "sqlite:///", "  "]
)
def test_store_for_rejects_unknown_urls_with_a_hint(url: str) -> None:
    with pytest.raises(ValueError, match=r"sqlite:///path/to/bot\.db .* postgresql://") as info:
        store_for(url)
    assert "s3cret" not in str(info.value)
    assert "\n" not in str(info.value)


# --- SQLite only: what is on disk ---


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "bot.db")
    await opened.open()
    yield opened
    await opened.close()  # idempotent: some tests close it themselves to look at the files


def _files(path: Path) -> dict[str, bytes]:
    """The database and its WAL/shm companions, as bytes."""
    return {
        p.name: p.read_bytes()
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"))
        if p.exists()
    }


async def test_sqlite_close_leaves_everything_in_the_main_file(sqlite_store: SqliteStore) -> None:
    await sqlite_store.save_flow(full_state())
    consent_id = await sqlite_store.record_consent(consent(7, T0))
    wal = Path(f"{sqlite_store.path}-wal")
    assert wal.exists() and wal.stat().st_size > 0  # WAL mode: the writes are in the WAL

    await sqlite_store.close()

    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed into the main file
    conn = sqlite3.connect(sqlite_store.path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT check_id FROM flows").fetchall() == [("k3J9x2",)]
        assert conn.execute("SELECT id FROM consents").fetchall() == [(consent_id,)]
    finally:
        conn.close()


async def test_sqlite_consents_go_through_a_full_sync_connection(
    sqlite_store: SqliteStore,
) -> None:
    # 1 = NORMAL (flow writes: no fsync per commit), 2 = FULL (consent: fsync per commit).
    try:
        main = await sqlite_store._main.execute_fetchall("PRAGMA synchronous")
        durable = await sqlite_store._durable.execute_fetchall("PRAGMA synchronous")
        assert (next(iter(main))[0], next(iter(durable))[0]) == (1, 2)
        # A consent written on the durable connection is visible to a brand-new reader at once.
        consent_id = await sqlite_store.record_consent(consent(7, T0))
        conn = sqlite3.connect(sqlite_store.path)
        try:
            assert conn.execute("SELECT id FROM consents").fetchall() == [(consent_id,)]
        finally:
            conn.close()
    finally:
        await sqlite_store.close()


async def test_sqlite_files_hold_no_twelve_digit_run(sqlite_store: SqliteStore) -> None:
    await sqlite_store.save_flow(full_state())
    await sqlite_store.set_language(full_state().chat_id, "hi")
    await sqlite_store.record_consent(consent(987654321, T0, agent_id=5550001, attestation="ok"))
    await sqlite_store.add_otp_request(987654321, T0)
    await sqlite_store.log_check(check(987654321, T0, agent_id=5550001, duration_ms=2345))
    twelve_digits = re.compile(rb"[0-9]{12}")

    try:
        before_close = _files(sqlite_store.path)
        assert any(b"k3J9x2" in data for data in before_close.values())  # the data is in there
        for name, data in before_close.items():
            assert twelve_digits.search(data) is None, name
    finally:
        await sqlite_store.close()
    for name, data in _files(sqlite_store.path).items():
        assert twelve_digits.search(data) is None, name


async def test_sqlite_refuses_in_memory_databases() -> None:
    with pytest.raises(ValueError, match="file path"):
        SqliteStore(":memory:")
