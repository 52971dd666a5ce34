"""The one update pipeline: updates come from Telegram (our own long polling or the webhook) and
are confirmed to Telegram only once they are handled.

Telegram keeps an update for 24 hours until the bot confirms it: by asking getUpdates for a
higher ``offset``, or by answering a webhook delivery with 2xx. That is the durable inbox the
bot needs (the rules forbid writing a message that may hold an Aadhaar number or OTP to disk).
So nothing is confirmed early:

* :class:`HandledTracker` knows which update ids are in flight and which are handled; the offset
  sent to Telegram is the lowest id still in flight (a contiguous prefix: updates of other chats
  handled meanwhile are confirmed with it once it is done). An update delivered again while in
  flight, or once handled, is not handled twice.
* :func:`poll_updates` is the only long-polling loop (one process and the workers' fan-out
  alike). It reads raw JSON; each update is parsed on its own (``parse_update``), so one that
  python-telegram-bot cannot read is *set aside*: logged once, by update id and error type
  (never its content), and counted as handled so the offset moves past it. Everybody else's
  updates flow meanwhile.
* The webhook (bot/runtime/webhook.py) answers 200 only once the update is handled.

The handling side reports "handled" through :meth:`HandledTracker.handled`: in one process the
update processor does (bot/runtime/concurrency.py); with worker processes each worker writes the id
on its status pipe (bot/runtime/workers.py). An update that waits on the vendor is reported as soon
as its check has saved that it waits (handlers/turn.py: ``Turn.vendor_call``), so that seconds of
vendor latency do not hold the offset, and getUpdates' window of 100 with it;
bot/runtime/recovery.py answers that user if the process dies before the vendor does. A process that
dies leaves its unconfirmed updates with Telegram, which delivers them again to whoever runs next;
handlers recognise one they had already applied (``FlowState.last_update_id``, handlers/turn.py).
docs/reliability.md says why and what this costs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import aiohttp
from telegram import Bot, Update

from bot.config import Settings
from bot.runtime.leader import Leadership, leading

log = logging.getLogger(__name__)

# Long polling: how long getUpdates waits on Telegram's side for something to arrive.
POLL_TIMEOUT_S = 10
POLL_RETRY_S = (0.5, 1.0, 2.0, 5.0, 10.0)  # after a failed getUpdates, growing
# While updates are in flight, getUpdates answers at once with them (they are not confirmed),
# so every poll carries them all again: poll again once one is handled, or after REPOLL_S to
# pick up new chats meanwhile, but while some are still in flight never sooner than MIN_REPOLL_S
# after the last poll: polling on every handled update cost a fifth more CPU per check at 100
# users (bench/README.md); 50 ms coalesces those polls, at the price of up to 50 ms more before
# a new chat's first look under load. Once nothing is in flight, the next poll goes at once.
REPOLL_S = 0.2
MIN_REPOLL_S = 0.05
# Handled ids kept to recognise a webhook delivery repeated after its 200 was lost.
REMEMBER_HANDLED = 10_000

Deliver = Callable[[Mapping[str, Any]], Awaitable[None]]
Readiness = Callable[[], Awaitable[dict[str, bool]]]


class HandledTracker:
    """Update ids in flight and handled. Pure bookkeeping (no I/O), one per update source."""

    def __init__(self) -> None:
        self._in_flight: dict[int, asyncio.Future[None]] = {}
        self._handled: set[int] = set()
        self._handled_order: deque[int] = deque()
        self._highest: int | None = None
        self._progress = asyncio.Event()
        self.set_aside = 0  # updates that could not be handled (metrics, tests)

    def take(self, update_id: int) -> bool:
        """Note ``update_id`` as taken for handling; False if it is already in flight or handled
        (a delivery repeated by Telegram: nothing to do)."""
        if update_id in self._in_flight or update_id in self._handled:
            return False
        self._in_flight[update_id] = asyncio.get_running_loop().create_future()
        if self._highest is None or update_id > self._highest:
            self._highest = update_id
        return True

    def handled(self, update_id: int) -> None:
        """The update is fully handled: it may be confirmed to Telegram."""
        waiter = self._in_flight.pop(update_id, None)
        if waiter is None:
            return
        if not waiter.done():
            waiter.set_result(None)
        self._handled.add(update_id)
        self._handled_order.append(update_id)
        while len(self._handled_order) > REMEMBER_HANDLED:
            self._handled.discard(self._handled_order.popleft())
        self._progress.set()

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    @property
    def floor(self) -> int:
        """The lowest id that may still need handling (everything below is handled)."""
        if self._in_flight:
            return min(self._in_flight)
        return (self._highest or 0) + 1

    @property
    def offset(self) -> int | None:
        """The getUpdates offset to send: never past an update that is not handled."""
        return None if self._highest is None else self.floor

    async def wait_handled(self, update_id: int) -> None:
        """Until ``update_id`` is handled (at once if it is, or was never taken)."""
        waiter = self._in_flight.get(update_id)
        if waiter is not None:
            await asyncio.shield(waiter)

    async def wait_progress(self, seconds: float) -> None:
        """Until some update is handled, or ``seconds`` pass."""
        self._progress.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._progress.wait(), seconds)


def parse_update(data: Mapping[str, Any], bot: Bot) -> Update | None:
    """``data`` as python-telegram-bot's Update, or None when the library cannot read it (an
    update type or field its Bot API version does not know, a malformed value). Logged once by
    id and error type: the content may hold other people's messages."""
    try:
        return Update.de_json(dict(data), bot)
    except Exception as exc:  # whatever the library raises on data it cannot read
        log.error(
            "update.set_aside",
            extra={"update_id": data.get("update_id"), "error": type(exc).__name__},
        )
        return None


class BotApiError(Exception):
    """An answer with ``ok: false`` from the Bot API."""

    def __init__(self, method: str, payload: Mapping[str, Any]) -> None:
        self.code = int(payload.get("error_code") or 0)
        self.description = str(payload.get("description") or "no description")
        parameters = payload.get("parameters")
        self.retry_after = (
            float(parameters.get("retry_after", 0)) if isinstance(parameters, Mapping) else 0.0
        )
        super().__init__(f"{method}: {self.code} {self.description}")


class RawBotApi:
    """The few Bot API calls the update source makes itself, on raw JSON (updates are parsed
    one by one, by whoever handles them)."""

    def __init__(self, base_url: str, token: str) -> None:
        self._base = f"{base_url}{token}"
        self.bot_id = token.split(":", 1)[0]
        self._session = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())

    async def call(self, method: str, params: Mapping[str, Any], *, wait_s: float = 10.0) -> Any:
        """The call's ``result``; raises ``BotApiError`` for an answer with ``ok: false``."""
        timeout = aiohttp.ClientTimeout(total=wait_s)
        async with self._session.post(
            f"{self._base}/{method}", json=params, timeout=timeout
        ) as response:
            payload = await response.json(content_type=None)
        if not isinstance(payload, dict) or not payload.get("ok"):
            raise BotApiError(method, payload if isinstance(payload, dict) else {})
        return payload.get("result")

    async def set_webhook(self, **params: Any) -> Any:
        return await self.call("setWebhook", params)

    async def aclose(self) -> None:
        await self._session.close()


async def poll_updates(api: RawBotApi, tracker: HandledTracker, deliver: Deliver) -> None:
    """Long polling, forever. Each new update is ``deliver``-ed (taken for handling); the offset
    sent with the next getUpdates is the tracker's: Telegram forgets what lies below it."""
    webhook_deleted = False
    failures = 0
    loop = asyncio.get_running_loop()
    polled_at = -MIN_REPOLL_S
    while True:
        if tracker.in_flight:
            await tracker.wait_progress(REPOLL_S)
            if tracker.in_flight:  # a poll now would carry them all again: space polls out
                await asyncio.sleep(max(0.0, polled_at + MIN_REPOLL_S - loop.time()))
        polled_at = loop.time()
        params: dict[str, Any] = {"timeout": POLL_TIMEOUT_S, "allowed_updates": Update.ALL_TYPES}
        if tracker.offset is not None:
            params["offset"] = tracker.offset
        try:
            if not webhook_deleted:  # polling and a webhook exclude each other
                await api.call("deleteWebhook", {"drop_pending_updates": False})
                webhook_deleted = True
            batch = await api.call("getUpdates", params, wait_s=POLL_TIMEOUT_S + 10)
        except BotApiError as exc:
            if exc.code == 401:
                raise  # the token was revoked: nothing to retry
            failures += 1
            wait = max(exc.retry_after, POLL_RETRY_S[min(failures, len(POLL_RETRY_S)) - 1])
            log.warning("poll.failed", extra={"error": exc.code, "retry_in_s": wait})
            await asyncio.sleep(wait)
            continue
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            failures += 1
            wait = POLL_RETRY_S[min(failures, len(POLL_RETRY_S)) - 1]
            log.warning("poll.failed", extra={"error": type(exc).__name__, "retry_in_s": wait})
            await asyncio.sleep(wait)
            continue
        failures = 0
        for update in batch if isinstance(batch, list) else ():
            update_id = update.get("update_id") if isinstance(update, dict) else None
            if isinstance(update_id, int) and tracker.take(update_id):
                await deliver(update)


@contextlib.asynccontextmanager
async def polling(api: RawBotApi, tracker: HandledTracker, deliver: Deliver) -> AsyncIterator[None]:
    """:func:`poll_updates` in the background for the duration of the block."""
    task = asyncio.create_task(poll_updates(api, tracker, deliver), name="polling")
    task.add_done_callback(_said_if_failed)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):  # said when it ended
            await task


def _said_if_failed(task: asyncio.Task[None]) -> None:
    """Polling only ends by itself on a revoked token or a dead worker: say which, at once."""
    if not task.cancelled() and task.exception() is not None:
        log.error("poll.stopped", extra={"error": type(task.exception()).__name__})


def update_source(
    settings: Settings,
    api: RawBotApi,
    tracker: HandledTracker,
    deliver: Deliver,
    ready: Readiness,
) -> Callable[[], contextlib.AbstractAsyncContextManager[object]]:
    """Where updates come from, BOT_MODE=polling or webhook: started anew each time this
    instance becomes the leader."""
    if settings.bot_mode == "webhook":
        from bot.runtime.webhook import serving_webhook

        return lambda: serving_webhook(settings, tracker, deliver, ready, api.set_webhook)
    return lambda: polling(api, tracker, deliver)


@contextlib.asynccontextmanager
async def taking_updates(
    settings: Settings,
    bot_id: str,
    source: Callable[[], contextlib.AbstractAsyncContextManager[object]],
    before: Callable[[], Awaitable[object]],
) -> AsyncIterator[Leadership | None]:
    """Leadership, applied once for every topology: run ``source`` at once with SQLite (one
    instance), or, with PostgreSQL, whenever this instance is the leader (bot/runtime/leader.py);
    ``before`` runs first each time (bot/runtime/recovery.py: answer the users a dead leader left
    waiting). Yields at once either way: a standby runs, waiting for its turn."""

    @contextlib.asynccontextmanager
    async def started() -> AsyncIterator[None]:
        try:
            await before()
        except Exception as exc:  # the users are not told; taking updates matters more
            log.error("recovery.failed", extra={"error": type(exc).__name__})
        async with source():
            yield

    if not settings.uses_postgres:
        async with started():
            yield None
        return
    leadership = Leadership(
        settings.database_url, bot_id, check_every_s=settings.ha_check_interval_s
    )
    async with leading(leadership, started):
        yield leadership
