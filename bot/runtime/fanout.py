"""The update fan-out: the parent process of an instance with worker processes
(bot/runtime/workers.py).

It runs the instance's one update pipeline (bot/runtime/updates.py: long polling or the webhook,
under the leadership rule) and hands each update to its chat's worker; the worker says on its status
pipe when the update is handled, and only then is the update confirmed to Telegram. It never
parses an update beyond finding its chat (bot/runtime/workers.py: chat_key).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Sequence

from bot.config import Settings
from bot.i18n.translator import shared_translator
from bot.observability.metrics import LiveValues, serving_metrics
from bot.runtime.leader import leader_gauge
from bot.runtime.recovery import answer_interrupted
from bot.runtime.updates import HandledTracker, RawBotApi, taking_updates, update_source
from bot.runtime.webhook import database_ready
from bot.runtime.workers import ForkedWorker, WorkerDied, WorkerPool
from bot.store.base import Store

log = logging.getLogger(__name__)


async def fan_out_until_stopped(
    settings: Settings,
    api: RawBotApi,
    pool: WorkerPool,
    tracker: HandledTracker,
    store: Store,
    stop: asyncio.Event,
) -> int:
    """Take updates (while leading) and fan them out, until ``stop`` (0) or a worker's death
    (1)."""

    async def ready() -> dict[str, bool]:
        return {"database": await database_ready(store), "workers": pool.alive}

    async def send(chat_id: int, text: str) -> None:
        await api.call("sendMessage", {"chat_id": chat_id, "text": text, "parse_mode": "HTML"})

    def recover() -> Awaitable[int]:
        return answer_interrupted(store, shared_translator(), send)

    source = update_source(settings, api, tracker, pool.deliver, ready)
    async with contextlib.AsyncExitStack() as stack:
        leadership = await stack.enter_async_context(
            taking_updates(settings, api.bot_id, source, recover)
        )
        values = LiveValues(leader=leader_gauge(leadership))
        stack.enter_context(serving_metrics(settings.metrics_port, settings.metrics_host, values))
        log.info("fanout.started", extra={"workers": pool.size})
        stopped = asyncio.create_task(stop.wait())
        died = asyncio.create_task(pool.died.wait())
        await asyncio.wait({stopped, died}, return_when=asyncio.FIRST_COMPLETED)
        for waiter in (stopped, died):
            waiter.cancel()
    # The update source has stopped; leaving the pool's block lets the workers drain and stop.
    return 1 if pool.died.is_set() else 0


async def run_instance(settings: Settings, forked: Sequence[ForkedWorker]) -> int:
    """The update fan-out of the workers ``fork_workers`` started: once they are ready, take
    updates while leading, until a signal (0) or a worker's death (1). Each worker opens the
    store and migrates it if needed (migrations run once, under a lock: bot/store/migrate.py)."""
    from bot.store.factory import open_store

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    tracker = HandledTracker()
    async with WorkerPool.running(forked, tracker) as pool:
        assert settings.telegram_bot_token is not None
        api = RawBotApi(settings.telegram_base_url, settings.telegram_bot_token.get_secret_value())
        try:
            store = await open_store(settings.database_url)  # for /readyz
            try:
                try:
                    await pool.ready()
                except (WorkerDied, TimeoutError) as exc:  # each worker said why, above
                    log.error("fanout.workers_not_started", extra={"error": type(exc).__name__})
                    return 1
                code = await fan_out_until_stopped(settings, api, pool, tracker, store, stop)
            finally:
                await store.close()
        finally:
            await api.aclose()
    log.info("fanout.stopped", extra={"status": code})
    return code
