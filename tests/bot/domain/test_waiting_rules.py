"""The waiting room's pure rules (bot/domain/waiting.py): capacity per plan, the schedule of
turns, what is worth an edit, no-shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.policy import next_india_midnight
from bot.domain.waiting import (
    Capacity,
    Ledger,
    Standing,
    admission_allowed,
    budget_left,
    no_show,
    schedule,
    wait_minutes,
    worth_telling,
)
from bot.vendor.config import plan_limits

T0 = datetime(2026, 1, 15, 6, 30, tzinfo=UTC)
EMPTY = Ledger(recent=(), today=0)


def capacity(plan: str, calls: int = 3) -> Capacity:
    limits = plan_limits(plan)
    return Capacity(limits.per_second, limits.per_minute, limits.per_day, calls)


@pytest.mark.parametrize(
    ("plan", "spacing_s", "per_minute", "per_day", "per_hour"),
    [
        ("starter", 3.0, 9, 333, 540),
        ("business", 1.5, 31, 3333, 1860),
        ("growth", 0.6, 158, 6666, 6000),
        ("enterprise", 3 / 17, 316, 16666, 18960),
    ],
)
def test_capacity_of_each_plan(
    plan: str, spacing_s: float, per_minute: int, per_day: int, per_hour: float
) -> None:
    cap = capacity(plan)
    assert cap.limited
    assert cap.spacing.total_seconds() == pytest.approx(spacing_s, abs=1e-6)  # microseconds
    assert (cap.checks_per_minute, cap.checks_per_day) == (per_minute, per_day)
    assert cap.checks_per_hour == pytest.approx(per_hour)


def test_starts_are_spaced_to_the_pacers_guard() -> None:
    guarded = Capacity(per_second=2, per_minute=100, guard_s=0.05)
    assert guarded.spacing == timedelta(seconds=1.575)  # 3 calls at 2 per 1.05 s


def test_unlimited_plan_admits_everyone_at_once() -> None:
    cap = capacity("unlimited")
    assert not cap.limited
    assert admission_allowed(cap, Ledger([T0] * 1000, 10**6), T0)
    assert budget_left(cap, 10**6) is None
    assert cap.checks_per_hour is None


def test_schedule_spaces_starts_and_keeps_the_minute() -> None:
    times = schedule(capacity("business"), EMPTY, T0, 32)

    offsets = [(t - T0).total_seconds() for t in times]
    assert offsets[:3] == [0.0, 1.5, 3.0]
    assert offsets[30] == 45.0  # 31 starts in the first minute (93 of its 100 calls)
    assert offsets[31:] == [60.0]  # then each waits for one to leave the window
    for i, t in enumerate(times):  # never more than 31 in any minute
        assert sum(t - timedelta(minutes=1) < u <= t for u in times[: i + 1]) <= 31


def test_schedule_follows_the_ledger_of_recent_admissions() -> None:
    recent = [T0 - timedelta(seconds=1)]
    cap = capacity("business")
    assert not admission_allowed(cap, Ledger(recent, 1), T0)  # 1.5 s apart: not yet
    assert admission_allowed(cap, Ledger(recent, 1), T0 + timedelta(seconds=0.5))
    assert schedule(cap, Ledger(recent, 1), T0, 1) == [T0 + timedelta(seconds=0.5)]


def test_a_spent_budget_waits_for_midnight_in_india() -> None:
    cap = capacity("starter")
    times = schedule(cap, Ledger((), 333), T0, 2)
    midnight = next_india_midnight(T0)
    assert times == [midnight, midnight + cap.spacing]
    assert budget_left(cap, 333) == 0
    assert budget_left(cap, 300) == 33


def test_wait_minutes_rounds_up_and_says_under_a_minute() -> None:
    assert [wait_minutes(s) for s in (0, 59.9, 60, 61, 119, 3600)] == [0, 0, 1, 2, 2, 60]


@pytest.mark.parametrize(
    ("shown", "now", "tell"),
    [
        (None, Standing(40, 5), True),  # never shown
        (Standing(40, 5), Standing(39, 5), False),  # one place: not worth an edit
        (Standing(40, 5), Standing(21, 5), False),
        (Standing(40, 5), Standing(20, 5), True),  # down to half
        (Standing(3, 1), Standing(2, 1), False),
        (Standing(2, 1), Standing(1, 1), True),  # next in line
        (Standing(3, 1), Standing(4, 1), True),  # someone went ahead (an assisted check)
        (Standing(40, 10), Standing(35, 9), False),  # a minute of ten
        (Standing(40, 10), Standing(35, 7), True),  # a quarter
        (Standing(10, 1), Standing(8, 0), True),  # under a minute now
    ],
)
def test_worth_telling(shown: Standing | None, now: Standing, tell: bool) -> None:
    assert worth_telling(shown, now) is tell


def test_no_show_after_the_allowed_time() -> None:
    allowed = timedelta(minutes=3)
    assert not no_show(T0, T0 + allowed - timedelta(seconds=1), allowed)
    assert no_show(T0, T0 + allowed, allowed)
