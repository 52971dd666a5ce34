"""Helpers for the admin and agent tests: a harness with an admin, enrolment, assisted checks.

Private chat ids are user ids in Telegram (and in the fake), so a chat id here is a user id.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from testing.fake_telegram import BotMessage
from testing.harness import ACTIVE, EN, Harness, UserChat, en, running_harness

ADMIN = 9001
AGENT = 5550001
AGENT_2 = 5550002
CITIZEN = 7001
TWELVE_DIGITS = re.compile(r"(?<![0-9])[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9])")
MASKED = re.compile(r"XXXX XXXX [0-9]{4}")


def texts(messages: list[BotMessage]) -> list[str]:
    """Texts of new messages (edits that only removed buttons are left out)."""
    return [m.text for m in messages if not m.edited]


@pytest.fixture(name="staffed")
async def staffed_fixture(tmp_path: Path) -> AsyncIterator[Harness]:
    """A harness whose ADMIN_IDS is ``ADMIN``."""
    async with running_harness(tmp_path, admin_ids=(ADMIN,)) as h:
        yield h


async def invite_token(admin: UserChat, name: str = "Ravi") -> str:
    replies = await admin.send(f"/invite {name}".strip())
    match = re.search(r"\?start=([A-Za-z0-9_-]+)", texts(replies)[-1])
    assert match, texts(replies)
    return match.group(1)


async def enrol(h: Harness, user_id: int = AGENT, name: str = "Ravi") -> UserChat:
    """An admin invites, the new agent opens the link; returns the agent's chat."""
    admin = h.chat(chat_id=ADMIN)
    token = await invite_token(admin, name)
    agent = h.chat(chat_id=user_id)
    assert texts(await agent.send(f"/start {token}")) == [en("invite-welcome")]
    return agent


async def to_customer_consent(agent: UserChat, language: str = "en") -> list[BotMessage]:
    """From an agent's /start to the customer's notice in ``language``."""
    await agent.send("/start")
    await agent.press(en("assist-customer-button"))
    return await agent.press(EN.t(language, "language-name"))


async def customer_check(
    agent: UserChat, language: str = "en", number: str = ACTIVE
) -> list[BotMessage]:
    """A whole check for a customer; returns what the bot sent for the OTP (the result)."""
    await to_customer_consent(agent, language)
    await agent.press(en("assist-attest-button"))
    return await agent.check_from_aadhaar(number)


def sql(h: Harness, query: str, *params: Any) -> list[tuple[Any, ...]]:
    """A query on the bot's SQLite file, from outside the bot (a second connection)."""
    path = h.settings.database_url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


def chat_scope(user_id: int) -> dict[str, Any]:
    return {"type": "chat", "chat_id": user_id}
