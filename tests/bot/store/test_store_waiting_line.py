"""The store contract of the waiting room's line and admissions, on every backend.

The line must be first come, first served, survive a restart (and, on PostgreSQL, another
instance taking over: it reads the same rows), and hold no Aadhaar number.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from bot.check.state import Step
from bot.store.base import LineEntry, Store
from testing.store_rows import T0, assert_utc, minimal_state
from testing.stores import Backend


def entry(chat_id: int, *, lane: int = 0, priority: int = 1, **changes: object) -> LineEntry:
    made = LineEntry(
        chat_id=chat_id,
        user_id=chat_id,
        check_id=f"c{chat_id}",
        lane=lane,
        priority=priority,
        language="hi",
        joined_at=T0,
    )
    return replace(made, **changes)  # type: ignore[arg-type]


async def test_line_is_in_order_of_arrival_and_round_trips(store: Store) -> None:
    first = await store.join_line(entry(30, joined_at=T0 + timedelta(seconds=2)))
    second = await store.join_line(entry(10, priority=0))
    await store.join_line(entry(20, lane=1))
    assert first.id is not None and second.id is not None and first.id < second.id

    line = await store.line(0)

    assert [e.chat_id for e in line] == [30, 10]
    assert line[0] == first
    assert line[1] == entry(10, priority=0, id=second.id)
    assert_utc(line[0].joined_at)
    assert [e.chat_id for e in await store.line(1)] == [20]
    assert await store.line_entry(10) == line[1]
    assert await store.line_entry(99) is None


async def test_rejoining_goes_to_the_back(store: Store) -> None:
    await store.join_line(entry(1))
    await store.join_line(entry(2))
    await store.join_line(entry(1, check_id="again"))

    line = await store.line(0)

    assert [(e.chat_id, e.check_id) for e in line] == [(2, "c2"), (1, "again")]


async def test_message_leave_and_the_line_survives_a_reopen(store: Store, backend: Backend) -> None:
    await store.join_line(entry(1))
    await store.join_line(entry(2))
    await store.set_line_message(2, 555)
    await store.leave_line(1)
    await store.leave_line(99)  # not in line: nothing happens

    reopened = backend.new_store()  # a restart, or the HA standby taking over
    await reopened.open()
    try:
        line = await reopened.line(0)
    finally:
        await reopened.close()

    assert [(e.chat_id, e.message_id) for e in line] == [(2, 555)]


async def test_admit_gives_the_turn_once_and_records_the_admission(store: Store) -> None:
    await store.join_line(entry(1))
    called = T0 + timedelta(seconds=5)

    assert await store.admit(0, called, chat_id=1)
    assert not await store.admit(0, called, chat_id=1)  # called already: no second admission
    assert not await store.admit(0, called, chat_id=2)  # not in line
    assert await store.admit(0, called + timedelta(seconds=1))  # straight in, no line
    assert await store.admit(1, called)

    got = await store.line_entry(1)
    assert got is not None and got.called_at == called
    assert await store.admissions_since(0, T0) == [called, called + timedelta(seconds=1)]
    assert await store.admissions_since(0, called + timedelta(microseconds=1)) == [
        called + timedelta(seconds=1)
    ]
    assert await store.count_admissions(0, T0) == 2
    assert await store.count_admissions(1, T0) == 1


async def test_admissions_keep_the_wait_and_the_longest_is_across_lanes(
    store: Store, backend: Backend
) -> None:
    await store.join_line(entry(1, joined_at=T0))
    await store.join_line(entry(2, lane=1, joined_at=T0 + timedelta(minutes=1)))
    await store.join_line(entry(3, joined_at=T0))
    assert await store.longest_wait(T0, T0 + timedelta(days=1)) is None  # nobody admitted yet

    await store.admit(0, T0 + timedelta(minutes=4, milliseconds=250), chat_id=1)
    await store.admit(1, T0 + timedelta(minutes=12), chat_id=2)  # waited 11 min, in lane 1
    await store.admit(0, T0 + timedelta(minutes=13))  # straight in: no wait
    assert not await store.admit(0, T0 + timedelta(minutes=30), chat_id=1)  # called already
    await store.admit(0, T0 + timedelta(hours=2), chat_id=3)  # 2 h, but after the window

    window = (T0, T0 + timedelta(hours=1))
    assert await store.longest_wait(*window) == timedelta(minutes=11)
    assert await store.longest_wait(T0, T0 + timedelta(minutes=12)) == timedelta(
        minutes=4, milliseconds=250
    )  # the end is exclusive
    assert await store.longest_wait(T0 + timedelta(minutes=13), window[1]) == timedelta(0)
    reopened = backend.new_store()  # another instance reads the same waits
    await reopened.open()
    try:
        assert await reopened.longest_wait(T0, T0 + timedelta(days=1)) == timedelta(hours=2)
    finally:
        await reopened.close()


async def test_concurrent_admissions_of_one_chat_count_once(store: Store) -> None:
    await store.join_line(entry(1))
    results = await asyncio.gather(*(store.admit(0, T0, chat_id=1) for _ in range(5)))
    assert sorted(results) == [False] * 4 + [True]
    assert await store.count_admissions(0, T0) == 1


async def test_forget_and_sweep_remove_places_and_old_admissions(store: Store) -> None:
    now = T0 + timedelta(days=9)
    await store.save_flow(minimal_state(1).evolve(step=Step.WAITING, expires_at=now + timedelta(1)))
    await store.join_line(entry(1))
    await store.join_line(entry(2))  # its check is gone (no flow row)
    await store.save_flow(minimal_state(3).evolve(expires_at=now + timedelta(1)))
    await store.join_line(entry(3))
    await store.admit(0, now - timedelta(days=8, seconds=1))  # past ADMISSION_RETENTION
    await store.admit(0, now - timedelta(days=7, hours=23))  # kept: the digest's week needs it
    await store.admit(0, now - timedelta(hours=1))

    deleted = await store.sweep(now, checks_before=T0, consents_before=T0)

    assert deleted == 2
    assert [e.chat_id for e in await store.line(0)] == [1, 3]
    assert await store.admissions_since(0, T0) == [
        now - timedelta(days=7, hours=23),
        now - timedelta(hours=1),
    ]
    await store.forget_user(3, 3, now)
    assert [e.chat_id for e in await store.line(0)] == [1]
