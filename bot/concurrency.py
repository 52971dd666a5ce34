"""Updates of different chats run concurrently; those of one chat run in order.

python-telegram-bot processes one update at a time by default, so one user's slow vendor call
stalls everybody (a 1 s handler: 200 chats took 200 s). ``concurrent_updates=True`` alone breaks
per-chat ordering (an OTP could be handled before the captcha that precedes it).

This processor takes a lock per chat, then one of ``max_concurrent_updates`` running slots (CPU
per update rose 3-4x at 256 in flight against 16). PTB's own semaphore, taken before we see the
update, is sized ``QUEUE_FACTOR`` times larger: it only bounds how many updates may wait, so a
chat that floods us cannot hold the running slots idle behind its own lock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

QUEUE_FACTOR = 8


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_running_updates: int) -> None:
        super().__init__(max_running_updates * QUEUE_FACTOR)
        self.max_running_updates = max_running_updates
        self._running = asyncio.BoundedSemaphore(max_running_updates)
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self._waiters: dict[int, int] = {}
        self.in_flight = 0  # updates handed to us and not finished (waiting or running)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        self.in_flight += 1
        try:
            await self._process_in_order(_chat_key(update), coroutine)
        finally:
            self.in_flight -= 1

    async def _process_in_order(self, chat_id: int | None, coroutine: Awaitable[Any]) -> None:
        if chat_id is None:
            async with self._running:
                await coroutine
            return
        lock = self._chat_locks.setdefault(chat_id, asyncio.Lock())
        self._waiters[chat_id] = self._waiters.get(chat_id, 0) + 1
        try:
            async with lock, self._running:
                await coroutine
        finally:
            self._waiters[chat_id] -= 1
            if self._waiters[chat_id] == 0:  # forget idle chats: memory stays flat
                del self._waiters[chat_id]
                del self._chat_locks[chat_id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def _chat_key(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None
