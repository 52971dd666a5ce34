"""Worker processes: one instance of the bot on several cores (BOT_WORKERS=N, N > 1).

One Python process uses one core. With workers, an instance is a small *update fan-out* process
and N worker processes forked from it, each a whole bot (handlers, store connection, vendor
client, its own Bot API connections) except that it takes no updates from Telegram::

    Telegram ──getUpdates / webhook──▶ fan-out ──chat id mod N──▶ worker k ──▶ Bot API
                 ◀── confirmed ───── (leader lock) ◀── handled ── (handles, answers)

* **Every update of a chat goes to the same worker**, in order: the per-chat ordering and the
  Aadhaar number held in memory for a chat (bot/capacity/held_numbers.py) work as in one process.
* **The fan-out takes updates only while it leads** (PostgreSQL, bot/runtime/leader.py), through the
  one update pipeline (bot/runtime/updates.py), and confirms an update to Telegram only once its
  worker has written ``handled <update_id>`` on its status pipe. If the fan-out dies, its
  workers still handle what is in their pipes, then see the end of the pipe and stop; what
  was not confirmed is delivered again to whoever leads next. A worker that dies stops the
  whole instance (exit status 1), so a supervisor or the HA standby takes over rather than
  one shard of users going unanswered; its unconfirmed updates go to them too.
* **Limits shared across the instance are split**: each worker paces its vendor calls to 1/N
  of the plan and its sends to 1/N of TELEGRAM_SENDS_PER_SECOND, rounding down.
* **Metrics**: METRICS_PORT serves the instance's leadership; worker k serves its own
  counters on METRICS_PORT + 1 + k.

bot/runtime/fanout.py runs the fan-out; this module starts the workers and feeds them. A worker
reads one JSON update per line from its pipe and writes ``ready`` on another once it can take them,
then ``handled <update_id>`` for each update it is done with; its log goes to stderr with the
fan-out's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.runtime.startup import Refused

if TYPE_CHECKING:
    from bot.runtime.updates import HandledTracker

log = logging.getLogger(__name__)

READY_LINE = b"ready\n"
HANDLED_PREFIX = b"handled "
READY_WITHIN_S = 60.0
STOP_WITHIN_S = 15.0  # a worker finishes what is in flight (a vendor call may take 20 s)
MAX_LINE_BYTES = 2 * 1024 * 1024  # a Telegram update is a few kB; the webhook refuses > 1 MiB


# ------------------------------------------------------------------------ which worker


def chat_key(update: Mapping[str, Any]) -> int:
    """The id an update is sharded by: its chat's, as python-telegram-bot's
    ``Update.effective_chat`` would give it, else its sender's (inline queries and the like
    have no chat), else 0. Pure, so that the fan-out never parses a whole Update."""
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


# ------------------------------------------------------------------------ fan-out side


class WorkerDied(RuntimeError):
    pass


@dataclass(frozen=True)
class ForkedWorker:
    """A worker process as its fan-out holds it: its pid and the fan-out's ends of its two
    pipes (updates down, and up: ``ready``, ``handled <id>`` lines, then the end of the pipe
    when the worker exits)."""

    pid: int
    updates_fd: int
    status_fd: int


def fork_workers(settings: Settings, count: int) -> list[ForkedWorker]:
    """Start ``count`` workers by forking this process, which must not run an event loop or
    any thread yet (a forked child gets only the calling thread).

    Forked rather than started anew: the imports and the parsed locales (most of a bot's
    start-up, about a second of CPU) are done once here and shared copy-on-write, so an
    instance with workers starts about as fast as a bot in one process, and its workers
    share those pages of memory."""
    from bot.app import settle_process  # the heavy imports, done once for all the workers

    settle_process(all_locales=True)
    forked: list[ForkedWorker] = []
    for index in range(count):
        updates_read, updates_write = os.pipe()
        status_read, status_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns into the fan-out's code
            code = 1
            try:
                for other in forked:  # else a sibling's pipe would never end
                    os.close(other.updates_fd)
                    os.close(other.status_fd)
                os.close(updates_write)
                os.close(status_read)
                code = _run_worker_process(settings, index, count, updates_read, status_write)
            except Refused as exc:  # one line, no traceback: no retry helps
                log.error("worker.refused", extra={"index": index, "reason": str(exc)})
                code = 2
            except BaseException:
                log.exception("worker.failed", extra={"index": index})
            finally:
                logging.shutdown()
                os._exit(code)
        os.close(updates_read)
        os.close(status_write)
        forked.append(ForkedWorker(pid, updates_write, status_read))
    return forked


class _Worker:
    """The fan-out's live handle on one forked worker."""

    def __init__(self, forked: ForkedWorker, pool: WorkerPool) -> None:
        self.forked = forked
        self.pool = pool
        self.writer: asyncio.StreamWriter | None = None
        self.started: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.exited = asyncio.Event()
        self.watch: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(self.forked.status_fd, "rb")
        )
        transport, protocol = await loop.connect_write_pipe(
            lambda: asyncio.streams.FlowControlMixin(loop),
            os.fdopen(self.forked.updates_fd, "wb"),
        )
        self.writer = asyncio.StreamWriter(transport, protocol, None, loop)
        self.watch = asyncio.create_task(self._watch(reader))

    async def _watch(self, reader: asyncio.StreamReader) -> None:
        line = await reader.readline()
        if line == READY_LINE:
            self.started.set_result(None)
            handled = self.pool.tracker.handled
            # Until the worker's end of the pipe closes: it has exited.
            while line := await reader.readline():
                if line.startswith(HANDLED_PREFIX):
                    handled(int(line[len(HANDLED_PREFIX) :]))
        else:
            self.started.set_exception(WorkerDied(f"worker {self.forked.pid} did not start"))
        self.exited.set()
        if not self.pool.closing:
            log.error("worker.died", extra={"pid": self.forked.pid})
            self.pool.died.set()


class WorkerPool:
    """The instance's worker processes, and the pipes that feed them."""

    def __init__(self, tracker: HandledTracker) -> None:
        self.tracker = tracker  # hears each worker's "handled"
        self.closing = False
        self.died = asyncio.Event()  # set when a worker exits while the pool is open
        self._workers: list[_Worker] = []

    @classmethod
    @contextlib.asynccontextmanager
    async def running(
        cls, forked: Sequence[ForkedWorker], tracker: HandledTracker
    ) -> AsyncIterator[WorkerPool]:
        """The pool of workers ``fork_workers`` started (``ready()`` waits for them to start);
        stops them on exit."""
        pool = cls(tracker)
        try:
            for worker in forked:
                handle = _Worker(worker, pool)
                pool._workers.append(handle)
                await handle.connect()
            yield pool
        finally:
            await pool.aclose()

    async def ready(self) -> None:
        """Until every worker says it is ready; raises WorkerDied if one exits first."""
        await asyncio.wait_for(asyncio.gather(*(w.started for w in self._workers)), READY_WITHIN_S)

    @property
    def size(self) -> int:
        return len(self._workers)

    @property
    def alive(self) -> bool:
        return not any(w.exited.is_set() for w in self._workers)

    async def deliver(self, update: Mapping[str, Any]) -> None:
        """Hand ``update`` to its chat's worker (waits while that worker's pipe is full)."""
        worker = self._workers[shard_of(update, len(self._workers))]
        if worker.exited.is_set() or worker.writer is None:
            raise WorkerDied(f"worker {worker.forked.pid} is not running")
        worker.writer.write(json.dumps(update, separators=(",", ":")).encode() + b"\n")
        await worker.writer.drain()

    async def aclose(self) -> None:
        """Close every pipe: each worker handles what it has read, then stops; reap them all
        (SIGKILL for one that takes longer than STOP_WITHIN_S)."""
        self.closing = True
        for worker in self._workers:
            if worker.writer is not None and not worker.writer.is_closing():
                worker.writer.close()
        for worker in self._workers:
            try:
                await asyncio.wait_for(worker.exited.wait(), STOP_WITHIN_S)
            except TimeoutError:
                log.warning("worker.killed", extra={"pid": worker.forked.pid})
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker.forked.pid, signal.SIGKILL)
        for worker in self._workers:  # no zombies: each has exited or been killed by now
            with contextlib.suppress(ChildProcessError):
                await asyncio.to_thread(os.waitpid, worker.forked.pid, 0)
        for worker in self._workers:
            if worker.watch is not None:
                worker.watch.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker.watch


# ------------------------------------------------------------------------ worker side


async def read_updates(reader: asyncio.StreamReader) -> AsyncIterator[dict[str, Any]]:
    """The updates on the pipe from the fan-out, until it closes (or dies)."""
    while line := await reader.readline():
        try:
            update = json.loads(line)
        except ValueError:
            log.error("worker.bad_line", extra={"length": len(line)})
            continue
        if isinstance(update, dict):
            yield update


def _run_worker_process(
    settings: Settings, index: int, count: int, updates_fd: int, status_fd: int
) -> int:
    from bot.runtime.event_loop import event_loop_factory

    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        return runner.run(run_worker(settings, index, count, updates_fd, status_fd))


async def run_worker(
    settings: Settings, index: int, count: int, updates_fd: int, status_fd: int
) -> int:
    """One worker: a whole bot fed from the fan-out's pipe. Signals are the fan-out's to act on
    (a Ctrl-C reaches the whole process group): the worker stops when its pipe ends.
    ``status_fd`` carries ``ready``, then ``handled <id>`` per update, and stays open until the
    process exits."""
    from bot.app import WorkerSlot, running_bot
    from bot.runtime.concurrency import PerChatUpdateProcessor
    from bot.runtime.startup import with_retries
    from bot.runtime.updates import parse_update

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: None)
    reader = asyncio.StreamReader(limit=MAX_LINE_BYTES)
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(updates_fd, "rb")
    )

    def handled(update_id: int) -> None:
        # A few bytes: written whole, at once (the fan-out reads its end all the time). With
        # the fan-out gone nobody confirms anything: Telegram delivers it again to the next.
        with contextlib.suppress(BrokenPipeError):
            os.write(status_fd, HANDLED_PREFIX + str(update_id).encode() + b"\n")

    async def serve() -> None:
        async with running_bot(settings, worker=WorkerSlot(index, count)) as application:
            processor = application.update_processor
            assert isinstance(processor, PerChatUpdateProcessor)
            processor.on_handled = handled
            os.write(status_fd, READY_LINE)
            async for data in read_updates(reader):
                update = parse_update(data, application.bot)
                if update is None:  # set aside (logged): confirmed, so that the others flow
                    update_id = data.get("update_id")
                    if isinstance(update_id, int):
                        handled(update_id)
                    continue
                await application.update_queue.put(update)
            # The pipe ended. Leaving the block stops the application, which first handles
            # everything already on its queue and in flight.

    # Telegram or the database away at start-up: tried again (bot/runtime/startup.py), within the
    # fan-out's patience (READY_WITHIN_S).
    await with_retries(serve, asyncio.Event())
    return 0
