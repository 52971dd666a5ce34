"""The pacer on a fake clock: per-second, -minute and -day limits, FIFO, the wait cap; plans."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import SecretStr

from bot.vendor.config import RateLimits, VendorConfig, plan_limits
from bot.vendor.pacing import Pacer, PacingTimeout
from testing.clock import FakeClock


class SleepOnClock:
    """``sleep`` that moves the fake clock instead of waiting, and remembers each wait."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)  # let callers started "at the same time" arrive first
        self.clock.advance(seconds)


def make(
    limits: RateLimits, max_wait_s: float | None = None
) -> tuple[Pacer, FakeClock, SleepOnClock]:
    clock = FakeClock()
    sleep = SleepOnClock(clock)
    return Pacer(limits, clock=clock, sleep=sleep, max_wait_s=max_wait_s), clock, sleep


async def grant_offsets(pacer: Pacer, clock: FakeClock, callers: int) -> list[float]:
    """Start ``callers`` at once; the seconds after the start at which each was let through."""
    start = clock.now()
    granted: list[tuple[int, float]] = []

    async def one(index: int) -> None:
        await pacer.acquire()
        granted.append((index, (clock.now() - start).total_seconds()))

    await asyncio.gather(*(one(index) for index in range(callers)))
    assert [index for index, _ in granted] == list(range(callers)), "not first come, first served"
    return [offset for _, offset in granted]


async def test_no_limits_never_waits() -> None:
    pacer, clock, sleep = make(RateLimits())
    assert await grant_offsets(pacer, clock, 50) == [0.0] * 50
    assert sleep.waits == []


async def test_per_second_queues_a_burst_in_order() -> None:
    pacer, clock, _ = make(RateLimits(per_second=2))
    assert await grant_offsets(pacer, clock, 5) == [0, 0, 1, 1, 2]


async def test_per_minute_and_per_second_together() -> None:
    pacer, clock, _ = make(RateLimits(per_second=1, per_minute=3))
    assert await grant_offsets(pacer, clock, 5) == [0, 1, 2, 60, 61]


async def test_sliding_window_counts_from_each_grant() -> None:
    pacer, clock, _ = make(RateLimits(per_minute=2))
    await pacer.acquire()
    clock.advance(40)
    await pacer.acquire()
    clock.advance(30)  # 70 s: the first grant has left the window, the second has not
    assert await grant_offsets(pacer, clock, 2) == [0, 30]


async def test_per_day() -> None:
    pacer, clock, _ = make(RateLimits(per_day=2))
    assert await grant_offsets(pacer, clock, 3) == [0, 0, 86_400]


async def test_queue_length_counts_waiting_callers() -> None:
    clock = FakeClock()
    release = asyncio.Event()

    async def held_sleep(seconds: float) -> None:
        await release.wait()
        clock.advance(seconds)

    pacer = Pacer(RateLimits(per_second=1), clock=clock, sleep=held_sleep)
    await pacer.acquire()
    tasks = [asyncio.create_task(pacer.acquire()) for _ in range(3)]
    await asyncio.sleep(0)
    assert pacer.queue_length == 3
    release.set()
    await asyncio.gather(*tasks)
    assert pacer.queue_length == 0


async def test_a_wait_beyond_the_cap_fails_at_once() -> None:
    pacer, _, sleep = make(RateLimits(per_day=1), max_wait_s=30)
    await pacer.acquire()
    with pytest.raises(PacingTimeout) as raised:
        await pacer.acquire()
    assert raised.value.retry_after == 86_400
    assert sleep.waits == []
    assert pacer.queue_length == 0


async def test_queueing_counts_towards_the_cap() -> None:
    pacer, _, _ = make(RateLimits(per_second=1), max_wait_s=2.5)
    results = await asyncio.gather(*(pacer.acquire() for _ in range(5)), return_exceptions=True)
    assert [isinstance(result, PacingTimeout) for result in results] == [
        False,
        False,
        False,
        True,
        True,
    ]


async def test_cancelled_waiter_leaves_the_queue() -> None:
    clock = FakeClock()
    never = asyncio.Event()

    async def stuck_sleep(seconds: float) -> None:
        await never.wait()

    pacer = Pacer(RateLimits(per_second=1), clock=clock, sleep=stuck_sleep)
    await pacer.acquire()
    waiter = asyncio.create_task(pacer.acquire())
    await asyncio.sleep(0)
    assert pacer.queue_length == 1
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert pacer.queue_length == 0
    clock.advance(1)
    await asyncio.wait_for(pacer.acquire(), timeout=1)  # the lock was released


async def test_a_check_under_way_goes_before_the_starts_queued_ahead_of_it() -> None:
    """Urgent calls (a started check's generate-otp, verify-otp) pass the starts that queue at
    the plan's full rate; each class stays first come, first served."""
    pacer, clock, _ = make(RateLimits(per_second=1))
    start = clock.now()
    granted: list[tuple[str, float]] = []

    async def one(name: str, urgent: bool) -> None:
        await pacer.acquire(urgent=urgent)
        granted.append((name, (clock.now() - start).total_seconds()))

    await one("start-0", False)  # the slot of second 0 is taken
    callers = [("start-1", False), ("start-2", False), ("otp-1", True), ("otp-2", True)]
    await asyncio.gather(*(one(name, urgent) for name, urgent in callers))
    assert granted == [("start-0", 0), ("otp-1", 1), ("otp-2", 2), ("start-1", 3), ("start-2", 4)]
    assert pacer.queue_length == 0


async def test_a_cancelled_urgent_waiter_leaves_the_turn_to_the_rest() -> None:
    pacer, clock, _ = make(RateLimits(per_second=1))
    await pacer.acquire()
    urgent = asyncio.create_task(pacer.acquire(urgent=True))
    start = asyncio.create_task(pacer.acquire())
    await asyncio.sleep(0)
    urgent.cancel()
    with pytest.raises(asyncio.CancelledError):
        await urgent
    await asyncio.wait_for(start, timeout=1)
    assert pacer.queue_length == 0
    clock.advance(1)
    await asyncio.wait_for(pacer.acquire(urgent=True), timeout=1)  # the turn is free


# --- the plan limits the pacer is configured from


@pytest.mark.parametrize(
    ("plan", "limits"),
    [
        ("starter", RateLimits(1, 30, 1_000)),
        ("Business", RateLimits(2, 100, 10_000)),
        ("growth", RateLimits(5, 500, 20_000)),
        (" enterprise ", RateLimits(17, 1_000, 50_000)),
        ("unlimited", RateLimits()),
    ],
)
def test_plan_limits(plan: str, limits: RateLimits) -> None:
    assert plan_limits(plan) == limits
    config = VendorConfig("https://x.test", "id", SecretStr("s")).with_plan(plan)
    assert config.rate_limits == limits


def test_unknown_plan_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="starter, business"):
        plan_limits("platinum")


@pytest.mark.parametrize("changes", [{"per_second": 0}, {"max_attempts": 0}, {"read_timeout": 0.0}])
def test_config_refuses_nonsense(changes: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        VendorConfig("https://x.test", "id", SecretStr("s"), **changes)  # type: ignore[arg-type]


def test_config_repr_hides_the_secret() -> None:
    assert "hunter2" not in repr(VendorConfig("https://x.test", "id", SecretStr("hunter2")))
