"""Time per state transition as the store fills: SQLite, PostgreSQL, and PicklePersistence.

A transition is what the bot does at every step of a check: ``save_flow`` of one chat's state
(an upsert of one row). It is timed with 10³…10⁶ other chats already stored, through the real
store classes. Beside them, python-telegram-bot's ``PicklePersistence`` flushing after every
update (``on_flush=False``) on the same transitions: the store most bots of this kind use,
which rewrites every chat's data on each flush.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from telegram.ext import ExtBot, PicklePersistence

from bench.report import Report
from bot.check.state import FlowState, Notes, Step
from bot.store.base import Store
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SqliteStore

TEMPLATE_CHAT = 0
PICKLE_OPS_LARGE = 3  # a flush of 10⁶ full flow states takes seconds: a few suffice
LARGE = 100_000

Transition = Callable[[int, int], Awaitable[None]]  # (chat id, op number)


@dataclass
class StorePlan:
    sizes: tuple[int, ...] = (1_000, 100_000, 1_000_000)
    runs: int = 3
    ops: int = 300
    postgres_url: str = ""


def _state(chat_id: int, step: Step = Step.CAPTCHA) -> FlowState:
    now = datetime.now(UTC)
    return FlowState(
        chat_id=chat_id,
        user_id=chat_id,
        check_id="bench0001",
        step=step,
        language="en",
        created_at=now,
        updated_at=now,
        expires_at=now + timedelta(minutes=30),
        consent_id=1,
        last4="1096",
        vendor_session_id="0123456789abcdef",
        prompt_message_id=5,
        notes=Notes(session_at=now),
    )


async def _timed(transition: Transition, size: int, ops: int, seed: int) -> float:
    """Mean milliseconds per transition over ``ops`` chats drawn from the ``size`` stored."""
    rng = random.Random(seed)
    chats = [rng.randint(1, size) for _ in range(ops)]
    started = time.perf_counter()
    for number, chat_id in enumerate(chats):
        await transition(chat_id, number)
    return (time.perf_counter() - started) * 1000 / ops


def _store_transition(store: Store) -> Transition:
    steps = (Step.AADHAAR, Step.CAPTCHA, Step.OTP)

    async def transition(chat_id: int, number: int) -> None:
        await store.save_flow(_state(chat_id, steps[number % len(steps)]))

    return transition


async def _measure(
    report: Report,
    plan: StorePlan,
    backend: str,
    label: str,
    filled: Filler,
) -> None:
    for size in plan.sizes:
        ops = plan.ops if backend != "pickle" or size < LARGE else PICKLE_OPS_LARGE
        async with filled(size) as transition:
            await _timed(transition, size, min(ops, 20) if ops > 5 else 1, seed=0)  # warm caches
            runs = [await _timed(transition, size, ops, seed=run + 1) for run in range(plan.runs)]
        report.add(f"store.{backend}.{size}_ms", f"store: {label}, {size:,} chats", "ms", runs)
    small, large = min(plan.sizes), max(plan.sizes)
    report.derive(
        f"store.{backend}.ratio",
        f"store: {label}, {large:,} ÷ {small:,} chats",
        "×",
        [f"store.{backend}.{large}_ms", f"store.{backend}.{small}_ms"],
        lambda big, little: big / little,
    )


# ------------------------------------------------------------------ SQLite


@contextlib.asynccontextmanager
async def _sqlite_filled(size: int) -> AsyncIterator[Transition]:
    with tempfile.TemporaryDirectory(prefix="seeding-bench-store-") as tmp:
        path = Path(tmp) / "bot.db"
        store = SqliteStore(path)
        await store.open()
        try:
            await store.save_flow(_state(TEMPLATE_CHAT))
            _copy_template_sqlite(path, size)
            yield _store_transition(store)
        finally:
            await store.close()


def _copy_template_sqlite(path: Path, size: int) -> None:
    """``size`` more rows like the template chat's, in one statement."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(flows)")]
        rest = ", ".join(c for c in columns if c not in ("chat_id", "user_id"))
        conn.execute(
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?) "
            f"INSERT INTO flows (chat_id, user_id, {rest}) "
            f"SELECT x, x, {rest} FROM n, flows WHERE flows.chat_id = ?",
            (size, TEMPLATE_CHAT),
        )
    finally:
        conn.close()


# ------------------------------------------------------------------ PostgreSQL


Filler = Callable[[int], contextlib.AbstractAsyncContextManager[Transition]]


def _postgres_filled(url: str) -> Filler:
    @contextlib.asynccontextmanager
    async def filled(size: int) -> AsyncIterator[Transition]:
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        store = PostgresStore(url, schema=schema)
        await store.open()
        try:
            await store.save_flow(_state(TEMPLATE_CHAT))
            conn = await asyncpg.connect(url, server_settings={"search_path": schema})
            try:
                columns = [
                    r["column_name"]
                    for r in await conn.fetch(
                        "SELECT column_name FROM information_schema.columns"
                        " WHERE table_schema = $1 AND table_name = 'flows'",
                        schema,
                    )
                ]
                rest = ", ".join(c for c in columns if c not in ("chat_id", "user_id"))
                await conn.execute(
                    f"INSERT INTO flows (chat_id, user_id, {rest}) "
                    f"SELECT g, g, {rest} FROM generate_series(1, $1::bigint) g, flows t "
                    "WHERE t.chat_id = $2",
                    size,
                    TEMPLATE_CHAT,
                )
                await conn.execute("VACUUM ANALYZE flows")
            finally:
                await conn.close()
            yield _store_transition(store)
        finally:
            await store.close()
            conn = await asyncpg.connect(url)
            try:
                await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            finally:
                await conn.close()

    return filled


async def _postgres_reachable(url: str) -> str:
    """Empty if ``url`` answers, else why not."""
    try:
        conn = await asyncpg.connect(url, timeout=3)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return ""


# ------------------------------------------------------------------ PicklePersistence


@contextlib.asynccontextmanager
async def _pickle_filled(size: int) -> AsyncIterator[Transition]:
    """PTB's PicklePersistence with ``size`` chats' data, flushing on every update."""
    with tempfile.TemporaryDirectory(prefix="seeding-bench-pickle-") as tmp:
        row = {k: str(v) if isinstance(v, datetime) else v for k, v in asdict(_state(0)).items()}
        persistence: PicklePersistence[Any, Any, Any] = PicklePersistence(
            Path(tmp) / "bot.pickle", single_file=True, on_flush=False
        )
        persistence.set_bot(ExtBot("123456:BENCH-TOKEN-NOT-USED"))
        # What get_chat_data() would have loaded from a bot that has served ``size`` chats.
        persistence.chat_data = {chat: dict(row, chat_id=chat) for chat in range(1, size + 1)}
        steps = ("aadhaar", "captcha", "otp")

        async def transition(chat_id: int, number: int) -> None:
            data = dict(row, chat_id=chat_id, step=steps[number % len(steps)], op=number)
            await persistence.update_chat_data(chat_id, data)

        yield transition


async def store_benchmarks(plan: StorePlan, report: Report) -> None:
    await _measure(report, plan, "sqlite", "SQLite save_flow", lambda n: _sqlite_filled(n))
    why_not = await _postgres_reachable(plan.postgres_url) if plan.postgres_url else "skipped"
    if why_not:
        report.notes.append(
            f"PostgreSQL store not measured ({why_not}); set BENCH_POSTGRES_URL or --postgres"
        )
    else:
        await _measure(
            report, plan, "postgres", "PostgreSQL save_flow", _postgres_filled(plan.postgres_url)
        )
    await _measure(report, plan, "pickle", "PicklePersistence flush per update", _pickle_filled)
