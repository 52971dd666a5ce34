"""High availability: of several instances on one PostgreSQL, one takes updates at a time.

Telegram gives a bot's updates to one poller (a second getUpdates ends the first with 409) and
to one webhook URL, and our per-chat ordering lives in one process. So instances elect a leader
with a PostgreSQL session advisory lock, held on a connection of its own (not the store's pool,
whose connections come and go). The leader starts the update source (long polling or the
webhook, bot/app.py); the others wait, trying the lock every ``check_every_s``.

The lock lives as long as the leader's session. If the leader dies (crash, SIGKILL, machine
gone), the server ends the session when the connection drops and releases the lock; a standby
gets it at its next try and starts taking updates: within ``check_every_s`` plus its start-up.
Every check in flight carries on from the store (flow state is in PostgreSQL); only an Aadhaar
number held in the dead process's memory is lost, and that user is asked for it again.

The leader checks its connection every ``check_every_s``; if the check fails (database gone,
network cut), it stops taking updates at once, since a standby may already hold the lock, and
goes back to trying for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import asyncpg

log = logging.getLogger(__name__)

# pg_try_advisory_lock(LOCK_CLASS, hashtext(<bot id>)): one leader per bot, whatever else
# shares the database (the store's migration lock is class 24301).
LOCK_CLASS = 24302
_TRY_LOCK = "SELECT pg_try_advisory_lock($1, hashtext($2))"

UpdateSource = Callable[[], AbstractAsyncContextManager[object]]


class Leadership:
    """Runs ``serve`` (the update source) while this instance holds the lock for ``name``."""

    def __init__(
        self,
        dsn: str,
        name: str,
        *,
        check_every_s: float = 2.0,
        connect: Callable[..., Any] = asyncpg.connect,
    ) -> None:
        self._dsn = dsn
        self._name = name
        self._every = check_every_s
        self._connect = connect
        self.is_leader = False
        self.terms = 0  # times this instance became leader (metrics, tests)

    async def run(self, serve: UpdateSource) -> None:
        """Forever: get the lock, serve while it is held, and start over if it is lost."""
        while True:
            try:
                conn = await self._connect(self._dsn, timeout=max(self._every, 5.0))
            except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
                log.warning("leader.no_database", extra={"error": type(exc).__name__})
                await asyncio.sleep(self._every)
                continue
            try:
                await self._lead(conn, serve)
            except Exception as exc:  # database gone, or the update source failed to start
                event = "leader.lost" if self.is_leader else "leader.reconnecting"
                log.warning(event, extra={"error": type(exc).__name__})
            finally:
                self.is_leader = False
                conn.terminate()  # the session ends: the server drops the lock if we held it
            await asyncio.sleep(self._every)

    async def _lead(self, conn: Any, serve: UpdateSource) -> None:
        waiting_said = False
        while not await conn.fetchval(_TRY_LOCK, LOCK_CLASS, self._name, timeout=self._every):
            if not waiting_said:
                log.info("leader.standby", extra={"check_every_s": self._every})
                waiting_said = True
            await asyncio.sleep(self._every)
        self.is_leader = True
        self.terms += 1
        log.info("leader.acquired", extra={"term": self.terms})
        async with serve():
            while True:  # a live session holds the lock; a failed check raises out of here
                await asyncio.sleep(self._every)
                await conn.fetchval("SELECT 1", timeout=self._every)


@contextlib.asynccontextmanager
async def leading(leadership: Leadership, serve: UpdateSource) -> AsyncIterator[Leadership]:
    """Run ``leadership`` in the background for the duration of the block.

    The block starts at once, leader or not: a standby is a running process that answers its
    health checks and stops on a signal like any other.
    """
    task = asyncio.create_task(leadership.run(serve), name="leadership")
    try:
        yield leadership
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def leader_gauge(leadership: Leadership | None) -> Callable[[], bool]:
    """What the ``seedingbot_leader`` metric reads: the lock's holder, or always true without
    one (SQLite: the one instance)."""
    if leadership is None:
        return lambda: True
    return lambda: leadership.is_leader
