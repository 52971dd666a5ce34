"""bot/runtime/leader.py without a database: the lock's answers and a lost connection, scripted.

(With a real PostgreSQL and real processes: tests/e2e/test_high_availability.py.)
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from bot.runtime.leader import Leadership, leading


class FakeConnection:
    """Answers pg_try_advisory_lock from ``locks`` (one per try); a health check fails once
    ``healthy`` is cleared, like a connection whose server went away."""

    def __init__(self, locks: list[bool], healthy: asyncio.Event) -> None:
        self.locks = locks
        self.healthy = healthy
        self.terminated = False

    async def fetchval(self, sql: str, *args: Any, timeout: float) -> object:
        if "pg_try_advisory_lock" in sql:
            return self.locks.pop(0) if self.locks else True
        if not self.healthy.is_set():
            raise ConnectionResetError("server closed the connection")
        return 1

    def terminate(self) -> None:
        self.terminated = True


async def test_standby_until_the_lock_is_free_then_serve_and_step_down_when_cut_off() -> None:
    healthy = asyncio.Event()
    healthy.set()
    connections: list[FakeConnection] = []
    # First connection: the lock is held elsewhere twice, then ours; the second: ours at once.
    scripts = [[False, False, True], [True]]

    async def connect(dsn: str, timeout: float) -> FakeConnection:
        conn = FakeConnection(scripts.pop(0) if scripts else [True], healthy)
        connections.append(conn)
        return conn

    serving = asyncio.Event()
    stopped = asyncio.Event()

    @contextlib.asynccontextmanager
    async def source() -> AsyncIterator[None]:
        serving.set()
        try:
            yield
        finally:
            serving.clear()
            stopped.set()

    leadership = Leadership("postgresql://x", "42", check_every_s=0.01, connect=connect)
    async with leading(leadership, source):
        await asyncio.wait_for(serving.wait(), 5)
        assert leadership.is_leader and leadership.terms == 1

        healthy.clear()  # the database is cut off: stop taking updates at once
        await asyncio.wait_for(stopped.wait(), 5)
        assert connections[0].terminated

        healthy.set()  # back: a new connection, the lock again, serving again
        await asyncio.wait_for(serving.wait(), 5)
        assert leadership.terms == 2 and len(connections) == 2
    assert not leadership.is_leader and not serving.is_set()
    assert connections[1].terminated
