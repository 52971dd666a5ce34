"""DailyUse at a glance: the vendor's daily budget against what was used, and the longest wait.

The plan's daily budget (``DEEPVUE_PLAN``, bot/vendor/config.py) counts vendor API calls. What
was used is read from the check log, which every instance shares and which survives a restart:
each check that reached the vendor made about :data:`CALLS_PER_CHECK` calls (initiate-session,
generate-otp, verify-otp; a wrong OTP or a new captcha picture adds one, a failure at
generate-otp saves one), so the figure is an estimate and is shown as one ("about").

A component that counts the calls exactly, or that knows how long people waited (the waiting
room), registers a :class:`CapacitySource` as ``services.capacity``; its answers
then replace the estimate, and the longest wait appears in /stats and the digest.
:class:`AdmissionWaits` is the waiting room's: every admission keeps its wait in the store
(all instances, kept eight days), so the longest wait of the last 7 days is one query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from bot.i18n.translator import Translator
from bot.operator.reports import DayStats, Period, daily_stats, standard_periods
from bot.store.base import Store
from bot.vendor.config import plan_limits

#: Vendor calls a check that reached the vendor makes, on the way to its result.
CALLS_PER_CHECK = 3


class CapacitySource(Protocol):
    """What a component that knows better than the check log can tell (both may say None:
    not known, and the check log's estimate or nothing is shown instead)."""

    async def vendor_calls(self, period: Period) -> int | None:
        """Vendor calls made in ``period`` (all instances)."""

    async def longest_wait(self, period: Period) -> timedelta | None:
        """The longest time anyone waited for their turn in ``period``."""


@dataclass(frozen=True, slots=True)
class AdmissionWaits:
    """The waiting room as a :class:`CapacitySource`: the longest wait from the admissions
    the store keeps (bot/capacity/waiting_room.py records each with its wait; 0 for straight in).

    It does not count vendor calls: the vendor client has no store, and a write per call on
    every check's way to its result is no cheap count; admissions times the calls a check
    needs would be the same estimate as the check log's. So that stays, shown as "about"."""

    store: Store

    async def vendor_calls(self, period: Period) -> int | None:
        return None

    async def longest_wait(self, period: Period) -> timedelta | None:
        return await self.store.longest_wait(period.start, period.end)


@dataclass(frozen=True, slots=True)
class DailyUse:
    plan: str
    daily_budget: int | None  # vendor calls a day; None: the plan has no daily limit
    calls: int  # calls used on the day shown (the busiest day of a week)
    estimated: bool  # ``calls`` is the check log's estimate, not a count
    longest_wait: timedelta | None = None

    @property
    def percent(self) -> float | None:
        return None if not self.daily_budget else 100 * self.calls / self.daily_budget


def estimated_calls(day: DayStats) -> int:
    return day.stats.vendor_calls * CALLS_PER_CHECK


async def capacity(
    plan: str,
    days: Sequence[DayStats],
    source: CapacitySource | None,
    wait_period: Period,
) -> DailyUse:
    """The vendor budget on the busiest of ``days`` (one day: that day) and the longest wait
    in ``wait_period``. ``source`` (may be None) is asked first, day by day."""
    busiest, estimated = 0, False
    for day in days:
        counted = None if source is None else await source.vendor_calls(day.stats.period)
        calls = estimated_calls(day) if counted is None else counted
        if calls >= busiest:
            busiest, estimated = calls, counted is None
    wait = None if source is None else await source.longest_wait(wait_period)
    return DailyUse(plan, plan_limits(plan).per_day, busiest, estimated, wait)


def render_capacity(
    capacity: DailyUse, translator: Translator, language: str, *, week: bool
) -> str:
    """One or two lines: the budget (today's, or the busiest day's of a week) and the wait."""

    def t(key: str, **args: object) -> str:
        return translator.t(language, key, **args)

    args: dict[str, object] = {
        "span": "week" if week else "today",
        "about": "yes" if capacity.estimated else "no",
        "calls": capacity.calls,
        "plan": capacity.plan,
    }
    if capacity.daily_budget is None:
        line = t("capacity-unlimited", **args)
    else:
        percent = f"{capacity.percent or 0:.0f}"
        line = t("capacity-budget", budget=capacity.daily_budget, percent=percent, **args)
    if capacity.longest_wait is None:
        return line
    # To the nearest minute: a turn given within half a minute of joining (a tick or two) is
    # "0 min", which is what an operator needs to read: nobody really waited.
    minutes = int(capacity.longest_wait.total_seconds() / 60 + 0.5)
    return f"{line}\n{t('capacity-longest-wait', minutes=minutes)}"


async def capacity_text(
    store: Store,
    plan: str,
    source: CapacitySource | None,
    translator: Translator,
    today: date,
    language: str,
) -> str:
    """What /stats (and ``python -m bot report``) shows under the report: today's vendor
    budget, and the longest wait of the last 7 days once something knows it."""
    day = Period(today, today)
    records = await store.checks_between(day.start, day.end)
    load = await capacity(plan, daily_stats(records, day), source, standard_periods(today)[1])
    return render_capacity(load, translator, language, week=False)
