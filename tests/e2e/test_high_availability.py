"""Two bot processes on one PostgreSQL: one takes updates; when it is killed, the other takes
over and a check in flight carries on (issue 6).

Real subprocesses (``python -m bot run``), SIGKILL, a real PostgreSQL (skipped, saying how to
run it, when none answers). The fake Telegram and the vendor sandbox run in this process over
loopback, so they outlive the bots as Telegram and the vendor do.
"""

from __future__ import annotations

import asyncio
import random
import signal
import socket
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest

from testing.fake_telegram import BotMessage, FakeTelegram
from testing.harness import Instance, bot_process_env, drive, en, serving_fakes
from testing.stores import POSTGRES_URL
from testing.users import OTP, Stage, User

REPO = Path(__file__).resolve().parent.parent.parent
CHECK_EVERY_S = 0.2
TAKEOVER_WITHIN_S = 10.0

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


async def _postgres_or_skip() -> None:
    try:
        conn = await asyncpg.connect(POSTGRES_URL, timeout=3)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        pytest.skip(
            f"PostgreSQL not reachable ({type(exc).__name__}: {exc}). To run this: start "
            "PostgreSQL and set TEST_POSTGRES_URL=postgresql://user@host:5432/db "
            "(default postgresql://postgres@127.0.0.1:5432/test)"
        )
    await conn.close()


@asynccontextmanager
async def two_instances(
    tmp_path: Path, each: tuple[dict[str, str], dict[str, str]] = ({}, {})
) -> AsyncIterator[tuple[FakeTelegram, Instance, Instance]]:
    """Two instances of one bot on one fresh schema; ``each`` adds settings per instance."""
    await _postgres_or_skip()
    schema = f"ha_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(POSTGRES_URL)
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    # A bot id of its own: the leader lock is per bot, database-wide.
    token = f"{random.randint(10**9, 2 * 10**9)}:ha-test-token-for-the-fake-server-only"
    instances: list[Instance] = []
    try:
        async with serving_fakes(token) as (tg, vendor_url):
            env = bot_process_env(
                tg,
                vendor_url,
                f"{POSTGRES_URL}?search_path={schema}",
                HA_CHECK_INTERVAL_S=str(CHECK_EVERY_S),
                LOG_LEVEL="INFO",
            )
            for name, own in zip(("a", "b"), each, strict=True):
                folder = tmp_path / name
                folder.mkdir()
                instances.append(Instance(name, {**env, **own}, folder / "bot.log"))
            yield tg, instances[0], instances[1]
            for instance in instances:
                await instance.stop()
    finally:
        for instance in instances:
            instance.kill()
        await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await admin.close()
        leaks = [f"{i.name}: {found}" for i in instances if (found := i.leaks())]
        assert not leaks, f"Aadhaar numbers or OTPs in the bots' logs: {leaks}"


@pytest.mark.parametrize("workers", [1, 2])
async def test_standby_takes_over_and_finishes_the_check_in_flight(
    tmp_path: Path, workers: int
) -> None:
    """With BOT_WORKERS=2 the leader is a fan-out and its workers: SIGKILL on the fan-out
    (what a dying machine does to all of them is no harder: its workers stop by themselves)."""
    each = {"BOT_WORKERS": str(workers)}
    async with two_instances(tmp_path, (each, each)) as (tg, first, second):
        # Whichever got the lock first is the leader; the other waits.
        await asyncio.wait(
            [
                asyncio.create_task(first.wait_said("leader.acquired", 30)),
                asyncio.create_task(second.wait_said("leader.acquired", 30)),
            ],
            return_when=asyncio.FIRST_COMPLETED,
        )
        leader, standby = (first, second) if first.said("leader.acquired") else (second, first)
        await standby.wait_said("leader.standby", 30)
        assert not standby.said("leader.acquired")

        # A user gets as far as "OTP sent" with the leader.
        user = User(chat_id=7070, stop_at=Stage.OTP)
        await tg.send_text(user.chat_id, "/start")
        cursor = await drive(tg, user, 0)
        prompt = tg.last_message(user.chat_id)
        assert user.step is Stage.OTP and prompt is not None and "OTP" in prompt.text

        # The leader dies; the standby takes over in time.
        leader.process.send_signal(signal.SIGKILL)
        leader.process.wait(timeout=10)
        took = await standby.wait_said("leader.acquired", TAKEOVER_WITHIN_S)
        assert took < TAKEOVER_WITHIN_S

        # The user types the OTP, as if nothing happened, and gets the result card. The
        # captcha's update may not have been confirmed when the leader died: the new leader
        # then recognises it as applied and asks for the OTP again (nothing else).
        await tg.send_text(user.chat_id, OTP)
        card = await tg.wait_for(lambda: _card(tg, user.chat_id), timeout=20)
        assert "STATE BANK OF INDIA" in card.text
        after = [e.message.text for e in tg.events(user.chat_id, after=cursor) if e.type == "sent"]
        assert set(after[:-1]) <= {en("hint-otp")}, after


def _card(tg: FakeTelegram, chat_id: int) -> BotMessage | None:
    last = tg.last_message(chat_id)
    return last if last is not None and "Bank:" in last.text else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_update(update_id: int, chat_id: int) -> dict[str, object]:
    """What Telegram posts to a webhook when a user sends /start."""
    user = {"id": chat_id, "is_bot": False, "first_name": "Asha", "language_code": "en"}
    message = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private", "first_name": "Asha"},
        "from": user,
        "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }
    return {"update_id": update_id, "message": message}


async def test_in_webhook_mode_only_the_leader_listens(tmp_path: Path) -> None:
    ports = (_free_port(), _free_port())
    secret = "ha-webhook-secret"
    common = {
        "BOT_MODE": "webhook",
        "WEBHOOK_URL": "https://bot.example.org/telegram",
        "WEBHOOK_SECRET": secret,
        "WEBHOOK_LISTEN": "127.0.0.1",
    }
    each = ({**common, "WEBHOOK_PORT": str(ports[0])}, {**common, "WEBHOOK_PORT": str(ports[1])})
    async with two_instances(tmp_path, each) as (tg, first, second):
        await asyncio.wait(
            [
                asyncio.create_task(first.wait_said("webhook.set", 30)),
                asyncio.create_task(second.wait_said("webhook.set", 30)),
            ],
            return_when=asyncio.FIRST_COMPLETED,
        )
        leader, standby = (first, second) if first.said("webhook.set") else (second, first)
        leader_port, standby_port = ports if leader is first else ports[::-1]
        await standby.wait_said("leader.standby", 30)

        async def post(port: int, update: dict[str, object]) -> int:
            async with httpx.AsyncClient() as client:
                response = await client.post(
                    f"http://127.0.0.1:{port}/telegram",
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": secret},
                )
            return response.status_code

        tg.add_chat(8081)
        assert await post(leader_port, _start_update(1, 8081)) == 200
        await tg.wait_for(lambda: tg.messages(8081), timeout=10)  # the language picker
        with pytest.raises(httpx.ConnectError):  # the standby takes nothing
            await post(standby_port, _start_update(2, 8082))

        leader.process.send_signal(signal.SIGKILL)
        leader.process.wait(timeout=10)
        tg.webhook = None  # so that we see the new leader set it again
        await standby.wait_said("webhook.set", TAKEOVER_WITHIN_S)
        assert tg.webhook is not None and tg.webhook.url == "https://bot.example.org/telegram"

        tg.add_chat(8083)
        assert await post(standby_port, _start_update(3, 8083)) == 200
        await tg.wait_for(lambda: tg.messages(8083), timeout=10)
