"""No message lost (issue 10): SIGKILL the bot while users' messages are in flight at every step,
start it again, and every user gets the answer to what they sent, without sending it again.

Real ``python -m bot run`` processes, against the fake Telegram and a vendor sandbox served by
this test process over loopback (they outlive the bot, as Telegram and the vendor do; the
sandbox answers every call after ``VENDOR_LATENCY_MS``, so that vendor calls are in flight when
the kill comes). Each round, every user does their next step at the same moment (pick the
language, agree, type the number, the captcha, the OTP, tap "Check another number" under the
result card); once the bot has started handling them it is killed with SIGKILL (its workers
too) and started again. Then every user of the round must get an answer within
``ANSWER_WITHIN_S``: "users without an answer" must be 0. A user whose Aadhaar number was held
only in the dead process's memory is asked for it again: that is their answer (and their next
step). In the HA topology, two instances share PostgreSQL and the *leader* is killed each
round; the standby takes over, and the killed one comes back as the next standby.

At the end nothing was done twice: no chat has two consent records, two result cards or two
check-log rows; no chat has more OTP requests counted than OTPs it was told were sent. The
database is intact, the bots never reached their error handler, and their logs hold no
traceback and no Aadhaar number or OTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sqlite3
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.clock import SystemClock
from bot.sandbox import SandboxConfig, running_sandbox
from testing.fake_telegram import FakeTelegram
from testing.harness import CAPTCHA, GOOD_OTP, WEBHOOK_SECRET, Instance, bot_process_env, en
from testing.reading_user import UserAction, decide
from testing.stores import POSTGRES_URL

pytestmark = pytest.mark.slow

TOKEN = "7000000010:no-message-lost-test-token-fake-server-only"
# Users per round: enough for several chats in flight on each worker, few enough to keep the
# whole test (four topologies, about eight rounds each) within a couple of minutes on 2 cores.
USERS = int(os.environ.get("NO_MESSAGE_LOST_USERS", "6"))
VENDOR_LATENCY_MS = 300
ANSWER_WITHIN_S = 30.0
# A user who must start anew (an OTP used up by a verify-otp the kill cut short) needs six more
# rounds, and a loaded machine can make that happen late: rounds past the first finish only
# while someone is still not done, so the margin costs nothing when all goes well.
MAX_ROUNDS = 24
CHECK_AGAIN = en("check-again-button")
CHECK_EVERY_S = "0.2"


@dataclass
class Player:
    chat_id: int
    done: bool = False  # tapped "Check another number" under the result card, and was answered
    steps: list[str] = field(default_factory=list)


class Topology:
    """Bot processes of one topology over the fakes; ``kill_leader`` and ``restart``."""

    def __init__(self, name: str, tg: FakeTelegram, env: dict[str, str], tmp: Path) -> None:
        self.name = name
        self.tg = tg
        self.env = env
        self.tmp = tmp
        self.instances: list[Instance] = []
        self.generation = 0

    def spawn(self, **extra: str) -> Instance:
        self.generation += 1
        log = self.tmp / f"{self.name}-{self.generation}.log"
        instance = Instance(f"{self.name}-{self.generation}", {**self.env, **extra}, log)
        self.instances.append(instance)
        return instance

    @property
    def running(self) -> list[Instance]:
        return [i for i in self.instances if i.process.poll() is None]

    def logs(self) -> str:
        return "".join(i.log.read_text(errors="replace") for i in self.instances)

    async def stop(self) -> None:
        for instance in self.instances:
            await instance.stop()
            instance.kill()


async def _taking_updates(instance: Instance, *, webhook: bool, workers: bool) -> None:
    """Until a bot with SQLite takes updates (polls, or has set its webhook)."""
    if webhook:
        await instance.wait_said("webhook.set", 60)
    else:
        await instance.wait_said("fanout.started" if workers else "bot.started", 60)


async def act(tg: FakeTelegram, player: Player) -> int | None:
    """The player's next step, done now; the mark after which its answer comes (None: done)."""
    messages = tg.messages(player.chat_id)
    events = tg.events(player.chat_id)
    mark = events[-1].seq if events else 0
    last = tg.last_message(player.chat_id)
    if last is not None and last.text == en("restart-otp-unknown"):
        step: UserAction | str = UserAction(text=GOOD_OTP)  # as it says: the OTP again, first
    else:
        step = decide(messages)
    if step == "result":
        card = next(m for m in reversed(messages) if not m.deleted and "Bank:" in m.text)
        data = card.button(CHECK_AGAIN).data
        player.steps.append("result buttons")
        await tg.press(player.chat_id, card.message_id, data, strict=False)
        return mark
    if isinstance(step, str):  # "start again": told to begin anew (not expected here)
        player.steps.append(step)
        await tg.send_text(player.chat_id, "/start")
        return mark
    assert isinstance(step, UserAction)
    if step.text is not None:
        player.steps.append(_name(step.text))
        await tg.send_text(player.chat_id, step.text)
    else:
        player.steps.append("language" if step.label == "English" else "consent")
        await tg.press(player.chat_id, step.message_id, step.data, strict=False)
    return mark


def _name(text: str) -> str:
    if text == "/start":
        return "start"
    if text == CAPTCHA:
        return "captcha"
    return "OTP" if len(text) == 6 else "number"


def answered(tg: FakeTelegram, player: Player, mark: int) -> bool:
    return any(e.type == "sent" for e in tg.events(player.chat_id, after=mark))


@dataclass
class Figures:
    rounds: int = 0
    kills: int = 0
    in_flight_at_kill: int = 0  # users whose answer had not come when the kill came
    without_answer: int = 0
    steps: Counter[str] = field(default_factory=Counter)
    asked_number_again: int = 0


async def play(topology: Topology, players: list[Player], *, webhook: bool, ha: bool) -> Figures:
    tg = topology.tg
    figures = Figures()
    killed_at: set[str] = set()
    while not all(p.done for p in players) and figures.rounds < MAX_ROUNDS:
        figures.rounds += 1
        active = [p for p in players if not p.done]
        calls = len(tg.calls)
        marks = {p.chat_id: await act(tg, p) for p in active}
        figures.steps.update(p.steps[-1] for p in active)

        def handling() -> bool:
            return any(c.method not in ("getUpdates",) for c in tg.calls[calls:])  # noqa: B023

        # A kill at every step once (else a kill at the captcha every round, which sends
        # those users back to the number, would never let them reach the OTP).
        steps = {p.steps[-1] for p in active}
        if not steps <= killed_at:
            killed_at.update(steps)
            with contextlib.suppress(TimeoutError):
                await tg.wait_for(handling, timeout=5)
            leader = await _leader(topology, ha)
            figures.in_flight_at_kill += sum(
                not answered(tg, p, marks[p.chat_id] or 0) for p in active
            )
            leader.kill()
            figures.kills += 1
            if ha:  # the standby takes over; the killed one comes back as the next standby
                standby = topology.running[0]
                await standby.wait_said("leader.acquired", 30)
                topology.spawn()
            else:
                workers = topology.env.get("BOT_WORKERS", "1") != "1"
                await _taking_updates(topology.spawn(), webhook=webhook, workers=workers)

        deadline = time.monotonic() + ANSWER_WITHIN_S
        while time.monotonic() < deadline:
            if all(answered(tg, p, marks[p.chat_id] or 0) for p in active):
                break
            await asyncio.sleep(0.05)
        for player in active:
            if not answered(tg, player, marks[player.chat_id] or 0):
                figures.without_answer += 1
            elif player.steps[-1] == "result buttons":
                player.done = True
            last = tg.last_message(player.chat_id)
            if last is not None and last.text == en("number-lost"):
                figures.asked_number_again += 1
    return figures


async def _leader(topology: Topology, ha: bool) -> Instance:
    running = topology.running
    if not ha:
        assert len(running) == 1
        return running[0]
    for instance in running:
        if instance.log.read_text(errors="replace").count("leader.acquired"):
            return instance
    raise AssertionError("no leader")


@dataclass
class Done:
    consents: Counter[int]
    checks: Counter[int]
    otp_requests: Counter[int]
    intact: bool


def sqlite_rows(db: Path) -> Done:
    with sqlite3.connect(db) as connection:
        intact = connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        consents = Counter(
            r[0] for r in connection.execute("SELECT chat_id FROM consents WHERE outcome='given'")
        )
        checks = Counter(r[0] for r in connection.execute("SELECT chat_id FROM check_log"))
        otps = Counter(r[0] for r in connection.execute("SELECT user_id FROM otp_requests"))
    return Done(consents, checks, otps, intact)


async def postgres_rows(dsn: str) -> Done:
    connection = await asyncpg.connect(dsn)
    try:
        consents = Counter(
            r[0]
            for r in await connection.fetch("SELECT chat_id FROM consents WHERE outcome='given'")
        )
        checks = Counter(r[0] for r in await connection.fetch("SELECT chat_id FROM check_log"))
        otps = Counter(r[0] for r in await connection.fetch("SELECT user_id FROM otp_requests"))
        await connection.fetchval("SELECT count(*) FROM flows")
    finally:
        await connection.close()
    return Done(consents, checks, otps, True)


def twice(tg: FakeTelegram, players: list[Player], done: Done) -> dict[str, int]:
    """Actions applied twice, by kind."""
    otp_sent = en("otp-sent", masked="XXXX XXXX 1096").split("\n")[0]
    cards = Counter(p.chat_id for p in players for m in tg.messages(p.chat_id) if "Bank:" in m.text)
    otp_messages = Counter(
        p.chat_id for p in players for m in tg.messages(p.chat_id) if otp_sent in m.text
    )
    # A user told to start again (an OTP the vendor had used up before the kill) begins a new
    # check: a second consent and a second check-log row of their own are not doubles.
    checks = {p.chat_id: 1 + p.steps.count("start again") for p in players}
    return {
        "consent recorded twice": sum(
            max(0, n - checks[chat]) for chat, n in done.consents.items()
        ),
        "result card twice": sum(n - 1 for n in cards.values() if n > 1),
        "check logged twice": sum(max(0, n - checks[chat]) for chat, n in done.checks.items()),
        "OTP counted twice": sum(
            max(0, done.otp_requests[p.chat_id] - otp_messages[p.chat_id]) for p in players
        ),
    }


@contextlib.asynccontextmanager
async def fakes() -> AsyncIterator[tuple[FakeTelegram, str]]:
    config = SandboxConfig(captcha_text=CAPTCHA, latency_ms=VENDOR_LATENCY_MS)
    async with (
        FakeTelegram(TOKEN) as tg,
        running_sandbox(config, SystemClock()) as vendor_url,
    ):
        yield tg, vendor_url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _postgres_schema() -> tuple[str, Callable[[], Any]]:
    try:
        admin = await asyncpg.connect(POSTGRES_URL, timeout=3)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        pytest.skip(f"PostgreSQL not reachable ({type(exc).__name__}); set TEST_POSTGRES_URL")
    schema = f"lost_{uuid.uuid4().hex[:12]}"
    await admin.execute(f'CREATE SCHEMA "{schema}"')

    async def drop() -> None:
        await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await admin.close()

    return f"{POSTGRES_URL}?search_path={schema}", drop


@pytest.mark.parametrize("topology", ["polling", "workers", "webhook", "ha"])
async def test_sigkill_with_messages_in_flight_loses_none(tmp_path: Path, topology: str) -> None:
    ha = topology == "ha"
    webhook = topology == "webhook"
    drop: Callable[[], Any] | None = None
    if ha:
        database, drop = await _postgres_schema()
    else:
        database = f"sqlite:///{tmp_path / 'bot.db'}"
    try:
        async with fakes() as (tg, vendor_url):
            extra = {"LOG_LEVEL": "INFO", "HA_CHECK_INTERVAL_S": CHECK_EVERY_S}
            if topology == "workers":
                extra["BOT_WORKERS"] = "2"
            if webhook:
                port = _free_port()
                extra.update(
                    BOT_MODE="webhook",
                    WEBHOOK_URL="https://bot.example.org/telegram",
                    WEBHOOK_SECRET=WEBHOOK_SECRET,
                    WEBHOOK_PORT=str(port),
                )
                tg.deliver_webhook_to(f"http://127.0.0.1:{port}/telegram", retry_s=0.2)
            env = bot_process_env(tg, vendor_url, database, **extra)
            world = Topology(topology, tg, env, tmp_path)
            try:
                first = world.spawn()
                if ha:
                    await first.wait_said("leader.acquired", 60)
                    await world.spawn().wait_said("leader.standby", 60)
                else:
                    await _taking_updates(first, webhook=webhook, workers=topology == "workers")
                players = [Player(chat_id=90_000 + i) for i in range(USERS)]
                figures = await play(world, players, webhook=webhook, ha=ha)
            finally:
                await world.stop()
            done = await postgres_rows(database) if ha else sqlite_rows(tmp_path / "bot.db")
            doubles = twice(tg, players, done)
    finally:
        if drop is not None:
            await drop()

    logs = world.logs()
    leaks = [found for i in world.instances if (found := i.leaks())]
    print(
        f"\n{topology}: {USERS} users, {figures.rounds} rounds, {figures.kills} kills, "
        f"users in flight at a kill: {figures.in_flight_at_kill}, "
        f"users without an answer: {figures.without_answer}, actions twice: {doubles}, "
        f"asked for the number again: {figures.asked_number_again}, steps: {dict(figures.steps)}"
    )
    for player in players:
        if not player.done or "start again" in player.steps:
            said = [f"{m.kind}:{m.text[:70]}" for m in tg.messages(player.chat_id)[-6:]]
            print(f"chat {player.chat_id}: {player.steps}; last said: {said}")
    assert figures.without_answer == 0
    assert all(p.done for p in players), [(p.chat_id, p.steps) for p in players if not p.done]
    assert not any(doubles.values()), doubles
    assert done.intact
    assert figures.in_flight_at_kill > 0, "the kills must catch updates in flight"
    assert "update.failed" not in logs and "Traceback" not in logs
    assert not leaks, leaks
