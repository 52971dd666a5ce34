"""The waiting room's decisions (bot/capacity/waiting_room.py) on a real store and a fake clock: who
goes straight in, who waits, and how Telegram's send queue counts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.capacity.waiting_room import CountingRateLimiter, WaitingRoom
from bot.domain.waiting import Capacity, Standing
from bot.store.base import LineEntry
from bot.store.sqlite import SqliteStore
from testing.clock import FakeClock

BUSINESS = Capacity(per_second=2, per_minute=100, per_day=10_000)


@pytest.fixture(name="store")
async def store_fixture(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    store = SqliteStore(tmp_path / "bot.db")
    await store.open()
    yield store
    await store.close()


class Room:
    """A room on the business plan, recording the calls it makes."""

    def __init__(self, store: SqliteStore) -> None:
        self.clock = FakeClock()
        self.backlog = 0.0
        self.calls: list[tuple[str, int]] = []
        self.told: list[tuple[int, Standing]] = []

        async def call(kind: str, entry: LineEntry) -> None:
            self.calls.append((kind, entry.chat_id))

        async def announce(entry: LineEntry, standing: Standing) -> None:
            self.told.append((entry.chat_id, standing))

        self.room = WaitingRoom(
            BUSINESS,
            store,
            self.clock,
            no_show_after=timedelta(minutes=3),
            send_backlog=lambda: self.backlog,
            call=call,
            announce=announce,
        )

    async def join(self, chat_id: int, *, assisted: bool = False) -> None:
        await self.room.store.join_line(
            LineEntry(
                chat_id=chat_id,
                user_id=chat_id,
                check_id=f"c{chat_id}",
                lane=0,
                priority=self.room.priority(assisted),
                language="en",
                joined_at=self.clock.now(),
            )
        )


async def test_straight_in_only_when_nobody_waits_and_the_plan_allows(store: SqliteStore) -> None:
    r = Room(store)
    assert await r.room.admit_now(1, assisted=False)
    assert not await r.room.admit_now(2, assisted=False)  # 1.5 s after the last start
    r.clock.advance(1.5)
    await r.join(3)
    assert not await r.room.admit_now(4, assisted=False)  # someone waits: no cutting in
    assert await r.room.admit_now(5, assisted=True)  # an agent's customer goes ahead
    assert r.room.budget == BUSINESS.checks_per_day - 2


async def test_turns_in_order_at_the_plans_pace_with_the_send_queue_counted(
    store: SqliteStore,
) -> None:
    r = Room(store)
    for chat in (1, 2, 3):
        await r.join(chat)
    await r.room.tick()
    assert r.calls == [("turn", 1)]
    assert r.told == [(2, Standing(1, 0)), (3, Standing(2, 0))]

    r.backlog = 90.0  # 90 s of messages queued behind TELEGRAM_SENDS_PER_SECOND
    r.clock.advance(1.5)
    await r.room.tick()
    assert r.calls == [("turn", 1)]  # no turn while its messages would only queue
    assert await r.room.standing_of(2) == Standing(1, 2)  # the queue is in the estimate
    assert r.told[-2:] == [(2, Standing(1, 2)), (3, Standing(2, 2))]

    r.backlog = 0.0
    await r.room.tick()
    r.clock.advance(1.5)
    await r.room.tick()
    assert r.calls == [("turn", 1), ("turn", 2), ("turn", 3)]
    assert r.room.line_length == 0
    r.clock.advance(180)
    await r.room.tick()
    assert r.calls[3:] == [("no_show", 1), ("no_show", 2), ("no_show", 3)]
    await r.room.tick()
    assert len(r.calls) == 6  # each told once


async def test_an_inactive_room_gives_no_turns(store: SqliteStore) -> None:
    r = Room(store)
    r.room.active = lambda: False  # an HA standby
    await r.join(1)
    await r.room.tick()
    assert r.calls == []


def test_the_send_limiter_says_how_long_its_queue_is() -> None:
    limiter = CountingRateLimiter(overall_max_rate=30)
    assert limiter.backlog_s() == 0.0
    limiter.in_flight = 61  # the one being sent and 60 behind it
    assert limiter.backlog_s() == 2.0


async def test_only_message_sends_wait_behind_the_send_limiter() -> None:
    """Telegram limits messages sent, about 30 a second: a deletion (a typed Aadhaar number), an
    edit or a chat action must not queue behind other users' sends."""
    limiter = CountingRateLimiter(overall_max_rate=1)
    await limiter.initialize()
    done: list[str] = []

    async def request(name: str) -> bool:
        done.append(name)
        return True

    async def call(endpoint: str) -> Any:
        return await limiter.process_request(
            request, (endpoint,), {}, endpoint, {"chat_id": 7}, None
        )

    await call("sendMessage")  # takes the bucket's one token
    second_send = asyncio.create_task(call("sendMessage"))
    await asyncio.sleep(0)
    assert limiter.in_flight == 1, "the second send waits, and is counted as waiting"
    for endpoint in ("deleteMessage", "editMessageReplyMarkup", "sendChatAction"):
        await call(endpoint)
    assert done == ["sendMessage", "deleteMessage", "editMessageReplyMarkup", "sendChatAction"]
    assert not second_send.done()
    second_send.cancel()
    await limiter.shutdown()
