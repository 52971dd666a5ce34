"""Webhook mode end to end: updates are posted to the bot's real webhook server over loopback
HTTP (with the secret header, as Telegram does) and its replies go to the fake Bot API server.
A request without the secret, or with another, is refused before it is read."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app import running_bot
from bot.config import SettingsError, load_settings
from bot.runtime.concurrency import PerChatUpdateProcessor
from bot.runtime.services import SeedingApplication
from bot.runtime.webhook import SECRET_HEADER
from testing.clock import FakeClock
from testing.fake_telegram import BotMessage, FakeTelegram
from testing.harness import (
    ACTIVE,
    CAPTCHA,
    GOOD_OTP,
    HARNESS_TOKEN,
    WEBHOOK_SECRET,
    en,
    harness_settings,
)

PUBLIC_URL = "https://bot.example.org/tg/hook"
PATH = "/hook"


@dataclass
class Webhooked:
    tg: FakeTelegram
    app: SeedingApplication
    http: httpx.AsyncClient
    url: str
    delivered: set[int] = field(default_factory=set)

    async def deliver(self, headers: dict[str, str | bytes] | None = None) -> list[int]:
        """Post every update the fake has queued and not yet posted, as Telegram would; return
        the HTTP statuses."""
        statuses = []
        for update in self.tg.pending_updates:
            if update["update_id"] in self.delivered:
                continue
            self.delivered.add(update["update_id"])
            sent: dict[str, str | bytes] = (
                {SECRET_HEADER: WEBHOOK_SECRET} if headers is None else headers
            )
            response = await self.http.post(self.url + PATH, json=update, headers=sent)
            statuses.append(response.status_code)
        await self.settle()
        return statuses

    async def settle(self) -> None:
        processor = self.app.update_processor
        assert isinstance(processor, PerChatUpdateProcessor)
        quiet = 0
        while quiet < 5:
            if not self.app.update_queue.empty() or processor.in_flight:
                quiet = 0
                await asyncio.sleep(0.001)
            else:
                quiet += 1
                await asyncio.sleep(0)

    async def say(self, chat_id: int, text: str) -> list[BotMessage]:
        mark = self._mark(chat_id)
        await self.tg.send_text(chat_id, text)
        assert await self.deliver() == [200]
        return self._since(chat_id, mark)

    async def press(self, chat_id: int, label: str) -> list[BotMessage]:
        mark = self._mark(chat_id)
        for message in reversed(self.tg.messages(chat_id)):
            for row in message.buttons:
                for button in row:
                    if button.text == label:
                        await self.tg.press(chat_id, message.message_id, button.data)
                        assert await self.deliver() == [200]
                        return self._since(chat_id, mark)
        raise AssertionError(f"no button {label!r}")

    def _mark(self, chat_id: int) -> int:
        events = self.tg.events(chat_id)
        return events[-1].seq if events else 0

    def _since(self, chat_id: int, mark: int) -> list[BotMessage]:
        return [e.message for e in self.tg.events(chat_id, after=mark) if e.type == "sent"]


def free_port() -> int:
    """A port nothing listens on now: the test then knows where the webhook will be."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def webhooked(tmp_path: Path, **overrides: Any) -> AsyncIterator[Webhooked]:
    clock = FakeClock()
    port = free_port()
    async with FakeTelegram(HARNESS_TOKEN, clock=clock) as tg:
        settings = harness_settings(
            tmp_path / "bot.db",
            tg,
            bot_mode="webhook",
            webhook_url=PUBLIC_URL,
            webhook_secret=WEBHOOK_SECRET,
            webhook_listen="127.0.0.1",
            webhook_port=port,
            webhook_path=PATH,
            **overrides,
        )
        async with (
            running_bot(settings, clock, sleep=clock.sleep) as app,
            httpx.AsyncClient(timeout=10) as http,
        ):
            yield Webhooked(tg, app, http, f"http://127.0.0.1:{port}")


async def test_a_whole_check_through_the_webhook(tmp_path: Path) -> None:
    async with webhooked(tmp_path) as w:
        assert w.tg.webhook is not None
        assert (w.tg.webhook.url, w.tg.webhook.secret_token) == (PUBLIC_URL, WEBHOOK_SECRET)
        assert not w.tg.calls_to("getUpdates"), "no polling in webhook mode"
        chat = 777
        assert [m.text for m in await w.say(chat, "/start")] == [en("language-prompt")]
        assert (await w.press(chat, "English"))[0].text.startswith("Before we start")
        await w.press(chat, en("consent-agree-button"))
        assert [m.kind for m in await w.say(chat, ACTIVE)] == ["photo"]
        assert en("otp-sent", masked="XXXX XXXX 1096") in (await w.say(chat, CAPTCHA))[-1].text
        card = (await w.say(chat, GOOD_OTP))[-1].text
        assert "STATE BANK OF INDIA" in card
        assert await w.app.services.store.get_flow(chat) is None


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {SECRET_HEADER: "wrong"},
        {SECRET_HEADER: WEBHOOK_SECRET + "x"},
        {SECRET_HEADER: "€".encode()},
    ],
    ids=["no-header", "wrong", "longer", "non-ascii"],
)
async def test_a_request_without_the_secret_is_refused(
    tmp_path: Path, headers: dict[str, str | bytes]
) -> None:
    async with webhooked(tmp_path) as w:
        await w.tg.send_text(778, "/start")
        assert await w.deliver(headers) == [403]
        assert w.tg.messages(778) == [], "the update was not handled"
        assert await w.app.services.store.get_flow(778) is None


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b'{"no_update_id": 1}', b'{"update_id": "x"}'],
    ids=["not-json", "a-list", "no-update-id", "bad-update-id"],
)
async def test_garbage_with_the_secret_is_refused(tmp_path: Path, body: bytes) -> None:
    async with webhooked(tmp_path) as w:
        response = await w.http.post(
            w.url + PATH, content=body, headers={SECRET_HEADER: WEBHOOK_SECRET}
        )
        assert response.status_code == 400


async def test_only_the_webhook_path_takes_updates(tmp_path: Path) -> None:
    async with webhooked(tmp_path) as w:
        headers = {SECRET_HEADER: WEBHOOK_SECRET}
        elsewhere = await w.http.post(w.url + "/elsewhere", json={}, headers=headers)
        assert elsewhere.status_code == 404
        assert (await w.http.get(w.url + PATH, headers=headers)).status_code == 405


async def test_health_and_readiness(tmp_path: Path) -> None:
    async with webhooked(tmp_path, vendor_breaker_failures=1) as w:
        live = await w.http.get(w.url + "/healthz")
        assert (live.status_code, live.json()) == (200, {"status": "ok"})
        ready = await w.http.get(w.url + "/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ready", "checks": {"database": True, "vendor": True}}

        breaker = w.app.services.breaker
        assert breaker is not None
        breaker.machine.record(breaker.machine.admit(), failed=True)  # the vendor went away
        ready = await w.http.get(w.url + "/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"] == {"database": True, "vendor": False}
        assert (await w.http.get(w.url + "/healthz")).status_code == 200, "alive all the same"


async def test_readiness_when_the_database_is_gone(tmp_path: Path) -> None:
    async with webhooked(tmp_path) as w:
        await w.app.services.store.close()
        ready = await w.http.get(w.url + "/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"] is False


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"BOT_MODE": "webhook", "WEBHOOK_SECRET": WEBHOOK_SECRET}, "WEBHOOK_URL"),
        ({"BOT_MODE": "webhook", "WEBHOOK_URL": "http://plain.example.org/x"}, "WEBHOOK_URL"),
        ({"BOT_MODE": "webhook", "WEBHOOK_URL": PUBLIC_URL}, "WEBHOOK_SECRET"),
        (
            {"BOT_MODE": "webhook", "WEBHOOK_URL": PUBLIC_URL, "WEBHOOK_SECRET": "has space"},
            "WEBHOOK_SECRET",
        ),
        ({"BOT_MODE": "carrier-pigeon"}, "BOT_MODE"),
        ({"WEBHOOK_PATH": "/healthz"}, "WEBHOOK_PATH"),
    ],
)
def test_webhook_settings_are_checked(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], names: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None)
    assert names in str(error.value)
    assert WEBHOOK_SECRET not in str(error.value)


def test_polling_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOT_MODE", raising=False)
    assert load_settings(_env_file=None).bot_mode == "polling"
