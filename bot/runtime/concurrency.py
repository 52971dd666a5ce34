"""Updates of different chats run concurrently; those of one chat run in order.

python-telegram-bot processes one update at a time by default, so one user's slow vendor call
stalls everybody (a 1 s handler: 200 chats took 200 s). ``concurrent_updates=True`` alone breaks
per-chat ordering (an OTP could be handled before the captcha that precedes it).

This processor takes a lock per chat, then one of ``max_concurrent_updates`` running slots (CPU
per update rose 3-4x at 256 in flight against 16). PTB's own semaphore, taken before we see the
update, is sized ``QUEUE_FACTOR`` times larger (and at least ``MIN_WAITING``): it only bounds how
many updates may wait, so a chat that floods us cannot hold the running slots idle behind its
own lock.

A running slot is for work on this process's CPU. An update that waits for the vendor (a second
or more per call, paced under the plan's rate limit) gives its slot back meanwhile (``off_slot``,
used by :class:`OffSlotVendor`) and takes one again to answer: with the slot held, 32 slots and
a 1 s vendor made 200 users wait 23 s for what takes one user 3 s. The chat lock stays held, so
one chat's updates still run in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.vendor.types import Captcha, OtpSent, SeedingResult, SeedingVendor

QUEUE_FACTOR = 8
# Updates waiting on the vendor hold no running slot, so this many may be in flight at once
# (a thousand users each waiting for their OTP is normal; they cost memory, not CPU).
MIN_WAITING = 4096

_T = TypeVar("_T")


class _Slot:
    """The running slot of one update, if it holds one right now."""

    __slots__ = ("held", "semaphore")

    def __init__(self, semaphore: asyncio.BoundedSemaphore) -> None:
        self.semaphore = semaphore
        self.held = False

    async def take(self) -> None:
        await self.semaphore.acquire()
        self.held = True

    def give_back(self) -> None:
        if self.held:
            self.held = False
            self.semaphore.release()


_current_slot: ContextVar[_Slot | None] = ContextVar("running_slot", default=None)
# Confirms the update being processed to its source ahead of its end (see confirm_early).
_confirm: ContextVar[Callable[[], None] | None] = ContextVar("confirm_update", default=None)


def confirm_early() -> None:
    """Let the update being processed be confirmed to Telegram now, before it is done: its
    check has just saved, durably, that it waits for the vendor (``awaiting_vendor``), and a
    process that dies meanwhile leaves that mark for the next start to answer
    (bot/runtime/recovery.py). Otherwise an update waiting seconds on the vendor would hold
    getUpdates' offset, and with it the window of 100 updates every other chat's updates must fit
    in. Outside an update (tests, jobs) it does nothing."""
    confirm = _confirm.get()
    if confirm is not None:
        confirm()


@contextlib.asynccontextmanager
async def off_slot() -> AsyncIterator[None]:
    """Run the block without holding this update's running slot (a long wait on I/O); take a
    slot again before going on. Outside an update (tests, jobs) it does nothing."""
    slot = _current_slot.get()
    if slot is None or not slot.held:
        yield
        return
    slot.give_back()
    try:
        yield
    finally:
        await slot.take()


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """``on_done(seconds)`` hears how long each update took from here to its end (metrics)."""

    def __init__(
        self, max_running_updates: int, on_done: Callable[[float], None] | None = None
    ) -> None:
        super().__init__(max(max_running_updates * QUEUE_FACTOR, MIN_WAITING))
        self._on_done = on_done
        # Hears the id of each update once it is fully handled (bot/runtime/updates.py: the update
        # source confirms it to Telegram then). Set by whoever feeds this processor.
        self.on_handled: Callable[[int], None] | None = None
        self.max_running_updates = max_running_updates
        self._running = asyncio.BoundedSemaphore(max_running_updates)
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self._waiters: dict[int, int] = {}
        self.in_flight = 0  # updates handed to us and not finished (waiting or running)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        self.in_flight += 1
        started = time.perf_counter()
        confirmed = False

        def confirm() -> None:
            nonlocal confirmed
            if not confirmed and self.on_handled is not None and isinstance(update, Update):
                confirmed = True
                self.on_handled(update.update_id)

        token = _confirm.set(confirm)
        try:
            await self._process_in_order(_chat_key(update), coroutine)
        finally:
            _confirm.reset(token)
            self.in_flight -= 1
            if self._on_done is not None:
                self._on_done(time.perf_counter() - started)
        # Not when cancelled (the process stopping mid-update): Telegram must deliver it again.
        confirm()

    async def _process_in_order(self, chat_id: int | None, coroutine: Awaitable[Any]) -> None:
        if chat_id is None:
            await self._run_in_slot(coroutine)
            return
        lock = self._chat_locks.setdefault(chat_id, asyncio.Lock())
        self._waiters[chat_id] = self._waiters.get(chat_id, 0) + 1
        try:
            async with lock:
                await self._run_in_slot(coroutine)
        finally:
            self._waiters[chat_id] -= 1
            if self._waiters[chat_id] == 0:  # forget idle chats: memory stays flat
                del self._waiters[chat_id]
                del self._chat_locks[chat_id]

    async def _run_in_slot(self, coroutine: Awaitable[Any]) -> None:
        slot = _Slot(self._running)
        await slot.take()
        token = _current_slot.set(slot)
        try:
            await coroutine
        finally:
            _current_slot.reset(token)
            slot.give_back()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def _chat_key(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class OffSlotVendor:
    """A :class:`SeedingVendor` whose calls hold no running slot while they wait (``off_slot``):
    the vendor's latency and the pacer's queue cost this process nothing but memory."""

    def __init__(self, inner: SeedingVendor) -> None:
        self.inner = inner
        self.captcha_enabled = inner.captcha_enabled

    async def initiate_session(self) -> Captcha:
        return await _off_slot(self.inner.initiate_session)

    async def reload_captcha(self, session_id: str) -> Captcha:
        return await _off_slot(lambda: self.inner.reload_captcha(session_id))

    async def generate_otp(
        self, aadhaar_number: str, *, session_id: str | None, captcha: str | None
    ) -> OtpSent:
        return await _off_slot(
            lambda: self.inner.generate_otp(aadhaar_number, session_id=session_id, captcha=captcha)
        )

    async def verify_otp(self, reference_id: str, otp: str) -> SeedingResult:
        return await _off_slot(lambda: self.inner.verify_otp(reference_id, otp))

    async def aclose(self) -> None:
        await self.inner.aclose()


async def _off_slot(call: Callable[[], Awaitable[_T]]) -> _T:
    async with off_slot():
        return await call()
