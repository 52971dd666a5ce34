"""Crash safety: SIGKILL the bot at random moments during bursts of 50 concurrent checks.

The bot runs as a real subprocess (``python -m bot run``) against the fake Bot API server that
this test process serves over loopback (it outlives the bot, as Telegram does), with a SQLite
file and the in-process sandbox (captcha text fixed). Fifty scripted users start a check each
and act like people: they answer what the bot last said, and when no answer comes because the
bot died they do their last step again once it is back.

Twenty times: 50 users begin a check at once; after a random number of Bot API calls the bot
is killed with SIGKILL; the database must pass ``PRAGMA integrity_check``; the bot is started
again (the next burst meets this process), and every user of the burst must get their result
or be told to start again (the in-process sandbox dies with the bot, so an OTP sent before a
kill cannot be verified after it: "start again"). At the end no consent that the fake Telegram
saw acknowledged is missing from the database, and none is recorded twice (the users who tap
"I agree" again after a kill included); the bot never reached its error handler and logged no
traceback and no secret.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from testing.fake_telegram import FakeTelegram
from testing.harness import CAPTCHA, HARNESS_TOKEN, en, stop_process
from testing.leaks import find_secrets
from testing.reading_user import AGREE, UserAction, decide

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent.parent
# Bursts per CI run; the figures in docs/reliability.md were recorded with CRASH_RUNS=20.
RUNS = int(os.environ.get("CRASH_RUNS", "8"))
USERS_PER_RUN = 50
KILL_AFTER_CALLS = (1, 1000)  # a burst of 50 checks makes about 1,000 Bot API calls
QUIET_S = 1.0  # a bot that sent nothing for this long, alive, will not answer any more
SEED = 515

RECORDED = en("consent-recorded")


@dataclass
class User:
    chat_id: int
    outcome: str | None = None  # "result" or "start again"
    told: str = ""  # what told them to start again
    agree_queries: list[str] = field(default_factory=list)
    repeats: int = 0  # actions done again after a crash


class World:
    """The fake Telegram, the bot process, and what the test knows about both."""

    def __init__(self, tg: FakeTelegram, tmp_path: Path) -> None:
        self.tg = tg
        self.db = tmp_path / "bot.db"
        self.log = tmp_path / "bot.log"
        self.generation = 0  # bot processes started so far
        self.alive = False
        # Per bot process: the updates still queued at Telegram after it was killed. One it had
        # taken and not answered was lost with it: the user will do that step again.
        self.left_queued: dict[int, set[tuple[int | str, ...]]] = {}
        self.process: subprocess.Popen[bytes] | None = None
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DEEPVUE_"))
        }
        self.env.update(
            PYTHONPATH=str(REPO),
            TELEGRAM_BOT_TOKEN=tg.token,
            TELEGRAM_BASE_URL=tg.base_url,
            TELEGRAM_SENDS_PER_SECOND="0",
            DATABASE_URL=f"sqlite:///{self.db}",
            SANDBOX_CAPTCHA_TEXT=CAPTCHA,
            LOG_LEVEL="WARNING",
        )

    async def start(self) -> None:
        begin = len(self.tg.calls)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"], cwd=REPO, env=self.env, stderr=log
            )
        self.generation += 1
        await self.tg.wait_for(lambda: self._polling_since(begin), timeout=30)
        # What the new process is about to get: the dead one's last getUpdates (which confirmed
        # what it had taken) was handled long before this one, a second of start-up later.
        queued = {_key(update) for update in self.tg.pending_updates}
        self.left_queued[self.generation - 1] = {key for key in queued if key is not None}
        self.alive = True

    def _polling_since(self, begin: int) -> bool:
        """The new process polls: a getMe (sent once, at start-up), then a getUpdates. Calls
        the dead process had sent before it died may still be arriving: they are never getMe."""
        methods = [call.method for call in self.tg.calls[begin:]]
        return "getMe" in methods and "getUpdates" in methods[methods.index("getMe") :]

    def quiet(self, seconds: float) -> bool:
        """The bot has sent nothing but getUpdates for ``seconds``: it is idle."""
        for call in reversed(self.tg.calls):
            if call.method != "getUpdates":
                return time.time() - call.at >= seconds
        return True

    def kill(self) -> None:
        assert self.process is not None
        self.alive = False
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    async def stop(self) -> None:
        await stop_process(self.process)

    def intact(self) -> bool:
        with sqlite3.connect(self.db) as db:
            return db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def _key(update: dict[str, Any]) -> tuple[int | str, ...] | None:
    """Names a user's update: a message by chat and id, a tap by its query id."""
    if "message" in update:
        return (update["message"]["chat"]["id"], update["message"]["message_id"])
    if "callback_query" in update:
        return (update["callback_query"]["id"],)
    return None


async def drive(world: World, user: User) -> None:
    """Act, wait for the bot's answer; after a crash do the last step again."""
    tg = world.tg
    while True:
        step = decide(tg.messages(user.chat_id))
        if isinstance(step, str):
            user.outcome = step
            last = tg.last_message(user.chat_id)
            user.told = last.text[:60] if last else ""
            return
        events = tg.events(user.chat_id)
        await act(world, user, step, mark=events[-1].seq if events else 0)


async def act(world: World, user: User, step: UserAction, *, mark: int) -> None:
    """Do ``step``; return once the bot answered, or once it is clear it never will."""
    tg = world.tg
    # The first bot process that can take the update: this one, or the next if none runs.
    first = world.generation if world.alive else world.generation + 1
    key: tuple[int | str, ...]
    if step.text is not None:
        key = (user.chat_id, await tg.send_text(user.chat_id, step.text))
    else:
        # Not strict: a step done again may find the bot just took the buttons away.
        query = await tg.press(user.chat_id, step.message_id, step.data, strict=False)
        key = (query,)
        if step.label == AGREE:
            user.agree_queries.append(query)

    def answered() -> bool:
        return any(e.type == "sent" for e in tg.events(user.chat_id, after=mark))

    def lost() -> bool:
        """Taken by a bot process that was killed before it answered (once taken, an update
        is never queued again: the latest look after a kill tells)."""
        dead = [g for g in world.left_queued if g >= first]
        return bool(dead) and key not in world.left_queued[max(dead)] and world.alive

    waited = 0.0
    while not (answered() or lost()):
        await until(tg, lambda: answered() or lost(), QUIET_S)
        waited += QUIET_S
        if not answered() and world.alive and world.quiet(QUIET_S):
            break  # taken by a process that died, and its last calls arrived late: ask again
        if waited > 60:
            said = [m.text[:60] for m in tg.messages(user.chat_id)[-3:]]
            raise AssertionError(f"user {user.chat_id} got no answer to {step}; last: {said}")
    if not answered():
        user.repeats += 1  # the user does that step again


async def until(tg: FakeTelegram, condition: Callable[[], bool], seconds: float) -> None:
    """Wait for ``condition``, at most ``seconds`` (without the fake's timeout report, which
    dumps every transcript: too slow to make a hundred times a second)."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(tg.wait_for(condition, timeout=3600), seconds)


def consent_rows(db: Path) -> Counter[int]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT chat_id FROM consents WHERE outcome = 'given'")
        return Counter(chat_id for (chat_id,) in rows)


async def test_sigkill_during_bursts_loses_and_corrupts_nothing(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    async with FakeTelegram(HARNESS_TOKEN) as tg:
        world = World(tg, tmp_path)
        users: list[User] = []
        drivers: list[asyncio.Task[None]] = []
        pending: set[asyncio.Task[None]] = set()
        kills = integrity_failures = 0
        try:
            await world.start()
            for run in range(RUNS):
                burst = [User(chat_id=10_000 * (run + 1) + i) for i in range(USERS_PER_RUN)]
                users += burst
                drivers = [asyncio.create_task(drive(world, user)) for user in burst]
                wanted = len(tg.calls) + rng.randint(*KILL_AFTER_CALLS)
                # After that many calls, or now if the burst ran out of them.
                await until(tg, lambda: len(tg.calls) >= wanted, 10)  # noqa: B023
                world.kill()
                kills += 1
                integrity_failures += not world.intact()
                await world.start()  # this burst's users finish; the next burst meets this bot
                done, pending = await asyncio.wait(drivers, timeout=60)
                for task in done:
                    task.result()  # a driver that failed says why
                assert not pending, f"run {run}: {len(pending)} users neither finished nor told"
        finally:
            for task in drivers:
                task.cancel()
            await world.stop()
    integrity_failures += not world.intact()

    rows = consent_rows(world.db)
    acknowledged = {
        user.chat_id
        for user in users
        for query in user.agree_queries
        if (answer := tg.callback_answers.get(query)) is not None and answer.text == RECORDED
    }
    lost = len(acknowledged - set(rows))
    duplicated = sum(count - 1 for count in rows.values() if count > 1)
    outcomes = Counter(user.outcome for user in users)
    told = Counter(user.told for user in users if user.outcome == "start again")
    log = world.log.read_text(encoding="utf-8", errors="replace")
    figures = {
        "runs": RUNS,
        "kills": kills,
        "users": len(users),
        "integrity failures": integrity_failures,
        "consents acknowledged": len(acknowledged),
        "consent rows": sum(rows.values()),
        "consent records lost": lost,
        "consent records duplicated": duplicated,
        "finished with the result": outcomes["result"],
        "told to start again": outcomes["start again"],
        "stuck": outcomes[None],
        "steps done again after a kill": sum(user.repeats for user in users),
    }
    print("\ncrash test figures: " + ", ".join(f"{k}: {v}" for k, v in figures.items()))
    print("told to start again by: " + "; ".join(f"{n}× {t!r}" for t, n in told.most_common()))
    assert kills == RUNS
    assert integrity_failures == 0
    assert lost == 0 and duplicated == 0
    assert outcomes[None] == 0 and not pending, "every user finishes or is told to start again"
    assert "update.failed" not in log and "Traceback" not in log
    assert not find_secrets(log), "the bot's log holds a secret"
