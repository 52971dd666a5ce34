"""Worker processes: one instance of the bot on several cores (BOT_WORKERS=N, N > 1).

One Python process uses one core. With workers, an instance is a small *dispatcher* process and
N worker processes (``python -m bot worker``), each a whole bot (handlers, store connection,
vendor client, its own Bot API connections) except that it takes no updates from Telegram::

    Telegram ──getUpdates / webhook──▶ dispatcher ──chat id mod N──▶ worker k ──▶ Bot API
                                       (leader lock)   (stdin pipe)   (handles, answers)

* **Every update of a chat goes to the same worker**, in order: the per-chat ordering and the
  Aadhaar number held in memory for a chat (bot/held_numbers.py) work as in one process.
* **The dispatcher takes updates only while it leads** (PostgreSQL, bot/leader.py) and
  confirms a batch to Telegram only after writing it to the workers' pipes: if the dispatcher
  dies, its workers still read what is in their pipes, handle it, then see the end of the pipe
  and stop. A worker that dies stops the whole instance (exit status 1), so a supervisor or the
  HA standby takes over rather than one shard of users going unanswered.
* **Limits shared across the instance are split**: each worker paces its vendor calls to 1/N
  of the plan and its sends to 1/N of TELEGRAM_SENDS_PER_SECOND, rounding down.
* **Metrics**: METRICS_PORT serves the instance's leadership; worker k serves its own
  counters on METRICS_PORT + 1 + k.

This module is the light part, imported first so that the workers start at once;
bot/dispatcher.py is the rest of the dispatcher. A worker reads one JSON update per line from
stdin and says ``ready`` on stdout once it can take them; its log goes to stderr with the
dispatcher's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any

from bot.config import Settings

log = logging.getLogger(__name__)

READY_LINE = b"ready\n"
READY_WITHIN_S = 60.0
STOP_WITHIN_S = 15.0  # a worker finishes what is in flight (a vendor call may take 20 s)
MAX_LINE_BYTES = 2 * 1024 * 1024  # a Telegram update is a few kB; the webhook refuses > 1 MiB

Deliver = Callable[[Mapping[str, Any]], Awaitable[None]]


# ------------------------------------------------------------------------ which worker


def chat_key(update: Mapping[str, Any]) -> int:
    """The id an update is sharded by: its chat's, as python-telegram-bot's
    ``Update.effective_chat`` would give it, else its sender's (inline queries and the like
    have no chat), else 0. Pure, so that the dispatcher never parses a whole Update."""
    for name, value in update.items():
        if name == "update_id" or not isinstance(value, Mapping):
            continue
        for holder in (value, value.get("message")):
            if isinstance(holder, Mapping):
                chat = holder.get("chat")
                if isinstance(chat, Mapping) and isinstance(chat.get("id"), int):
                    return int(chat["id"])
        sender = value.get("from")
        if isinstance(sender, Mapping) and isinstance(sender.get("id"), int):
            return int(sender["id"])
    return 0


def shard_of(update: Mapping[str, Any], workers: int) -> int:
    """The worker (0 … workers-1) that handles ``update``: the same one for every update of
    a chat."""
    return chat_key(update) % workers


# ------------------------------------------------------------------------ dispatcher side


class WorkerDied(RuntimeError):
    pass


class WorkerPool:
    """The instance's worker processes, and the pipes that feed them."""

    def __init__(self, processes: Sequence[asyncio.subprocess.Process]) -> None:
        self._processes = list(processes)
        self._closing = False
        self.died = asyncio.Event()  # set when a worker exits while the pool is open
        self._watchers = [asyncio.create_task(self._watch(p)) for p in self._processes]

    @classmethod
    @contextlib.asynccontextmanager
    async def running(cls, count: int) -> AsyncIterator[WorkerPool]:
        """Start ``count`` workers (``ready()`` waits for them); stop them on exit."""
        processes: list[asyncio.subprocess.Process] = []
        try:
            for index in range(count):
                processes.append(await _spawn_worker(index, count))
        except BaseException:
            await _stop_all(processes)
            raise
        pool = cls(processes)
        try:
            yield pool
        finally:
            await pool.aclose()

    async def ready(self) -> None:
        """Until every worker says it is ready; raises WorkerDied if one exits first."""
        await asyncio.wait_for(
            asyncio.gather(*(_ready(p, i) for i, p in enumerate(self._processes))),
            READY_WITHIN_S,
        )

    @property
    def size(self) -> int:
        return len(self._processes)

    @property
    def alive(self) -> bool:
        return all(p.returncode is None for p in self._processes)

    async def deliver(self, update: Mapping[str, Any]) -> None:
        """Hand ``update`` to its chat's worker (waits while that worker's pipe is full)."""
        process = self._processes[shard_of(update, len(self._processes))]
        if process.returncode is not None or process.stdin is None:
            raise WorkerDied(f"worker {process.pid} is not running")
        process.stdin.write(json.dumps(update, separators=(",", ":")).encode() + b"\n")
        await process.stdin.drain()

    async def _watch(self, process: asyncio.subprocess.Process) -> None:
        code = await process.wait()
        if not self._closing:
            log.error("worker.died", extra={"pid": process.pid, "status": code})
            self.died.set()

    async def aclose(self) -> None:
        """Close every pipe: each worker handles what it has read, then stops."""
        self._closing = True
        await _stop_all(self._processes)
        for watcher in self._watchers:
            watcher.cancel()
        await asyncio.gather(*self._watchers, return_exceptions=True)


async def _spawn_worker(index: int, count: int) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "worker",
        str(index),
        str(count),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=MAX_LINE_BYTES,
    )


async def _ready(process: asyncio.subprocess.Process, index: int) -> None:
    assert process.stdout is not None
    line = await process.stdout.readline()
    if line != READY_LINE:
        raise WorkerDied(f"worker {index} did not start (status {await process.wait()})")


async def _stop_all(processes: Sequence[asyncio.subprocess.Process]) -> None:
    for process in processes:
        if process.stdin is not None and not process.stdin.is_closing():
            process.stdin.close()
    for process in processes:
        try:
            await asyncio.wait_for(process.wait(), STOP_WITHIN_S)
        except TimeoutError:
            log.warning("worker.killed", extra={"pid": process.pid})
            process.kill()
            await process.wait()


async def run_instance(settings: Settings) -> int:
    """An instance with workers: start them first (their start-up is most of the instance's),
    load the dispatcher meanwhile, then take updates while leading, until a signal (0) or a
    worker's death (1). Each worker opens the store and migrates it if needed (migrations run
    once, under a lock: bot/store/migrate.py)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with WorkerPool.running(settings.bot_workers) as pool:
        from bot.dispatcher import RawBotApi, dispatch_until_stopped
        from bot.store.factory import open_store

        api = RawBotApi(settings)
        try:
            store = await open_store(settings.database_url)  # for /readyz
            try:
                await pool.ready()
                code = await dispatch_until_stopped(settings, api, pool, store, stop)
            finally:
                await store.close()
        finally:
            await api.aclose()
    log.info("dispatcher.stopped", extra={"status": code})
    return code


# ------------------------------------------------------------------------ worker side


async def read_updates(reader: asyncio.StreamReader) -> AsyncIterator[dict[str, Any]]:
    """The updates on the pipe from the dispatcher, until it closes (or dies)."""
    while line := await reader.readline():
        try:
            update = json.loads(line)
        except ValueError:
            log.error("worker.bad_line", extra={"length": len(line)})
            continue
        if isinstance(update, dict):
            yield update


async def run_worker(settings: Settings, index: int, count: int) -> int:
    """One worker: a whole bot fed from stdin. Signals are the dispatcher's to act on (a
    Ctrl-C reaches the whole process group): the worker stops when its pipe ends."""
    from telegram import Update

    from bot.app import WorkerSlot, running_bot

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: None)
    reader = asyncio.StreamReader(limit=MAX_LINE_BYTES)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    async with running_bot(settings, worker=WorkerSlot(index, count)) as application:
        sys.stdout.buffer.write(READY_LINE)
        sys.stdout.buffer.flush()
        async for data in read_updates(reader):
            try:
                update = Update.de_json(data, application.bot)
            except (ValueError, TypeError, KeyError, AttributeError):  # not an update after all
                log.warning("worker.bad_update", extra={"update_id": data.get("update_id")})
                continue
            await application.update_queue.put(update)
        # The pipe ended. Leaving the block stops the application, which first handles
        # everything already on its queue and in flight.
    return 0
