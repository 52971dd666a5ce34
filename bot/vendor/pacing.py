"""Client-side pacing under the vendor plan's per-second, per-minute and per-day limits.

A burst of users should queue for a moment rather than collect 429s (and a 429 on generate-otp
costs the user a retry). Each window is a sliding log of the grant times of the last ``limit``
calls: a call may go when the oldest of them has left the window. A sliding window never lets
through more than a fixed (calendar) window would, so this is safe whichever way the vendor
counts. Callers are served in arrival order (FIFO) within two classes: *urgent* calls, those of
a check already under way (its generate-otp and verify-otp, a new captcha picture), go before
the calls that start a check. The waiting room admits checks at the plan's full rate, so the
pacer runs near 100 %: served FIFO, a moment's bunching of starts (a turn's messages delayed
behind Telegram's send limit) built a queue that the started checks' calls then sat in ("OTP
sent" and the result 2 to 5 s late in the surge benchmark). Served first, they pass a queue
of starts instead, which only delays the next turn's captcha. The head of the queue holds the
turn while it waits; a start that finds an urgent call queued when its slot comes hands the
turn over.

Time comes from the injected clock and waiting from the injected sleep, so tests move a fake
clock instead of waiting. Counts live in memory: a restart forgets the day's tally.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.vendor.config import RateLimits

Sleep = Callable[[float], Awaitable[None]]


class PacingTimeout(Exception):
    """The wait for a free slot would exceed the pacer's ``max_wait_s``."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"pacing would wait {retry_after:.1f} s")
        self.retry_after = retry_after


@dataclass(slots=True)
class _Window:
    limit: int
    span: timedelta
    grants: deque[datetime] = field(default_factory=deque)

    def wait(self, now: datetime) -> timedelta:
        """How long until one more call fits in this window (zero if it fits now)."""
        while self.grants and self.grants[0] <= now - self.span:
            self.grants.popleft()
        if len(self.grants) < self.limit:
            return timedelta(0)
        # Capped at the span, so a wall clock stepping backwards cannot stall the queue longer.
        return min(self.span, self.grants[0] + self.span - now)


class Pacer:
    """Holds each caller until a call fits under every configured limit: urgent calls first,
    then the rest, first come first served within each."""

    def __init__(
        self,
        limits: RateLimits,
        *,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        max_wait_s: float | None = None,
        guard_s: float = 0.0,
    ) -> None:
        # ``guard_s`` widens every window a little: a call reaches the vendor's limiter a
        # moment after we grant it, and a late one must not land in the next window's count.
        guard = timedelta(seconds=guard_s)
        spans = (
            (limits.per_second, timedelta(seconds=1) + guard),
            (limits.per_minute, timedelta(minutes=1) + guard),
            (limits.per_day, timedelta(days=1)),
        )
        self._windows = [_Window(limit, span) for limit, span in spans if limit is not None]
        self._clock = clock
        self._sleep = sleep
        self._max_wait = None if max_wait_s is None else timedelta(seconds=max_wait_s)
        # Callers waiting for the turn, urgent ones first (FIFO within each); the turn is taken
        # while ``_busy`` (an ``asyncio.Lock`` with two classes of waiters).
        self._waiting: tuple[deque[asyncio.Future[None]], ...] = (deque(), deque())
        self._busy = False
        self._queued = 0

    @property
    def queue_length(self) -> int:
        """Callers waiting for a slot right now (for metrics)."""
        return self._queued

    async def acquire(self, *, urgent: bool = False) -> None:
        """Return when one call may be sent, and count it as sent. ``urgent``: a call of a
        check under way, served before the calls that start one.

        Raises :class:`PacingTimeout` instead when the wait (queueing included) would pass
        ``max_wait_s``; the exception carries the wait that was still ahead.
        """
        if not self._windows:
            return
        deadline = None if self._max_wait is None else self._clock.now() + self._max_wait
        self._queued += 1
        holding = False
        try:
            holding = await self._take_turn(self._waiting[0 if urgent else 1].append)
            while True:
                now = self._clock.now()
                wait = max(window.wait(now) for window in self._windows)
                if not wait and not urgent and self._waiting[0]:
                    # An urgent call came while this start waited: it takes this slot.
                    holding = False
                    self._pass_turn()
                    holding = await self._take_turn(self._waiting[1].appendleft)
                    continue
                if not wait:
                    for window in self._windows:
                        window.grants.append(now)
                    return
                if deadline is not None and now + wait > deadline:
                    raise PacingTimeout(wait.total_seconds())
                await self._sleep(wait.total_seconds())
        finally:
            self._queued -= 1
            if holding:
                self._pass_turn()

    async def _take_turn(self, enqueue: Callable[[asyncio.Future[None]], None]) -> bool:
        """Wait for the turn (at once if nobody has it or waits for it); True once held."""
        if not self._busy and not any(self._waiting):
            self._busy = True
            return True
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        enqueue(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._pass_turn()  # handed over just as the caller gave up: pass it on
            else:
                for queue in self._waiting:
                    with contextlib.suppress(ValueError):
                        queue.remove(turn)
            raise
        return True

    def _pass_turn(self) -> None:
        """Hand the turn to the first waiter, urgent ones first (or free it)."""
        for queue in self._waiting:
            while queue:
                turn = queue.popleft()
                if not turn.done():
                    turn.set_result(None)
                    return
        self._busy = False
