"""A clock that tests move by hand (the product's ``bot.clock.Clock`` protocol)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta


class FakeClock:
    """A clock that only moves when told to, so expiry is tested without sleeping."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 15, 6, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)

    def set(self, when: datetime) -> None:
        self._now = when

    async def sleep(self, seconds: float) -> None:
        """Let ``seconds`` pass at once (a retry's backoff costs a test nothing), then yield."""
        self.advance(max(0.0, seconds))
        await asyncio.sleep(0)
