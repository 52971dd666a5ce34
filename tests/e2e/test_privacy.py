"""Compliance §4-5: no Aadhaar number or OTP on disk or in logs.

The session-wide guard in conftest.py searches every log record and SQLite file after the
whole suite; these tests show the search finds a planted leak (so the guard can fail), and
check one full run explicitly, down to the -wal file.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.check.state import FlowState, Step
from bot.observability.logging_setup import JsonFormatter, RedactingFilter
from bot.store.sqlite import SqliteStore
from testing.harness import ACTIVE, GOOD_OTP, INACTIVE, running_harness
from testing.leaks import find_secrets

NOW = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


async def test_the_search_finds_a_number_planted_in_sqlite(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "planted.db")
    await store.open()
    state = FlowState(
        chat_id=1, user_id=1, check_id="x", step=Step.CAPTCHA, language="en",
        created_at=NOW, updated_at=NOW, expires_at=NOW + timedelta(minutes=30),
        vendor_session_id=ACTIVE.replace(" ", ""),  # no free-form field left: a str column
    )  # fmt: skip
    await store.save_flow(state)
    files = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    await store.close()
    assert find_secrets(files) == [ACTIVE.replace(" ", "")]
    for path in tmp_path.iterdir():  # don't trip the session guard with our own plant
        path.unlink()


def test_the_search_finds_otps_but_not_timestamps() -> None:
    assert find_secrets(f"otp={GOOD_OTP}") == [GOOD_OTP]
    assert find_secrets("2026-02-01T09:00:00.123456+00:00") == []


async def test_a_full_check_leaves_no_number_in_any_file(tmp_path: Path) -> None:
    async with running_harness(tmp_path) as h:
        for number in (ACTIVE, INACTIVE):
            await h.chat().check(number)
        # Before shutdown: the -wal and -shm files are still there.
        live = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert any(name.endswith("-wal") for name in live)
    for name, data in live.items():
        assert not find_secrets(data), name
    for path in tmp_path.iterdir():
        if path.is_file():
            assert not find_secrets(path.read_bytes()), path.name


@pytest.mark.parametrize(
    "message",
    ["number 9876 5432 1096 typed", "GET /x?aadhaar_number=987654321096", "otp=123456"],
)
def test_production_log_handler_redacts_even_careless_messages(message: str) -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, message, None, None)
    RedactingFilter().filter(record)
    assert not find_secrets(JsonFormatter().format(record))


@pytest.mark.parametrize(
    "planted",
    [
        "९८७६\u200f५४३२ १०९६",  # Devanagari, a right-to-left mark
        "9876.5432.1096",
        "(9 8 7 6)-(5 4 3 2)/1096",
        "９８７６５４３２１０９６",  # full-width
        "٩٨٧٦_٥٤٣٢_١٠٩٦",  # Arabic-Indic
    ],
)
def test_the_search_finds_a_number_in_any_form(planted: str) -> None:
    line = f'{{"message": "x", "note": "{planted}"}}'
    assert find_secrets(line) == [ACTIVE.replace(" ", "")]
    assert find_secrets(line.encode()) == [ACTIVE.replace(" ", "")]
