"""Worker processes (BOT_WORKERS > 1, bot/runtime/workers.py): the pure sharding rule, each worker's
share of the limits, and real instances (an update fan-out and its workers as child processes)
against the fake Telegram and the sandbox served by this process over loopback."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from bot.app import WorkerSlot
from bot.config import Settings
from bot.runtime.workers import chat_key, shard_of
from bot.vendor.config import VendorConfig
from testing.fake_telegram import FakeTelegram
from testing.harness import WEBHOOK_SECRET, Instance, bot_process_env, drive, serving_fakes
from testing.procs import process_tree
from testing.users import Stage, User

TOKEN = "7000000002:workers-test-token-for-the-fake-server-only"

# ------------------------------------------------------------------ the sharding rule

USER = {"id": 42, "is_bot": False, "first_name": "Asha"}
PRIVATE = {"id": 42, "type": "private"}
GROUP = {"id": -100123, "type": "supergroup", "title": "Field team"}


@pytest.mark.parametrize(
    ("update", "key"),
    [
        ({"update_id": 1, "message": {"message_id": 5, "chat": PRIVATE, "from": USER}}, 42),
        ({"update_id": 1, "edited_message": {"message_id": 5, "chat": GROUP}}, -100123),
        # A button under a message: the message's chat, as Update.effective_chat.
        (
            {
                "update_id": 1,
                "callback_query": {"id": "q", "from": USER, "message": {"chat": GROUP}},
            },
            -100123,
        ),
        ({"update_id": 1, "callback_query": {"id": "q", "from": USER}}, 42),  # inline message
        ({"update_id": 1, "my_chat_member": {"chat": PRIVATE, "from": USER}}, 42),
        ({"update_id": 1, "inline_query": {"id": "i", "from": USER, "query": ""}}, 42),
        ({"update_id": 1, "something_new": {"no": "chat"}}, 0),
        ({"update_id": 1}, 0),
    ],
)
def test_chat_key(update: Mapping[str, Any], key: int) -> None:
    assert chat_key(update) == key


def test_every_update_of_a_chat_goes_to_one_worker() -> None:
    for chat in (42, -100123, 7_000_000_001, 0):
        message = {"update_id": 1, "message": {"chat": {"id": chat}}}
        button = {"update_id": 2, "callback_query": {"message": {"chat": {"id": chat}}}}
        assert shard_of(message, 3) == shard_of(button, 3) in range(3)
    shards = {shard_of({"update_id": 1, "message": {"chat": {"id": c}}}, 2) for c in range(10)}
    assert shards == {0, 1}


def test_workers_split_the_vendor_plan_rounding_down() -> None:
    config = _vendor().with_plan("enterprise")  # 17 a second, 1,000 a minute, 50,000 a day
    third = config.shared_by(3)
    assert (third.per_second, third.per_minute, third.per_day) == (5, 333, 16_666)
    assert config.shared_by(1) is config
    with pytest.raises(ValueError, match="cannot be shared"):
        _vendor().with_plan("starter").shared_by(2)  # 1 a second: no share is possible
    assert _vendor().shared_by(4).per_second is None  # no plan: not paced, whatever the split


def _vendor() -> VendorConfig:
    return VendorConfig(base_url="https://v.example", client_id="c", client_secret=SecretStr("s"))


def test_settings_refuse_more_workers_than_the_plan_can_share() -> None:
    with pytest.raises(ValueError, match="BOT_WORKERS=2 cannot share the starter plan"):
        Settings(_env_file=None, deepvue_plan="starter", bot_workers=2)  # type: ignore[call-arg]
    assert Settings(_env_file=None, deepvue_plan="enterprise", bot_workers=2).bot_workers == 2  # type: ignore[call-arg]
    assert Settings(_env_file=None, bot_workers=4).bot_workers == 4  # type: ignore[call-arg]  # sandbox


def test_workers_split_the_send_limit_and_get_their_own_metrics_port() -> None:
    settings = Settings(_env_file=None, telegram_sends_per_second=30, metrics_port=9108)  # type: ignore[call-arg]
    first, second = (WorkerSlot(i, 2).settings(settings) for i in range(2))
    assert first.telegram_sends_per_second == second.telegram_sends_per_second == 15
    assert (first.metrics_port, second.metrics_port) == (9109, 9110)
    off = Settings(_env_file=None, telegram_sends_per_second=0, metrics_port=0)  # type: ignore[call-arg]
    assert WorkerSlot(1, 2).settings(off).telegram_sends_per_second == 0
    assert WorkerSlot(1, 2).settings(off).metrics_port == 0


# ------------------------------------------------------------------ real instances


def _free_ports(count: int) -> int:
    """A base port with ``count`` free ports in a row (the fan-out's and each worker's)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = int(probe.getsockname()[1])
        if base + count > 65535:
            continue
        try:
            socks = []
            for port in range(base, base + count):
                sock = socket.socket()
                socks.append(sock)
                sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
        return base
    raise RuntimeError("no free ports in a row")


@asynccontextmanager
async def instance(
    tmp_path: Path, workers: int = 2, **settings: str
) -> AsyncIterator[tuple[FakeTelegram, Instance]]:
    async with serving_fakes(TOKEN) as (tg, vendor_url):
        env = bot_process_env(
            tg,
            vendor_url,
            f"sqlite:///{tmp_path / 'bot.db'}",
            BOT_WORKERS=str(workers),
            LOG_LEVEL="INFO",
            **settings,
        )
        bot = Instance("bot", env, tmp_path / "bot.log")
        try:
            yield tg, bot
            await bot.stop()
        finally:
            bot.kill()
            assert not bot.leaks(), f"Aadhaar numbers or OTPs in the log: {bot.leaks()}"


def _kill(pid: int) -> None:
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


async def _scrape(port: int) -> str:
    async with httpx.AsyncClient() as client:
        return (await client.get(f"http://127.0.0.1:{port}/metrics")).text


def _finished(metrics: str) -> float:
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("seedingbot_checks_finished_total{")
    )


async def _gone(pids: list[int], within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() and _alive(pid) for pid in pids):
            return True
        await asyncio.sleep(0.05)
    return False


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; its parent has not reaped it yet


@pytest.mark.slow
async def test_checks_are_shared_between_the_workers(tmp_path: Path) -> None:
    metrics_port = _free_ports(3)
    async with instance(tmp_path, METRICS_PORT=str(metrics_port)) as (tg, bot):
        await bot.wait_said("fanout.started", 60)
        users = [User(chat_id=chat) for chat in range(7001, 7007)]  # both shards
        for user in users:
            await tg.send_text(user.chat_id, "/start")
        await asyncio.gather(*(drive(tg, user, 0, within_s=30) for user in users))
        for user in users:
            assert user.step is Stage.DONE, user.failure
            card = tg.last_message(user.chat_id)
            assert card is not None and "STATE BANK OF INDIA" in card.text

        # Each worker answered its own chats: both counted finished checks.
        per_worker = [_finished(await _scrape(metrics_port + 1 + k)) for k in range(2)]
        assert sum(per_worker) == len(users) and all(per_worker), per_worker
        assert "seedingbot_leader 1.0" in await _scrape(metrics_port)
        workers = process_tree(bot.process.pid)[1:]
        assert len(workers) == 2

    # A graceful stop (SIGTERM to the fan-out) stops the workers too.
    assert bot.process.returncode == 0
    assert await _gone(workers, 5)


@pytest.mark.slow
async def test_a_dead_worker_stops_the_instance(tmp_path: Path) -> None:
    """Better a restart (by a supervisor, or the HA standby) than one shard of users going
    unanswered."""
    async with instance(tmp_path) as (_, bot):
        await bot.wait_said("fanout.started", 60)
        first, second = process_tree(bot.process.pid)[1:]
        _kill(first)
        await asyncio.wait_for(asyncio.to_thread(bot.process.wait), 20)
        assert bot.process.returncode == 1
        assert bot.said("worker.died")
        assert await _gone([second], 5)


@pytest.mark.slow
async def test_workers_stop_when_the_fan_out_is_killed(tmp_path: Path) -> None:
    """SIGKILL leaves no orphans: each worker sees its pipe end, finishes, and exits."""
    async with instance(tmp_path) as (_, bot):
        await bot.wait_said("fanout.started", 60)
        workers = process_tree(bot.process.pid)[1:]
        bot.process.send_signal(signal.SIGKILL)
        bot.process.wait(timeout=10)
        assert await _gone(workers, 10)


@pytest.mark.slow
async def test_webhook_mode_with_workers(tmp_path: Path) -> None:
    port = _free_ports(1)
    webhook = {
        "BOT_MODE": "webhook",
        "WEBHOOK_URL": "https://bot.example.org/telegram",
        "WEBHOOK_SECRET": WEBHOOK_SECRET,
        "WEBHOOK_PORT": str(port),
    }
    async with instance(tmp_path, **webhook) as (tg, bot):
        await bot.wait_said("fanout.started", 60)
        assert tg.webhook is not None and tg.webhook.url == webhook["WEBHOOK_URL"]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            ready = await http.get("/readyz")
            assert ready.status_code == 200
            assert ready.json()["checks"] == {"database": True, "workers": True}
            for update_id, chat in enumerate((8001, 8002), start=1):
                tg.add_chat(chat)
                answer = await http.post(
                    "/telegram",
                    json=_start(update_id, chat),
                    headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET},
                )
                assert answer.status_code == 200
            forged = await http.post("/telegram", json=_start(9, 8003))
            assert forged.status_code == 403
        for chat in (8001, 8002):  # one per worker: each sends its chat the language picker
            picker = await tg.wait_for(lambda c=chat: tg.messages(c), timeout=15)
            assert picker[0].buttons
        assert not tg.messages(8003)


def _start(update_id: int, chat_id: int) -> dict[str, object]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Asha", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Asha"},
            "from": user,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
