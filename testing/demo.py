"""``python -m testing.demo``: chat with the bot offline, in this terminal.

The fake Telegram Bot API server, the vendor sandbox and the bot all run in this process, over
real loopback HTTP. Buttons show as numbered choices (type the number to tap); captcha images
are saved to files whose paths are printed.

Why it lives here and not in ``bot``: it needs the fake Telegram server, which is test code
and is not installed with the bot. It runs from a checkout, where ``testing/`` is: ``./dev run``
runs ``python -m testing.demo --unless-token``, which is the demo when no TELEGRAM_BOT_TOKEN is
set and ``python -m bot`` (the real bot) when one is. An installed bot without a token says so
and points here (bot/__main__.py).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import TextIO

from pydantic import SecretStr

from bot.app import running_bot
from bot.config import Settings, SettingsError, load_settings
from bot.observability.logging_setup import configure_logging
from bot.runtime.concurrency import PerChatUpdateProcessor
from bot.runtime.services import SeedingApplication
from testing.fake_telegram import BotMessage, Button, FakeTelegram

DEMO_TOKEN = "4000000001:offline-demo-token"
DEMO_CHAT = 424242
CAPTCHA_DIR = Path("data/demo")

INTRO = """\
Offline demo: a fake Telegram and the vendor sandbox run inside this process.
You are the user. Type a message and press Enter; buttons show as [1], [2]…: type the
number to tap one. Try /start. The vendor sandbox knows these Aadhaar numbers:
  9876 5432 1096 (Active)        sandbox fixture
  2345 6789 0124 (Inactive)      sandbox fixture
  3456 7890 1238 (not seeded)    sandbox fixture
and the OTP 123456.
Ctrl-D quits.
"""


async def wait_until_idle(
    tg: FakeTelegram, application: SeedingApplication, within_s: float = 30.0
) -> None:
    """Wait until every update sent so far has been fetched and fully handled by the bot."""
    processor = application.update_processor
    assert isinstance(processor, PerChatUpdateProcessor)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    quiet = 0
    while quiet < 5:  # idle on five consecutive looks: no task is about to start
        if loop.time() > deadline:
            raise TimeoutError(f"the bot did not settle in {within_s} s\n{tg.dump()}")
        if tg.pending_updates:
            await tg.wait_for(lambda: not tg.pending_updates, within_s)
            quiet = 0
        elif not application.update_queue.empty() or processor.in_flight:
            quiet = 0
            await asyncio.sleep(0.001)
        else:
            quiet += 1
            await asyncio.sleep(0)


class Terminal:
    """Prints the chat as a phone would show it, and turns numbers into button taps."""

    def __init__(self, tg: FakeTelegram, out: TextIO) -> None:
        self.tg = tg
        self.out = out
        self.buttons: list[tuple[int, Button]] = []  # (message id, button) in display order
        self._seq = 0
        self._deleted = 0

    def show_new(self) -> None:
        deleted = self.tg.deleted_ids(DEMO_CHAT)
        for _ in deleted[self._deleted :]:
            print("  (the bot deleted your message)", file=self.out)
        self._deleted = len(deleted)
        for event in self.tg.events(DEMO_CHAT, after=self._seq):
            self._seq = event.seq
            if event.type == "sent":
                self._show(event.message)
            elif event.type == "edited" and event.message.text:
                if not event.message.buttons and self._has_buttons_of(event.message):
                    self._forget_buttons(event.message.message_id)
                    continue  # only the buttons were taken away
                self._show(event.message, edited=True)

    def _has_buttons_of(self, message: BotMessage) -> bool:
        return any(mid == message.message_id for mid, _ in self.buttons)

    def _forget_buttons(self, message_id: int) -> None:
        self.buttons = [(mid, b) for mid, b in self.buttons if mid != message_id]

    def _show(self, message: BotMessage, *, edited: bool = False) -> None:
        label = "bot (edited)" if edited else "bot"
        print(f"\n{label}> {message.text}", file=self.out)
        if message.photo:
            CAPTCHA_DIR.mkdir(parents=True, exist_ok=True)
            path = CAPTCHA_DIR / f"captcha-{message.message_id}.jpg"
            path.write_bytes(message.photo)
            print(f"  [picture saved to {path}]", file=self.out)
        if message.buttons:
            self.buttons = [(message.message_id, b) for row in message.buttons for b in row]
            choices = "  ".join(f"[{i}] {b.text}" for i, (_, b) in enumerate(self.buttons, 1))
            print(f"  {choices}", file=self.out)

    async def act(self, line: str) -> None:
        """A typed line: a button number taps that button; anything else is sent as text."""
        if line.isdigit() and 1 <= int(line) <= len(self.buttons):
            message_id, button = self.buttons[int(line) - 1]
            await self.tg.press(DEMO_CHAT, message_id, button.data, strict=False)
        else:
            await self.tg.send_text(DEMO_CHAT, line, first_name="You")


async def run_demo(settings: Settings, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    for handler in logging.getLogger().handlers:  # the chat, not the logs, is the show here
        handler.setLevel(max(logging.WARNING, handler.level))
    print(INTRO, file=out)
    async with FakeTelegram(DEMO_TOKEN, bot_username="seeding_demo_bot") as tg:
        demo = settings.model_copy(
            update={
                "telegram_bot_token": SecretStr(tg.token),
                "telegram_base_url": tg.base_url,
                "telegram_sends_per_second": 0,
            }
        )
        async with running_bot(demo) as application:
            terminal = Terminal(tg, out)
            loop = asyncio.get_running_loop()
            while True:
                print("\nyou> ", end="", file=out, flush=True)
                line = await loop.run_in_executor(None, stdin.readline)
                if not line:
                    break
                line = line.strip()
                if line:
                    await terminal.act(line)
                    await wait_until_idle(tg, application)
                    terminal.show_new()
    print("\nbye", file=out)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m testing.demo", description=__doc__)
    parser.add_argument(
        "--unless-token",
        action="store_true",
        help="run the bot itself (python -m bot) when TELEGRAM_BOT_TOKEN is set: ./dev run",
    )
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.unless_token and settings.telegram_bot_token is not None:
        from bot.__main__ import main as run_bot

        return run_bot([])
    configure_logging(settings.log_level)
    return asyncio.run(run_demo(settings))


if __name__ == "__main__":
    sys.exit(main())
