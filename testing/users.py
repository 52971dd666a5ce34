"""Scripted users: many people doing a whole check at once, through the fake's control surface.

One long poll (``feed``) brings the bot's messages of every chat; each user reacts like a person
who knows the way (English, I agree, the Aadhaar number, the captcha, the OTP), and all their
answers go back in one ``batch`` request. So a thousand users cost two requests per round,
and the driver stays light next to the bot it measures.

Latency of a step is the fake's own clock from queueing the user's update to recording the
bot's first new message in that chat, minus the latency the sandbox added to the vendor call of
that step (known exactly: a fixed sleep per call).
"""

from __future__ import annotations

import heapq
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum, auto
from typing import Any

from handlers.callbacks import Action
from testing.fake_telegram import FakeTelegramClient, FeedEvent
from testing.procs import CAPTCHA

NUMBER = "987654321096"  # the sandbox's Active fixture (9876 5432 1096)
OTP = "123456"  # the sandbox's OTP
POLL_S = 1.0
TURN = "It is your turn"  # the waiting room's call (locales/en/waiting.ftl)


class Stage(Enum):
    """Where a scripted user is in their check (what they did last, what they wait for)."""

    START = auto()  # sent /start, waiting for the language picker
    LANGUAGE = auto()  # picked English, waiting for the consent notice
    CONSENT = auto()  # agreed, waiting for the Aadhaar prompt
    NUMBER = auto()  # sent the number, waiting for the captcha
    CAPTCHA = auto()  # typed the captcha, waiting for "OTP sent"
    OTP = auto()  # typed the OTP, waiting for the result card
    DONE = auto()
    FAILED = auto()


# Vendor calls the bot makes to answer each step (the sandbox adds its latency to each).
VENDOR_CALLS = {Stage.NUMBER: 1, Stage.CAPTCHA: 1, Stage.OTP: 1}


@dataclass
class User:
    chat_id: int
    stop_at: Stage = Stage.DONE  # a user who stops waiting mid-flow (memory scenario)
    step: Stage = Stage.START
    acted_at: float = 0.0  # fake's monotonic time of the pending action
    answered: bool = True  # the bot has answered the pending action
    in_line: bool = False  # told a place in line (the waiting room), number sent meanwhile
    turn_at: float = 0.0  # when the waiting room gave the turn
    started_at: float = 0.0
    finished_at: float = 0.0
    failure: str = ""

    def react(self, event: FeedEvent) -> tuple[str, dict[str, Any]] | None:
        """The next action after the bot's new message ``event``, if any."""
        step = self.step
        if step is Stage.START and (data := _button(event, Action.LANGUAGE, "en")):
            return self._go(Stage.LANGUAGE, "press", message_id=event.message_id, data=data)
        if step is Stage.LANGUAGE and (data := _button(event, Action.AGREE)):
            return self._go(Stage.CONSENT, "press", message_id=event.message_id, data=data)
        if step is Stage.CONSENT and event.kind == "text" and not event.buttons:
            return self._go(Stage.NUMBER, "send_text", text=NUMBER)
        if step is Stage.CONSENT and _button(event, Action.LEAVE_LINE):
            # In line: the number goes at once (deleted, kept for the turn), as people do.
            self.in_line = True
            return self._go(Stage.NUMBER, "send_text", text=NUMBER)
        if step is Stage.NUMBER and self.in_line and event.kind == "text":
            self.turn_at = self.turn_at or (event.at if event.text.startswith(TURN) else 0.0)
            return None  # "number kept", then "your turn": the captcha follows
        if step is Stage.NUMBER and event.kind == "photo":
            return self._go(Stage.CAPTCHA, "send_text", text=CAPTCHA)
        if step is Stage.CAPTCHA and _button(event, Action.RESEND_OTP):
            return self._go(Stage.OTP, "send_text", text=OTP)
        if step is Stage.OTP and _button(event, Action.CHECK_AGAIN) and "BANK" in event.text:
            self.step = Stage.DONE
            return None
        self.step = Stage.FAILED
        self.failure = f"at {step.name}: {event.text[:80]!r}"
        return None

    def _go(self, step: Stage, action: str, **args: Any) -> tuple[str, dict[str, Any]] | None:
        self.step = step
        if step is self.stop_at:
            return None
        if action == "press":
            args = {"message_id": args["message_id"], "callback_data": args["data"]}
        return action, {"chat_id": self.chat_id, **args}


def _button(event: FeedEvent, action: Action, arg: str | None = None) -> str | None:
    for data in event.buttons:
        kind, _, rest = data.partition("|")
        if kind == action.value and (arg is None or rest.endswith(f"|{arg}")):
            return data
    return None


Planned = tuple[User, str, dict[str, Any]]  # who does what (a control action and its args)


@dataclass
class CrowdResult:
    users: list[User]
    wall_s: float  # first /start queued to the last user done (fake's clock)
    latencies_s: list[float] = field(default_factory=list)  # per update, vendor time taken off

    @property
    def done(self) -> int:
        return sum(u.step is Stage.DONE for u in self.users)

    @property
    def finished(self) -> list[User]:
        return [u for u in self.users if u.step in (Stage.DONE, Stage.FAILED)]

    @property
    def failures(self) -> list[str]:
        return [f"chat {u.chat_id} {u.failure}" for u in self.users if u.step is Stage.FAILED]


class Crowd:
    """Runs ``total`` users through a check, ``concurrency`` of them at any moment: a user who
    finishes is replaced by a new one (a new chat), until ``total`` have started."""

    def __init__(
        self,
        telegram: FakeTelegramClient,
        *,
        first_chat: int,
        total: int,
        concurrency: int | None = None,
        vendor_latency_s: float = 0.0,
        stop_at: Stage = Stage.DONE,
        think_s: tuple[float, float] | None = None,
        seed: int = 0,
    ) -> None:
        self.telegram = telegram
        # A person reads and types: each action waits a uniform draw from ``think_s`` (and
        # each user starts within its upper bound). None: at once, every user in lock-step.
        self.think_s = think_s
        self._rng = random.Random(seed)
        self.total = total
        self.concurrency = concurrency or total
        self.vendor_latency_s = vendor_latency_s
        self.stop_at = stop_at
        self._chats: Iterator[int] = iter(range(first_chat, first_chat + total))
        self.users: dict[int, User] = {}
        self.latencies: list[float] = []
        self._active = 0
        self._due: list[tuple[float, int, Planned]] = []  # (when, tie-break, action) heap
        self._planned = 0

    async def run(self, within_s: float) -> CrowdResult:
        cursor = await self._cursor()
        self._plan([self._new_user() for _ in range(min(self.concurrency, self.total))])
        deadline = time.monotonic() + within_s
        first = last = 0.0
        while True:
            if actions := self._take_due():
                stamps = await self._act(actions)
                first = first or min(stamps, default=0.0)
            if self._active == 0:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self._active} users still mid-check after {within_s} s")
            wait = POLL_S if not self._due else max(self._due[0][0] - time.monotonic(), 0.0)
            events = await self.telegram.feed(cursor, timeout=min(wait, POLL_S))
            for event in events:
                cursor = event.seq
                user = self.users.get(event.chat_id)
                if event.type != "sent" or user is None or user.step in (Stage.DONE, Stage.FAILED):
                    continue
                self._plan(self._on_event(user, event))
                last = max(last, event.at)
        return CrowdResult(list(self.users.values()), max(last - first, 0.0), self.latencies)

    def _plan(self, actions: list[Planned]) -> None:
        now = time.monotonic()
        for action in actions:
            delay = self._rng.uniform(*self.think_s) if self.think_s else 0.0
            self._planned += 1
            heapq.heappush(self._due, (now + delay, self._planned, action))

    def _take_due(self) -> list[Planned]:
        now = time.monotonic()
        due: list[Planned] = []
        while self._due and self._due[0][0] <= now:
            due.append(heapq.heappop(self._due)[2])
        return due

    async def _cursor(self) -> int:
        """Skip what happened before this crowd (warm-up checks)."""
        events = await self.telegram.feed(0, timeout=0)
        return events[-1].seq if events else 0

    def _new_user(self) -> Planned:
        chat_id = next(self._chats)
        user = self.users[chat_id] = User(chat_id, stop_at=self.stop_at)
        self._active += 1
        return user, "send_text", {"chat_id": chat_id, "text": "/start"}

    def _on_event(self, user: User, event: FeedEvent) -> list[Planned]:
        if not user.answered:  # the first answer to the user's last action
            user.answered = True
            # A number typed while waiting is answered ("kept") with no vendor call; the
            # captcha and the OTP of a citizen who waited are answered after one, as for anyone.
            kept = user.in_line and user.step is Stage.NUMBER and event.kind == "text"
            vendor_call = user.step in VENDOR_CALLS and not kept
            waited = self.vendor_latency_s if vendor_call else 0.0
            self.latencies.append(event.at - user.acted_at - waited)
        action = user.react(event)
        if action is not None:
            return [(user, *action)]
        if user.step not in (Stage.DONE, Stage.FAILED, user.stop_at):
            return []  # a message that asks nothing (in line): wait for the next
        self._active -= 1
        user.finished_at = event.at
        if self._started < self.total:
            return [self._new_user()]
        return []

    @property
    def _started(self) -> int:
        return len(self.users)

    async def _act(self, actions: list[Planned]) -> list[float]:
        done = await self.telegram.batch([(name, args) for _, name, args in actions])
        for (user, _, _), result in zip(actions, done, strict=True):
            if result.error is not None:
                user.step, user.failure = Stage.FAILED, f"refused: {result.error}"
                self._active -= 1
                continue
            user.acted_at = result.at
            user.answered = False
            user.started_at = user.started_at or result.at
        return [r.at for r in done if r.error is None]
