"""Fixtures for the store contract suite, for every test under tests/bot/store/.

``backend_fixture`` and ``store_fixture`` register as ``backend`` and ``store`` (the distinct
names keep linters from reading test arguments as redefinitions).
``backend`` is parametrized over SQLite (a file under ``tmp_path``) and PostgreSQL (a fresh
random schema per test, dropped with CASCADE afterwards). PostgreSQL tests carry the
``postgres`` mark and skip, saying how to run them, when no server answers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.base import Store
from testing.stores import Backend, postgres_backend, sqlite_backend

__all__ = ["Backend", "backend_fixture", "store_fixture"]


@pytest.fixture(
    name="backend",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
async def backend_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    """Each backend in turn, on an empty database of its own."""
    backends = {"sqlite": lambda: sqlite_backend(tmp_path), "postgres": postgres_backend}
    async for value in backends[request.param]():
        yield value


@pytest.fixture(name="store")
async def store_fixture(backend: Backend) -> AsyncIterator[Store]:
    """An opened store on ``backend``, closed after the test."""
    opened = backend.new_store()
    await opened.open()
    try:
        yield opened
    finally:
        await opened.close()
