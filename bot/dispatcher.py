"""The dispatcher of an instance with worker processes (bot/workers.py): takes the updates
from Telegram (long polling or the webhook) while this instance leads, and hands each to its
chat's worker. It never parses an update beyond finding its chat (bot/workers.py: chat_key).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
from telegram import Update

from bot.config import Settings
from bot.leader import Leadership, leader_gauge, leading
from bot.metrics import LiveValues, serving_metrics
from bot.store.base import Store
from bot.workers import Deliver, WorkerPool

log = logging.getLogger(__name__)

POLL_TIMEOUT_S = 10  # as bot/app.py: getUpdates waits this long on Telegram's side
POLL_RETRY_S = (0.5, 1.0, 2.0, 5.0, 10.0)  # after a failed getUpdates, growing


class RawBotApi:
    """The few Bot API calls the dispatcher makes itself, on raw JSON (it never builds
    python-telegram-bot objects: the workers parse the updates they handle)."""

    def __init__(self, settings: Settings) -> None:
        assert settings.telegram_bot_token is not None
        token = settings.telegram_bot_token.get_secret_value()
        self._base = f"{settings.telegram_base_url}{token}"
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


class BotApiError(Exception):
    def __init__(self, method: str, payload: Mapping[str, Any]) -> None:
        self.code = int(payload.get("error_code") or 0)
        self.description = str(payload.get("description") or "no description")
        parameters = payload.get("parameters")
        self.retry_after = (
            float(parameters.get("retry_after", 0)) if isinstance(parameters, Mapping) else 0.0
        )
        super().__init__(f"{method}: {self.code} {self.description}")


async def poll_updates(api: RawBotApi, deliver: Deliver) -> None:
    """Long polling, forever: each batch is delivered before the next getUpdates confirms it
    (Telegram forgets updates below the offset we send)."""
    await api.call("deleteWebhook", {"drop_pending_updates": False})
    offset: int | None = None
    failures = 0
    while True:
        params: dict[str, Any] = {"timeout": POLL_TIMEOUT_S, "allowed_updates": Update.ALL_TYPES}
        if offset is not None:
            params["offset"] = offset
        try:
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
        for update in batch or ():
            if isinstance(update, dict) and isinstance(update.get("update_id"), int):
                await deliver(update)
                offset = update["update_id"] + 1


@contextlib.asynccontextmanager
async def polling(api: RawBotApi, deliver: Deliver) -> AsyncIterator[None]:
    task = asyncio.create_task(poll_updates(api, deliver), name="polling")
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


def receiving(
    settings: Settings, api: RawBotApi, pool: WorkerPool, store: Store
) -> contextlib.AbstractAsyncContextManager[object]:
    """The dispatcher's update source: BOT_MODE=polling or webhook."""
    if settings.bot_mode == "webhook":
        from bot.webhook import database_ready, serving_webhook

        async def ready() -> dict[str, bool]:
            return {"database": await database_ready(store), "workers": pool.alive}

        return serving_webhook(settings, pool.deliver, ready, api.set_webhook)
    return polling(api, pool.deliver)


async def dispatch_until_stopped(
    settings: Settings, api: RawBotApi, pool: WorkerPool, store: Store, stop: asyncio.Event
) -> int:
    def source() -> contextlib.AbstractAsyncContextManager[object]:
        return receiving(settings, api, pool, store)

    async with contextlib.AsyncExitStack() as stack:
        leadership: Leadership | None = None
        if settings.uses_postgres:
            leadership = Leadership(
                settings.database_url, api.bot_id, check_every_s=settings.ha_check_interval_s
            )
            await stack.enter_async_context(leading(leadership, source))
        else:
            await stack.enter_async_context(source())
        values = LiveValues(leader=leader_gauge(leadership))
        stack.enter_context(serving_metrics(settings.metrics_port, settings.metrics_host, values))
        log.info("dispatcher.started", extra={"workers": pool.size})
        stopped = asyncio.create_task(stop.wait())
        died = asyncio.create_task(pool.died.wait())
        await asyncio.wait({stopped, died}, return_when=asyncio.FIRST_COMPLETED)
        for waiter in (stopped, died):
            waiter.cancel()
    # The update source has stopped; leaving the pool's block lets the workers drain and stop.
    return 1 if pool.died.is_set() else 0
