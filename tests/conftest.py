"""Shared fixtures. The end-to-end harness lives in testing/harness.py, the leak search in
testing/leaks.py.

``leak_guard`` runs around the whole session: it records every log record (raw, before any
redaction, at DEBUG) and, when the session ends, searches those records and every SQLite file
the tests left (``*.db``, ``-wal``, ``-shm``) for the Aadhaar numbers and OTPs the tests typed,
and the log records also for the secrets in ``SECRET_STRINGS`` (bot token, webhook secret,
vendor client secret). A find fails the run.

A number is searched for in every form a test may have typed it (testing/leaks.py).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.observability.logging_setup import quiet_noisy_loggers
from testing.harness import Harness, running_harness
from testing.leaks import LogRecorder, find_secrets
from testing.staff import staffed_fixture  # noqa: F401 - the ``staffed`` fixture: an admin's harness


@pytest.fixture(scope="session", autouse=True)
def leak_guard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    recorder = LogRecorder()
    root = logging.getLogger()
    root.addHandler(recorder)
    root.setLevel(logging.DEBUG)
    quiet_noisy_loggers()
    yield
    root.removeHandler(recorder)
    leaks = [f"log: {line[:200]}" for line in recorder.lines if find_secrets(line)]
    base = tmp_path_factory.getbasetemp()
    for path in base.rglob("*"):
        if path.is_file() and path.name.endswith((".db", ".db-wal", ".db-shm")):
            found = find_secrets(path.read_bytes())
            if found:
                leaks.append(f"{path.relative_to(base)}: {found}")
    assert not leaks, "Aadhaar numbers, OTPs or secrets leaked:\n" + "\n".join(leaks)


@pytest.fixture
async def harness(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    """The bot against the fakes; ``@pytest.mark.settings(name=value)`` changes its settings."""
    marker = request.node.get_closest_marker("settings")
    async with running_harness(tmp_path, **(marker.kwargs if marker else {})) as h:
        yield h
