"""The waiting room: checks start at the rate the vendor plan can finish them; the rest wait in
line, told their place and an honest estimate (the rules: bot/domain/waiting.py; what the
citizen sees: handlers/waiting.py).

**Who admits.** The line and every admission are rows in the store, so a place survives a
restart and an HA failover, and the admissions of the last minute and of today pace the next
ones whichever process made them. Each process admits one *lane*: the chats its worker handles
(``chat_id mod BOT_WORKERS``, bot/runtime/workers.py), against that worker's share of the plan (the
same share its vendor pacer keeps to). Admissions of one lane are decided under one lock, by one
process: the instance that takes updates (the HA leader; a worker of a standby instance has
handled no update and admits nothing). So the number typed while waiting, held in that
process's memory, is there when the turn comes.

**How.** :meth:`WaitingRoom.tick` runs every ``WAITING_ROOM_TICK_S``: it gives turns while the
plan allows, notices the called who did not come, and works out every waiting citizen's place
and estimate; handlers/waiting.py tells them. A turn or a no-show is handed to the chat as a
:class:`RoomCall`, a synthetic update that runs in the chat's order with its own updates (bot/
concurrency.py), so it never races the citizen's own messages.

**Telegram's limit.** Messages that queue behind the send limiter (``TELEGRAM_SENDS_PER_SECOND``)
count: no turn is given while more than :data:`MAX_SEND_BACKLOG_S` of sends are queued (the
turn's messages would only queue behind them, in silence), and the backlog is added to every
estimate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telegram import Chat, Update, User
from telegram.constants import ChatType
from telegram.ext import AIORateLimiter

from bot.clock import Clock
from bot.domain.policy import india_day_start, next_india_midnight
from bot.domain.waiting import (
    MINUTE,
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
from bot.observability import metrics
from bot.store.base import LineEntry, Store

log = logging.getLogger(__name__)

# No turn is given while more than this many seconds of sends wait behind the send limiter.
MAX_SEND_BACKLOG_S = 2.0
# Place messages edited per tick at most, the front of the line first (ticks are 0.5 s by
# default: 10 edits a second, a third of Telegram's ~30 messages a second for the whole bot).
EDITS_PER_TICK = 5
# A worker (BOT_WORKERS > 1) admits only while its instance hands it updates: one that has
# handled none for this long is taken to be a standby's (see the module's docstring).
WORKER_IDLE_AFTER = timedelta(minutes=10)

TURN = "turn"
NO_SHOW = "no_show"


class RoomCall(Update):
    """The waiting room's word to one chat (its turn, or a missed turn), put on the
    application's update queue so that it runs in that chat's order, after whatever the chat
    sent before it. It carries no message: nothing to delete, nothing to answer."""

    __slots__ = ("check_id", "kind")

    def __init__(self, kind: str, entry: LineEntry) -> None:
        super().__init__(update_id=0)
        with self._unfrozen():
            self.kind = kind
            self.check_id = entry.check_id
            self._effective_chat = Chat(entry.chat_id, ChatType.PRIVATE)
            self._effective_user = User(entry.user_id, "-", is_bot=False)


# What Telegram limits to about 30 a second per bot: messages sent to chats. Edits, deletions,
# chat actions and callback answers are not messages; they pass at once (a 429 for one of them is
# still waited out by the limiter). Above all, deleting a typed Aadhaar number or OTP must never
# queue behind seconds of other users' sends.
MESSAGE_SENDS = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "sendAnimation",
        "sendVideo", "sendAudio", "sendVoice", "sendVideoNote", "sendSticker", "sendLocation",
        "sendVenue", "sendContact", "sendPoll", "sendDice", "sendInvoice", "sendPaidMedia",
        "copyMessage", "copyMessages", "forwardMessage", "forwardMessages",
    }
)  # fmt: skip


class CountingRateLimiter(AIORateLimiter):
    """python-telegram-bot's rate limiter, applied to message sends only (``MESSAGE_SENDS``),
    that also says how many sends wait behind it."""

    def __init__(self, overall_max_rate: float, **kwargs: Any) -> None:
        super().__init__(overall_max_rate=overall_max_rate, **kwargs)
        self.rate = overall_max_rate
        self.in_flight = 0

    async def process_request(
        self,
        callback: Any,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        # The base class limits every request that names a chat; without ``chat_id`` in what it
        # classifies by, a request skips the buckets but keeps the retry-after handling. (The
        # request itself is ``callback(*args, **kwargs)``: ``data`` only classifies it.)
        counted = endpoint in MESSAGE_SENDS and data.get("chat_id") is not None
        if not counted:
            data = {key: value for key, value in data.items() if key != "chat_id"}
        self.in_flight += counted
        try:
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        finally:
            self.in_flight -= counted

    def backlog_s(self) -> float:
        """Seconds of sends queued now (the one being sent not counted)."""
        return max(0, self.in_flight - 1) / self.rate if self.rate else 0.0


Announce = Callable[[LineEntry, Standing], Awaitable[None]]
Call = Callable[[str, LineEntry], Awaitable[None]]


async def _nothing(*_: object) -> None:
    return None


@dataclass
class WaitingRoom:
    capacity: Capacity
    store: Store
    clock: Clock
    no_show_after: timedelta
    assisted_first: bool = True
    lane: int = 0
    lanes: int = 1
    # How many seconds of sends queue behind the send limiter now (app.py sets it).
    send_backlog: Callable[[], float] = lambda: 0.0
    # Whether this process admits now (the HA leader; see the module's docstring).
    active: Callable[[], bool] = lambda: True
    # What handlers/waiting.py does with a turn or a no-show, and with a new estimate.
    call: Call = _nothing
    announce: Announce = _nothing
    line_length: int = 0
    budget: int | None = None
    next_turn_at: datetime | None = None  # when the head of the line may go (None: nobody waits)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # The ledger as this process last read or wrote it. Only this process admits its lane, so
    # it never holds more admissions than the store: when it says "not yet", that is so, and
    # a surge's arrivals are told without a query each.
    _known: Ledger | None = None
    _shown: dict[int, Standing] = field(default_factory=dict)
    _told_no_show: set[int] = field(default_factory=set)

    @property
    def limited(self) -> bool:
        return self.capacity.limited

    def lane_of(self, chat_id: int) -> int:
        return chat_id % self.lanes

    def priority(self, assisted: bool) -> int:
        return 0 if assisted and self.assisted_first else 1

    def showed(self, chat_id: int, standing: Standing) -> None:
        """``standing`` is what the chat's place message says now."""
        self._shown[chat_id] = standing

    # ---------------------------------------------------------------- the ledger
    async def _ledger(self, now: datetime) -> Ledger:
        recent = await self.store.admissions_since(self.lane, now - MINUTE)
        today = await self.store.count_admissions(self.lane, india_day_start(now))
        return Ledger(recent, today)

    def _in_order(self, entries: list[LineEntry]) -> list[LineEntry]:
        """The waiting (not yet called) entries, first in line first."""
        waiting = [e for e in entries if e.called_at is None]
        if self.assisted_first:
            waiting.sort(key=lambda e: (e.priority, e.id or 0))
        return waiting

    def _sends_clear(self) -> bool:
        return self.send_backlog() <= MAX_SEND_BACKLOG_S

    # ---------------------------------------------------------------- a citizen arrives
    async def resumes_at(self) -> datetime | None:
        """When today's budget is spent: when checks resume (midnight, India time)."""
        if self.capacity.checks_per_day is None:
            return None
        now = self.clock.now()
        today = await self.store.count_admissions(self.lane, india_day_start(now))
        self.budget = budget_left(self.capacity, today)
        return next_india_midnight(now) if self.budget == 0 else None

    async def admit_now(self, chat_id: int, *, assisted: bool) -> bool:
        """Start a check now, if nobody it must not pass is waiting and the plan allows it."""
        if not self.limited:
            return True
        priority = self.priority(assisted)
        async with self._lock:
            now = self.clock.now()
            if self.line_length and not (assisted and self.assisted_first):
                return False  # people waited at the last tick: no cutting in
            if self._known is not None and not admission_allowed(self.capacity, self._known, now):
                return False
            line = self._in_order(await self.store.line(self.lane))
            if any(e.priority <= priority or not self.assisted_first for e in line):
                return False
            if not self._sends_clear():
                return False
            ledger = await self._ledger(now)
            if not admission_allowed(self.capacity, ledger, now):
                return False
            await self.store.admit(self.lane, now)
            self._known = Ledger([*ledger.recent, now], ledger.today + 1)
            self.budget = budget_left(self.capacity, self._known.today)
        metrics.admitted(0.0)
        return True

    async def standing_of(self, chat_id: int) -> Standing | None:
        """The chat's place in line and estimate now (None: not waiting)."""
        now = self.clock.now()
        line = self._in_order(await self.store.line(self.lane))
        places = [e.chat_id for e in line]
        if chat_id not in places:
            return None
        place = places.index(chat_id) + 1
        ledger = self._known or await self._ledger(now)
        at = schedule(self.capacity, ledger, now, place)[-1]
        return Standing(place, wait_minutes((at - now).total_seconds() + self.send_backlog()))

    # ---------------------------------------------------------------- the line moves
    async def tick(self) -> None:
        """Give the turns the plan allows, notice no-shows, and re-estimate every place."""
        if not self.limited or not self.active():
            return
        async with self._lock:
            now = self.clock.now()
            entries = await self.store.line(self.lane)
            waiting = self._in_order(entries)
            ledger = await self._ledger(now)
            turns: list[LineEntry] = []
            while waiting and self._sends_clear() and admission_allowed(self.capacity, ledger, now):
                head = waiting.pop(0)
                if await self.store.admit(self.lane, now, chat_id=head.chat_id):
                    turns.append(head)
                    ledger = Ledger([*ledger.recent, now], ledger.today + 1)
                    metrics.admitted((now - head.joined_at).total_seconds())
            called = [e for e in entries if e.called_at is not None]
            missed = [
                e
                for e in called
                if e.called_at is not None
                and no_show(e.called_at, now, self.no_show_after)
                and e.chat_id not in self._told_no_show
            ]
            backlog = self.send_backlog()
            times = schedule(self.capacity, ledger, now, len(waiting))
            news: list[tuple[LineEntry, Standing]] = []
            for place, (entry, at) in enumerate(zip(waiting, times, strict=True), start=1):
                standing = Standing(place, wait_minutes((at - now).total_seconds() + backlog))
                if worth_telling(self._shown.get(entry.chat_id), standing):
                    news.append((entry, standing))
            self.line_length = len(waiting)
            self._known = ledger
            self.next_turn_at = times[0] if times else None
            self.budget = budget_left(self.capacity, ledger.today)
            still = {e.chat_id for e in waiting}
            self._shown = {c: s for c, s in self._shown.items() if c in still}
            self._told_no_show &= {e.chat_id for e in called}
            self._told_no_show.update(e.chat_id for e in missed)
        for entry in turns:
            await self.call(TURN, entry)
        for entry in missed:
            await self.call(NO_SHOW, entry)
        news = news[:EDITS_PER_TICK]
        for entry, standing in news:
            self._shown[entry.chat_id] = standing
        await asyncio.gather(*(self.announce(entry, standing) for entry, standing in news))

    def _pause(self, every_s: float) -> float:
        """Until the next tick: ``every_s``, or sooner when the head's turn is due sooner (a
        turn given late is capacity lost: the next one is spaced from it)."""
        if self.next_turn_at is None:
            return every_s
        due = (self.next_turn_at - self.clock.now()).total_seconds()
        return min(every_s, max(due, 0.01))

    @contextlib.asynccontextmanager
    async def ticking(self, every_s: float) -> AsyncIterator[None]:
        """Run :meth:`tick` every ``every_s`` seconds while the block runs (0: never; tests
        call ``tick`` themselves after moving their clock)."""
        if not every_s or not self.limited:
            yield
            return

        async def loop() -> None:
            while True:
                try:
                    await self.tick()
                except Exception as exc:  # the store or Telegram failing must not stop the line
                    log.warning("waiting.tick_failed", extra={"error": type(exc).__name__})
                await asyncio.sleep(self._pause(every_s))

        task = asyncio.create_task(loop())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def worker_activity(clock: Clock) -> tuple[Callable[[], None], Callable[[], bool]]:
    """For a worker process: a function to call on every update it handles, and whether it
    has handled one lately (its instance leads; see :data:`WORKER_IDLE_AFTER`)."""
    last: list[datetime | None] = [None]

    def seen() -> None:
        last[0] = clock.now()

    def active() -> bool:
        return last[0] is not None and clock.now() - last[0] < WORKER_IDLE_AFTER

    return seen, active
