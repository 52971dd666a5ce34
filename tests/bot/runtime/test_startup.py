"""Starting while a dependency is away (bot/runtime/startup.py): tried again with a growing pause,
one line per attempt naming what is unreachable; a refused token stops at once; no traceback and
no unclosed session on any way out."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from telegram.error import InvalidToken, NetworkError

from bot.runtime.startup import Refused, with_retries

REPO = Path(__file__).resolve().parent.parent.parent.parent


async def test_an_unreachable_dependency_is_tried_again(caplog: pytest.LogCaptureFixture) -> None:
    failures = [NetworkError("down"), ConnectionRefusedError(111, "refused")]
    started = 0

    async def start() -> None:
        nonlocal started
        started += 1
        if failures:
            raise failures.pop(0)

    with caplog.at_level(logging.WARNING, logger="bot.runtime.startup"):
        await with_retries(start, asyncio.Event(), pauses=(0.0, 0.01))
    assert started == 3
    said = [(r.dependency, r.attempt, r.next_try_in_s) for r in caplog.records]  # type: ignore[attr-defined]
    assert said == [("telegram", 1, 0.0), ("database", 2, 0.01)]


async def test_a_refused_token_stops_at_once() -> None:
    async def start() -> None:
        raise InvalidToken("Unauthorized")

    with pytest.raises(Refused):
        await with_retries(start, asyncio.Event(), pauses=(0.0,))


async def test_a_bug_is_not_retried() -> None:
    async def start() -> None:
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        await with_retries(start, asyncio.Event(), pauses=(0.0,))


@pytest.mark.slow
async def test_the_bot_waits_for_telegram_without_a_traceback(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on: Telegram "not up yet"
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DEEPVUE_"))}
    env.update(
        PYTHONPATH=str(REPO),
        TELEGRAM_BOT_TOKEN="7000000011:startup-test-token",
        TELEGRAM_BASE_URL=f"http://127.0.0.1:{port}/bot",
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
    )
    log = tmp_path / "bot.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, stderr=out
        )
    try:
        for _ in range(600):
            if log.read_text().count('"startup.unreachable"') >= 2:
                break
            await asyncio.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(asyncio.to_thread(process.wait), 20)
    finally:
        process.kill()
    text = log.read_text()
    assert text.count('"startup.unreachable"') >= 2, text
    assert '"dependency": "telegram"' in text
    assert process.returncode == 0
    assert "Traceback" not in text and "Unclosed" not in text, text
