"""End-to-end harness: the real Application, over real loopback HTTP, against the fake Telegram
Bot API server and the vendor sandbox (in-process), with a clock the test moves.

Tests talk like a user (``chat.send("/start")``, ``chat.press("✅ I agree")``) and assert on
what a user would see: message text, buttons, photos, deletions.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stdnum import verhoeff

from bot.app import running_bot
from bot.clock import SystemClock
from bot.config import Settings
from bot.i18n.translator import Translator
from bot.runtime.services import SeedingApplication
from bot.sandbox import Sandbox, SandboxConfig, running_sandbox
from testing.clock import FakeClock
from testing.demo import wait_until_idle
from testing.fake_telegram import BotMessage, FakeTelegram, FeedEvent
from testing.procs import process_tree
from testing.users import Stage, User

CAPTCHA = "ABC123"  # SANDBOX_CAPTCHA_TEXT in every harness
GOOD_OTP = "123456"
WRONG_OTPS = ("246810", "135791", "975310")
TYPED_OTPS = (GOOD_OTP, *WRONG_OTPS)
ACTIVE = "9876 5432 1096"
INACTIVE = "2345 6789 0124"
NOT_SEEDED = "3456 7890 1238"
MOBILE_NOT_LINKED = "4567 8901 2341"
SOURCE_FAILURE = "5678 9012 3458"
FAILS_ONCE = "6789 0123 4560"
UNKNOWN_TO_UIDAI = "7890 1234 5674"
BAD_CHECKSUM = "8253 2377 8091"
ALL_TEST_NUMBERS = (
    ACTIVE, INACTIVE, NOT_SEEDED, MOBILE_NOT_LINKED, SOURCE_FAILURE, FAILS_ONCE,
    UNKNOWN_TO_UIDAI, BAD_CHECKSUM,
)  # fmt: skip

# Verhoeff-valid numbers the property tests (tests/e2e/test_numbers_fuzz.py) write in every form;
# the sandbox treats them as unknown, and they never get past the captcha there.
NUMBER_POOL = tuple(
    prefix + verhoeff.calc_check_digit(prefix)
    for prefix in (f"{2 + i % 8}{(i * 7_919_113) % 10**10:010d}" for i in range(1, 41))
)
# The digits of every Aadhaar number a test may type: the leak guard (tests/conftest.py) looks
# for each in any form, not only as typed.
TYPED_NUMBERS = frozenset({n.replace(" ", "") for n in ALL_TEST_NUMBERS} | set(NUMBER_POOL))

EN = Translator()
HARNESS_TOKEN = "7000000001:harness-token-for-the-fake-server-only"
WEBHOOK_SECRET = "webhook-secret-for-tests_0123456789"  # valid only in tests
# Secrets the leak guard (tests/conftest.py) looks for in every log record: the harness's bot
# token (its secret part), the webhook secret, and the vendor client secret of
# tests/bot/vendor/test_vendor_client.py.
SECRET_STRINGS = (HARNESS_TOKEN.split(":", 1)[1], WEBHOOK_SECRET, "s3cret-key")


def en(key: str, **args: Any) -> str:
    """The English text of a message, as the user sees it (HTML tags removed by Telegram)."""
    return en_in("en", key, **args)


def en_in(code: str, key: str, /, **args: Any) -> str:
    """A message in another language (``code``), as the user sees it."""
    return EN.t(code, key, **args).replace("<b>", "").replace("</b>", "")


def harness_settings(db_path: Path, tg: FakeTelegram, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "telegram_bot_token": tg.token,
        "telegram_base_url": tg.base_url,
        "database_url": f"sqlite:///{db_path}",
        "sandbox_captcha_text": CAPTCHA,
        "telegram_sends_per_second": 0,
        "log_level": "DEBUG",
        # Tests that want the weekly digest turn it on and call bot.operator.digest.send_digests.
        "weekly_digest": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class Harness:
    tg: FakeTelegram
    app: SeedingApplication
    clock: FakeClock
    settings: Settings
    next_chat: int = 1000
    chats: list[UserChat] = field(default_factory=list)

    @property
    def sandbox(self) -> Sandbox:
        control = self.app.services.sandbox_control
        assert control is not None
        return control

    def chat(self, language_code: str = "en", chat_id: int | None = None) -> UserChat:
        if chat_id is None:
            self.next_chat += 1
            chat_id = self.next_chat
        chat = UserChat(self, chat_id, language_code)
        self.chats.append(chat)
        return chat

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until every update sent so far has been fetched and fully handled."""
        await wait_until_idle(self.tg, self.app, timeout)


class UserChat:
    """One private chat, seen from the user's phone."""

    def __init__(self, harness: Harness, chat_id: int, language_code: str) -> None:
        self.h = harness
        self.tg = harness.tg
        self.chat_id = chat_id
        self.language_code = language_code
        self.sent_ids: list[int] = []  # the user's own message ids

    def _mark(self) -> int:
        events = self.tg.events(self.chat_id)
        return events[-1].seq if events else 0

    def _since(self, mark: int) -> list[BotMessage]:
        return [e.message for e in self.tg.events(self.chat_id, after=mark) if e.type != "deleted"]

    async def send(self, text: str) -> list[BotMessage]:
        """Type and send ``text``; return what the bot sent or edited in answer."""
        mark = self._mark()
        message_id = await self.tg.send_text(self.chat_id, text, language_code=self.language_code)
        self.sent_ids.append(message_id)
        await self.h.settle()
        return self._since(mark)

    async def sticker(self) -> list[BotMessage]:
        mark = self._mark()
        self.sent_ids.append(await self.tg.send_sticker(self.chat_id))
        await self.h.settle()
        return self._since(mark)

    async def photo(self) -> list[BotMessage]:
        mark = self._mark()
        self.sent_ids.append(await self.tg.send_photo(self.chat_id))
        await self.h.settle()
        return self._since(mark)

    def find_button(self, label: str) -> tuple[BotMessage, str]:
        """The newest visible message with a button labelled ``label``."""
        for message in reversed(self.tg.messages(self.chat_id)):
            if message.deleted:
                continue
            for row in message.buttons:
                for button in row:
                    if button.text == label:
                        return message, button.data
        raise AssertionError(f"no button {label!r} in chat {self.chat_id}\n{self.tg.dump()}")

    async def press(self, label: str) -> list[BotMessage]:
        message, data = self.find_button(label)
        return await self.press_data(message.message_id, data)

    async def press_data(self, message_id: int, data: str) -> list[BotMessage]:
        """Tap a button by its payload (also a stale or forged one: ``strict=False``)."""
        mark = self._mark()
        self.last_query = await self.tg.press(self.chat_id, message_id, data, strict=False)
        await self.h.settle()
        return self._since(mark)

    @property
    def last_answer(self) -> str | None:
        answer = self.tg.callback_answers.get(self.last_query)
        return answer.text if answer else None

    @property
    def deleted(self) -> list[int]:
        return self.tg.deleted_ids(self.chat_id)

    @property
    def last(self) -> BotMessage:
        message = self.tg.last_message(self.chat_id)
        assert message is not None, f"no bot message in chat {self.chat_id}"
        return message

    # ------------------------------------------------------------ whole steps
    async def start_and_consent(self, language: str = "en") -> None:
        await self.send("/start")
        await self.press(EN.t(language, "language-name"))
        await self.press(EN.t(language, "consent-agree-button"))

    async def to_captcha(self, number: str = ACTIVE) -> list[BotMessage]:
        await self.start_and_consent()
        return await self.send(number)

    async def to_otp(self, number: str = ACTIVE) -> list[BotMessage]:
        await self.to_captcha(number)
        return await self.send(CAPTCHA)

    async def check(self, number: str = ACTIVE) -> list[BotMessage]:
        await self.to_otp(number)
        return await self.send(GOOD_OTP)

    async def go_to(self, step: str) -> None:
        """Walk a new check to ``step`` (language, consent, aadhaar, captcha or otp)."""
        await self.send("/start")
        if step == "language":
            return
        await self.press("English")
        if step == "consent":
            return
        await self.press(en("consent-agree-button"))
        if step == "aadhaar":
            return
        await self.send(ACTIVE)
        if step == "captcha":
            return
        await self.send(CAPTCHA)

    async def check_from_aadhaar(self, number: str = ACTIVE) -> list[BotMessage]:
        """The rest of a check, from the Aadhaar prompt on."""
        await self.send(number)
        await self.send(CAPTCHA)
        return await self.send(GOOD_OTP)


async def stop_process(process: subprocess.Popen[bytes] | None) -> None:
    """SIGTERM a child bot, waiting without blocking the loop: the fake server in this process
    must keep answering while the bot shuts down gracefully. SIGKILL after 15 s."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        await asyncio.wait_for(asyncio.to_thread(process.wait), timeout=15)
    except TimeoutError:
        process.kill()
        process.wait()


def bot_process_env(
    tg: FakeTelegram, vendor_url: str, database_url: str, **extra: str
) -> dict[str, str]:
    """The environment of a ``python -m bot run`` child process: the fake Telegram and a
    sandbox served by the test process over HTTP, so both outlive the bot like the real ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DEEPVUE_"))}
    env.update(
        PYTHONPATH=str(Path(__file__).resolve().parent.parent),
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_BASE_URL=tg.base_url,
        TELEGRAM_SENDS_PER_SECOND="0",
        DEEPVUE_BASE_URL=vendor_url,
        DEEPVUE_CLIENT_ID="sandbox",
        DEEPVUE_CLIENT_SECRET="sandbox",
        DEEPVUE_PLAN="unlimited",
        DATABASE_URL=database_url,
        OPERATOR_NAME="Harness Test Bank",
        GRIEVANCE_CONTACT="grievance@harness.example",
    )
    env.update(extra)
    return env


@contextlib.asynccontextmanager
async def running_harness(tmp_path: Path, **overrides: Any) -> AsyncIterator[Harness]:
    clock = FakeClock()
    async with FakeTelegram(HARNESS_TOKEN, clock=clock) as tg:
        settings = harness_settings(tmp_path / "bot.db", tg, **overrides)
        async with running_bot(settings, clock, sleep=clock.sleep) as app:
            if app.menus is not None:
                await app.menus  # tests see the menus as a user would a moment after start
            yield Harness(tg, app, clock, settings)


class Instance:
    """One ``python -m bot run`` child process; its log is a file we can read while it runs."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=log.parent,  # no developer's .env
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def said(self, event: str) -> bool:
        return f'"message": "{event}"' in self.log.read_text(errors="replace")

    async def wait_said(self, event: str, within_s: float) -> float:
        """Seconds until the log has ``event``."""
        started = time.monotonic()
        while not self.said(event):
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited:\n{self.log.read_text()[-3000:]}")
            if time.monotonic() - started > within_s:
                raise AssertionError(f"{self.name} never logged {event}:\n{self.log.read_text()}")
            await asyncio.sleep(0.02)
        return time.monotonic() - started

    async def stop(self) -> None:
        await stop_process(self.process)

    def kill(self) -> None:
        """SIGKILL the process and any it started (a fan-out's workers); wait for it."""
        for pid in reversed(process_tree(self.process.pid)):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()

    def leaks(self) -> list[str]:
        """Aadhaar numbers or OTPs found in its log (testing/leaks.py: find_secrets)."""
        from testing.leaks import find_secrets

        return list(find_secrets(self.log.read_text(errors="replace")))


@contextlib.asynccontextmanager
async def serving_fakes(token: str) -> AsyncIterator[tuple[FakeTelegram, str]]:
    """The fake Bot API server and the vendor sandbox (its URL), served by this process over
    loopback for bots in child processes: they outlive a killed bot, as Telegram and the
    vendor do."""
    async with (
        FakeTelegram(token) as tg,
        running_sandbox(SandboxConfig(captcha_text=CAPTCHA), SystemClock()) as vendor_url,
    ):
        yield tg, vendor_url


async def drive(tg: FakeTelegram, user: User, cursor: int, within_s: float = 20) -> int:
    """Play ``user`` against the bot's new messages until it stops; returns the last seq."""
    deadline = time.monotonic() + within_s
    while user.step not in (Stage.DONE, Stage.FAILED, user.stop_at):
        events = await tg.wait_for(
            functools.partial(tg.events, user.chat_id, after=cursor), timeout=within_s
        )
        for event in events:
            cursor = event.seq
            if event.type != "sent":
                continue
            action = user.react(FeedEvent.of(event))
            if action is not None:
                name, args = action
                await getattr(tg, name)(**args)
        assert time.monotonic() < deadline, f"stuck at {user.step}\n{tg.dump()}"
    return cursor
