"""Starting while a dependency is away: the network not up yet, the database still starting.

A bot started by a supervisor at boot often comes up before the network or PostgreSQL does.
Rather than die with a traceback (and be restarted in a tight loop), it tries again with a
growing pause, one log line per attempt naming what is unreachable and when the next try is.
What no retry can fix (a token Telegram refuses) stops at once with one line.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable

import aiohttp
import asyncpg
from telegram.error import InvalidToken, NetworkError

log = logging.getLogger(__name__)

RETRY_S = (1.0, 2.0, 5.0, 10.0, 30.0)  # then every 30 s


class Refused(Exception):
    """A dependency refused us for good (Telegram: the token is not a bot's): do not retry."""


def unreachable(error: BaseException) -> str | None:
    """Which dependency ``error`` says is unreachable now (worth another try), or None."""
    if isinstance(error, InvalidToken):
        return None  # 401/404 for the token: no retry helps
    if isinstance(error, NetworkError | aiohttp.ClientError):
        return "telegram"
    if isinstance(error, OSError | TimeoutError | asyncpg.PostgresError | sqlite3.OperationalError):
        return "database"
    return None


async def with_retries(
    start: Callable[[], Awaitable[None]],
    stop: asyncio.Event,
    *,
    pauses: tuple[float, ...] = RETRY_S,
) -> None:
    """Run ``start`` (the whole bot, until ``stop``); while it fails because a dependency is
    unreachable, try again after a pause, until ``stop``. A token Telegram refuses raises
    :class:`Refused`; any other failure is raised as it is."""
    attempt = 0
    while not stop.is_set():
        try:
            await start()
            return
        except InvalidToken as exc:
            raise Refused("telegram refused the token (TELEGRAM_BOT_TOKEN)") from exc
        except Exception as exc:
            dependency = unreachable(exc)
            if dependency is None:
                raise
            attempt += 1
            wait = pauses[min(attempt, len(pauses)) - 1]
            log.warning(
                "startup.unreachable",
                extra={
                    "dependency": dependency,
                    "error": type(exc).__name__,
                    "attempt": attempt,
                    "next_try_in_s": wait,
                },
            )
            try:
                await asyncio.wait_for(stop.wait(), wait)
            except TimeoutError:
                continue
