"""The waiting room's rules: how many checks the vendor plan carries, when the next may start,
and what a citizen in line is told. Pure: times in, times out (bot/capacity/waiting_room.py does the
I/O).

A check costs the vendor a fixed number of paced calls (initiate-session for the captcha,
generate-otp, verify-otp; authorize is once a day and not paced). The plan caps calls per second,
per minute and per day, so it caps *checks* at:

* one start every ``calls_per_check / per_second`` seconds (the per-second limit; a little
  more with the pacer's guard against jitter),
* ``per_minute × (1 - headroom) / calls_per_check`` starts in any 60 s (the per-minute limit,
  less a little headroom for the calls a check may add: a new picture, a resent OTP),
* ``per_day // calls_per_check`` starts per day, India time (the daily budget).

Admitting no faster than that keeps the pacer's queue short, so a started check's generate-otp
and verify-otp go through promptly and no OTP expires while we pace.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.policy import next_india_midnight

CALLS_PER_CHECK = 3  # initiate-session, generate-otp, verify-otp
CALLS_PER_CHECK_NO_CAPTCHA = 2  # generate-otp, verify-otp
MINUTE = timedelta(minutes=1)
# The share of the per-minute limit kept free for the calls a started check may add (a new
# captcha picture, a resent OTP's new captcha and generate-otp).
HEADROOM = 0.05
# A place message is edited when the place falls to this share of what was shown (or to the
# front), grows, or the estimate moves by a minute or a quarter: often enough to trust, rarely
# enough not to spend Telegram's ~30 messages a second on edits (about 5 per citizen who waits
# two minutes behind 60 others).
PLACE_STEP = 1 / 2
FRONT_PLACES = 1


@dataclass(frozen=True, slots=True)
class Capacity:
    """What one admitter may start: its share of the plan's limits (``None``: no limit)."""

    per_second: int | None = None
    per_minute: int | None = None
    per_day: int | None = None
    calls_per_check: int = CALLS_PER_CHECK
    # The pacer's guard (bot/vendor/pacing.py): each of its windows is this much longer, so a
    # second carries a little less; starts are spaced to match, or its queue would grow.
    guard_s: float = 0.0

    @property
    def limited(self) -> bool:
        return any(limit is not None for limit in (self.per_second, self.per_minute, self.per_day))

    @property
    def spacing(self) -> timedelta:
        """The least time between two starts (the per-second limit)."""
        if self.per_second is None:
            return timedelta(0)
        return timedelta(seconds=self.calls_per_check * (1 + self.guard_s) / self.per_second)

    @property
    def checks_per_minute(self) -> int | None:
        """Starts allowed in any 60 s (the per-minute limit, less the headroom); at least 1."""
        if self.per_minute is None:
            return None
        return max(1, math.floor(self.per_minute * (1 - HEADROOM) / self.calls_per_check))

    @property
    def checks_per_day(self) -> int | None:
        """The daily budget in checks."""
        if self.per_day is None:
            return None
        return self.per_day // self.calls_per_check

    @property
    def checks_per_hour(self) -> float | None:
        """Sustained starts per hour under the per-second and per-minute limits (sizing)."""
        rates = []
        if self.per_second is not None:
            rates.append(3600 / self.spacing.total_seconds())
        if (per_minute := self.checks_per_minute) is not None:
            rates.append(per_minute * 60)
        return min(rates) if rates else None


@dataclass(frozen=True, slots=True)
class Ledger:
    """The admissions that bind the next ones: those of the last minute (oldest first) and
    how many were made today (India time)."""

    recent: Sequence[datetime]
    today: int


def schedule(capacity: Capacity, ledger: Ledger, now: datetime, count: int) -> list[datetime]:
    """When the next ``count`` admissions may happen, earliest first (the first may be ``now``).

    The same rules as :func:`admission_allowed`, played forward: the k-th time is when the
    k-th in line gets their turn if nobody leaves or cuts in.
    """
    window: deque[datetime] = deque(t for t in ledger.recent if t > now - MINUTE)
    last = ledger.recent[-1] if ledger.recent else None
    today = ledger.today
    day_end = next_india_midnight(now)
    per_minute, per_day = capacity.checks_per_minute, capacity.checks_per_day
    times: list[datetime] = []
    at = now
    while len(times) < count:
        if last is not None:
            at = max(at, last + capacity.spacing)
        if at >= day_end:
            today, day_end = 0, next_india_midnight(at)
        if per_day is not None and today >= per_day:
            at = day_end  # the budget is spent: the next start is after midnight
            continue
        while window and window[0] <= at - MINUTE:
            window.popleft()
        if per_minute is not None and len(window) >= per_minute:
            at = window[0] + MINUTE
            continue
        times.append(at)
        window.append(at)
        last = at
        today += 1
    return times


def admission_allowed(capacity: Capacity, ledger: Ledger, now: datetime) -> bool:
    """May one more check start now?"""
    if not capacity.limited:
        return True
    return schedule(capacity, ledger, now, 1)[0] <= now


def budget_left(capacity: Capacity, admitted_today: int) -> int | None:
    """Checks left in today's budget (``None``: the plan has no daily limit)."""
    if capacity.checks_per_day is None:
        return None
    return max(0, capacity.checks_per_day - admitted_today)


def wait_minutes(seconds: float) -> int:
    """A wait as the whole minutes a citizen is told, rounded up; 0 means "under a minute"."""
    if seconds < 60:
        return 0
    return math.ceil(seconds / 60)


@dataclass(frozen=True, slots=True)
class Standing:
    """A place in line and its estimate, as told."""

    place: int
    minutes: int


def worth_telling(shown: Standing | None, now: Standing) -> bool:
    """Is ``now`` different enough from what the citizen was last shown to edit the message?"""
    if shown is None:
        return True
    if now.place > shown.place:  # someone went ahead (an assisted check): always say so
        return True
    if now.place != shown.place and (
        now.place <= FRONT_PLACES or now.place <= shown.place * PLACE_STEP
    ):
        return True
    moved = abs(now.minutes - shown.minutes)
    return moved >= max(1, math.ceil(shown.minutes / 4))


def no_show(called_at: datetime, now: datetime, allowed: timedelta) -> bool:
    """Called for their turn and silent for ``allowed``: the turn passes to the next."""
    return now >= called_at + allowed
