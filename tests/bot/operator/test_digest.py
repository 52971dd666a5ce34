"""The weekly digest end to end: each admin gets last week's chart and summary once per week,
in their language; not again after a restart, nor from a second instance; only the leader
sends; a failed send is tried again, a refused one is not."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.app import WorkerSlot, running_bot
from bot.domain.policy import INDIA
from bot.operator.digest import JOB_NAME, due_week, send_digests, week_period
from bot.runtime.services import SeedingApplication
from bot.runtime.telegram_request import SEND_ATTEMPTS
from testing.harness import ACTIVE, INACTIVE, Harness, en, en_in, running_harness
from testing.staff import ADMIN, customer_check, enrol

ADMIN_2 = 9002
# The harness's clock starts on Thursday 15 January 2026, 12:00 IST.
MONDAY_0759 = datetime(2026, 1, 19, 7, 59, tzinfo=INDIA)
MONDAY_0800 = datetime(2026, 1, 19, 8, 0, tzinfo=INDIA)


@pytest.mark.parametrize(
    ("now", "week"),
    [
        (datetime(2026, 1, 19, 8, 0, tzinfo=INDIA), date(2026, 1, 12)),  # Monday, the hour
        (datetime(2026, 1, 19, 7, 59, tzinfo=INDIA), date(2026, 1, 5)),  # a minute before
        (datetime(2026, 1, 25, 23, 59, tzinfo=INDIA), date(2026, 1, 12)),  # all that week
        (datetime(2026, 1, 26, 2, 30, tzinfo=UTC), date(2026, 1, 19)),  # 08:00 IST in UTC
        (datetime(2026, 1, 26, 2, 29, tzinfo=UTC), date(2026, 1, 12)),
    ],
)
def test_due_week(now: datetime, week: date) -> None:
    assert due_week(now, 8) == week
    assert week_period(week).last == date(week.year, week.month, week.day + 6)


def photos_to(h: Harness, chat_id: int) -> list[str]:
    """Captions of the photos the bot sent to ``chat_id``."""
    return [m.text for m in h.tg.messages(chat_id) if m.kind == "photo"]


@contextlib.asynccontextmanager
async def second_instance(h: Harness) -> AsyncIterator[SeedingApplication]:
    """Another instance on the same database and Telegram (it takes no updates of its own:
    the digest is all it is here for)."""
    async with running_bot(h.settings, h.clock, worker=WorkerSlot(1, 2)) as app:
        yield app


async def _last_weeks_checks(h: Harness) -> None:
    agent = await enrol(h)
    await customer_check(agent, "en", ACTIVE)
    await customer_check(agent, "hi", INACTIVE)


async def test_each_admin_gets_the_digest_once_per_week(tmp_path: Path) -> None:
    settings = {"admin_ids": (ADMIN, ADMIN_2), "weekly_digest": True}
    async with running_harness(tmp_path, **settings) as h:
        assert h.app.job_queue is not None and h.app.job_queue.get_jobs_by_name(JOB_NAME)
        await h.chat(chat_id=ADMIN).send("/help")
        await h.app.services.store.set_language(ADMIN_2, "hi")  # the second admin reads Hindi
        await h.chat(chat_id=ADMIN_2).send("/help")
        await _last_weeks_checks(h)
        # A first start on a Thursday: the week before's digest (5-11 January, no checks).
        assert await send_digests(h.app) == 2
        [first] = photos_to(h, ADMIN)
        assert first.startswith("Last week, 5 January 2026 to 11 January 2026: 0 checks")

        h.clock.set(MONDAY_0759)
        assert await send_digests(h.app) == 0
        h.clock.set(MONDAY_0800)
        assert await send_digests(h.app) == 2
        assert await send_digests(h.app) == 0  # the next try: already sent

        english = photos_to(h, ADMIN)[-1].split("\n")
        assert english == [
            en("digest-checks", first="12 January 2026", last="18 January 2026", count=2,
               active=1, inactive=1, not_seeded=0),
            en("digest-service", percent="0.0", seconds="0.0", stopped=0),
            en("capacity-unlimited", span="week", about="yes", calls=6, plan="unlimited"),
        ]  # fmt: skip
        hindi = photos_to(h, ADMIN_2)[-1].split("\n")
        assert hindi[1] == en_in("hi", "digest-service", percent="0.0", seconds="0.0", stopped=0)
        [call] = [c for c in h.tg.calls_to("sendPhoto") if c.params["chat_id"] == ADMIN][-1:]
        chart = call.files["photo"].data
        assert chart.startswith(b"\x89PNG") and len(chart) < 100_000

        async with second_instance(h) as other:
            assert await send_digests(other) == 0  # the other instance: already sent
        assert len(photos_to(h, ADMIN)) == len(photos_to(h, ADMIN_2)) == 2

    async with running_harness(tmp_path, **settings) as restarted:  # same database
        restarted.clock.set(MONDAY_0800)
        await restarted.chat(chat_id=ADMIN).send("/help")
        await restarted.chat(chat_id=ADMIN_2).send("/help")
        assert await send_digests(restarted.app) == 0
        assert restarted.tg.calls_to("sendPhoto") == []


async def test_two_instances_at_once_send_each_digest_once(tmp_path: Path) -> None:
    async with running_harness(tmp_path, admin_ids=(ADMIN, ADMIN_2), weekly_digest=True) as h:
        await h.chat(chat_id=ADMIN).send("/help")
        await h.chat(chat_id=ADMIN_2).send("/help")
        h.clock.set(MONDAY_0800)
        async with second_instance(h) as other:
            sent = await asyncio.gather(send_digests(h.app), send_digests(other))
        assert sum(sent) == 2
        assert len(photos_to(h, ADMIN)) == len(photos_to(h, ADMIN_2)) == 1


async def test_only_the_leader_sends_and_off_means_off(tmp_path: Path) -> None:
    async with running_harness(tmp_path, admin_ids=(ADMIN,), weekly_digest=True) as h:
        await h.chat(chat_id=ADMIN).send("/help")
        h.app.services.leadership = SimpleNamespace(is_leader=False)  # a standby
        assert await send_digests(h.app) == 0
        h.app.services.leadership = SimpleNamespace(is_leader=True)
        assert await send_digests(h.app) == 1
    async with running_harness(tmp_path / "off", admin_ids=(ADMIN,)) as off:
        assert off.app.job_queue is not None
        assert not off.app.job_queue.get_jobs_by_name(JOB_NAME)  # WEEKLY_DIGEST=false
        await off.chat(chat_id=ADMIN).send("/help")
        assert await send_digests(off.app) == 0


async def test_a_failed_send_is_retried_and_a_refused_one_is_not(tmp_path: Path) -> None:
    async with running_harness(tmp_path, admin_ids=(ADMIN, ADMIN_2), weekly_digest=True) as h:
        await h.chat(chat_id=ADMIN).send("/help")
        # ADMIN_2 never opened the chat: Telegram refuses, and the bot does not insist.
        # A passing failure for the first admin, that outlasts the Bot API sender's own retries.
        h.tg.fail_next("sendPhoto", status=500, times=SEND_ATTEMPTS)
        assert await send_digests(h.app) == 0
        assert await send_digests(h.app) == 1  # the next try sends it
        assert photos_to(h, ADMIN) and not photos_to(h, ADMIN_2)
        assert await send_digests(h.app) == 0
