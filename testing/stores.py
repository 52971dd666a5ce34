"""Store backends for the store contract suite (tests/bot/store/conftest.py makes them fixtures).

A ``Backend`` is SQLite (a file under a test's ``tmp_path``) or PostgreSQL (a fresh random schema
per test, dropped with CASCADE afterwards). PostgreSQL backends skip, saying how to run them,
when no server answers (``TEST_POSTGRES_URL``).
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from bot.store.base import Store
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SqliteStore

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

_postgres_unreachable: str | None = None  # probed once per session; the reason, if any


@dataclass
class Backend:
    """One database, and ways to reach it besides the store under test."""

    name: str
    new_store: Callable[[], Store]  # another, unopened store on the same database
    raw: Callable[[str], Awaitable[object]]  # one SQL statement outside any store: first value
    sqlite_path: Path | None = None


async def postgres_or_skip() -> None:
    global _postgres_unreachable
    if _postgres_unreachable is None:
        try:
            conn = await asyncpg.connect(POSTGRES_URL, timeout=3)
        except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
            _postgres_unreachable = f"{type(exc).__name__}: {exc}"
        else:
            await conn.close()
            _postgres_unreachable = ""
    if _postgres_unreachable:
        pytest.skip(
            f"PostgreSQL not reachable ({_postgres_unreachable}). To run these: start "
            "PostgreSQL and set TEST_POSTGRES_URL=postgresql://user@host:5432/db "
            "(default postgresql://postgres@127.0.0.1:5432/test)"
        )


async def sqlite_backend(tmp_path: Path) -> AsyncIterator[Backend]:
    path = tmp_path / "data" / "bot.db"  # a folder that does not exist yet: open() creates it

    async def raw(sql: str) -> object:
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            row = conn.execute(sql).fetchone()
        finally:
            conn.close()
        return None if row is None else row[0]

    yield Backend("sqlite", lambda: SqliteStore(path), raw, sqlite_path=path)


async def postgres_backend() -> AsyncIterator[Backend]:
    await postgres_or_skip()
    schema = f"store_test_{uuid.uuid4().hex[:12]}"

    async def raw(sql: str) -> object:
        conn = await asyncpg.connect(POSTGRES_URL, server_settings={"search_path": schema})
        try:
            return await conn.fetchval(sql)
        finally:
            await conn.close()

    try:
        yield Backend("postgres", lambda: PostgresStore(POSTGRES_URL, schema=schema), raw)
    finally:
        conn = await asyncpg.connect(POSTGRES_URL)
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()
