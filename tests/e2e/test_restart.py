"""Restarts, even ``kill -9``, at every step: the user's next message gets the right answer.

The bot runs as a real subprocess (``python -m bot run``) against the fake Bot API server
and the vendor sandbox, both served by the test process over loopback HTTP, so they outlive
the bot as Telegram and the vendor do.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.clock import SystemClock
from bot.sandbox import SandboxConfig, running_sandbox
from testing.fake_telegram import BotMessage, FakeTelegram
from testing.harness import (
    ACTIVE,
    CAPTCHA,
    GOOD_OTP,
    HARNESS_TOKEN,
    bot_process_env,
    en,
    stop_process,
)

REPO = Path(__file__).resolve().parent.parent.parent
CHAT = 5151

pytestmark = pytest.mark.slow


class BotProcess:
    """``python -m bot run`` in a child process, killed with SIGKILL on demand."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self, tg: FakeTelegram) -> None:
        polls = len(tg.calls_to("getUpdates"))
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=log,
            )
        await tg.wait_for(lambda: len(tg.calls_to("getUpdates")) > polls, timeout=30)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    async def stop(self) -> None:
        await stop_process(self.process)


@asynccontextmanager
async def world(tmp_path: Path) -> AsyncIterator[tuple[FakeTelegram, BotProcess]]:
    async with (
        FakeTelegram(HARNESS_TOKEN) as tg,
        running_sandbox(SandboxConfig(captcha_text=CAPTCHA), SystemClock()) as vendor_url,
    ):
        env = bot_process_env(tg, vendor_url, f"sqlite:///{tmp_path / 'bot.db'}")
        bot = BotProcess(env, tmp_path / "bot.log")
        try:
            await bot.start(tg)
            yield tg, bot
        finally:
            await bot.stop()


async def answer(
    tg: FakeTelegram, act: Callable[[], object], want: Callable[[BotMessage], bool]
) -> BotMessage:
    """Do ``act`` as the user, then wait for a new bot message that satisfies ``want``."""
    events = tg.events(CHAT)
    mark = events[-1].seq if events else 0
    result = act()
    if asyncio.iscoroutine(result):
        await result

    def found() -> BotMessage | None:
        for event in tg.events(CHAT, after=mark):
            if event.type == "sent" and want(event.message):
                return event.message
        return None

    return await tg.wait_for(found, timeout=20)


def has(key: str, **args: object) -> Callable[[BotMessage], bool]:
    return lambda message: en(key, **args) in message.text


def is_notice(message: BotMessage) -> bool:
    return message.text.startswith("Before we start")


def is_photo(message: BotMessage) -> bool:
    return message.kind == "photo"


async def press(tg: FakeTelegram, label: str) -> None:
    for message in reversed(tg.messages(CHAT)):
        for row in message.buttons:
            for button in row:
                if button.text == label:
                    await tg.press(CHAT, message.message_id, button.data)
                    return
    raise AssertionError(f"no button {label!r}\n{tg.dump()}")


STEPS = ["language", "consent", "aadhaar", "captcha", "otp"]


@pytest.mark.parametrize("step", STEPS)
async def test_kill_at_each_step_then_the_next_message_is_answered(
    tmp_path: Path, step: str
) -> None:
    async with world(tmp_path) as (tg, bot):
        await answer(tg, lambda: tg.send_text(CHAT, "/start"), has("language-prompt"))
        if step != "language":
            await answer(tg, lambda: press(tg, "English"), is_notice)
        if step not in ("language", "consent"):
            await answer(tg, lambda: press(tg, en("consent-agree-button")), has("aadhaar-prompt"))
        if step in ("captcha", "otp"):
            await answer(tg, lambda: tg.send_text(CHAT, ACTIVE), is_photo)
        if step == "otp":
            await answer(
                tg, lambda: tg.send_text(CHAT, CAPTCHA), has("otp-sent", masked="XXXX XXXX 1096")
            )

        bot.kill()
        await bot.start(tg)

        if step == "language":
            await answer(tg, lambda: press(tg, "English"), is_notice)
        elif step == "consent":
            await answer(tg, lambda: press(tg, en("consent-agree-button")), has("aadhaar-prompt"))
        elif step == "aadhaar":
            await answer(tg, lambda: tg.send_text(CHAT, ACTIVE), is_photo)
        elif step == "captcha":
            # The number lived only in the dead process's memory: asked for again, then on.
            await answer(tg, lambda: tg.send_text(CHAT, CAPTCHA), has("number-lost"))
            await answer(tg, lambda: tg.send_text(CHAT, ACTIVE), is_photo)
            await answer(
                tg, lambda: tg.send_text(CHAT, CAPTCHA), has("otp-sent", masked="XXXX XXXX 1096")
            )
        card = None
        if step in ("captcha", "otp"):
            card = await answer(
                tg, lambda: tg.send_text(CHAT, GOOD_OTP), lambda m: "Bank:" in m.text
            )
            assert "STATE BANK OF INDIA" in card.text
        log = (tmp_path / "bot.log").read_text()
        assert "Traceback" not in log and "update.failed" not in log
