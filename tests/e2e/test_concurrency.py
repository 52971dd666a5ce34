"""One user's slow vendor call never stalls another user (issue: concurrency).

With python-telegram-bot's default (one update at a time), 20 users whose vendor calls take
1 s each would wait 20-40 s for their captcha; here they all get it within 3 s.
"""

from __future__ import annotations

import time
from pathlib import Path

from testing.harness import ACTIVE, running_harness

USERS = 20
SANDBOX_LATENCY_MS = 1000


async def test_twenty_slow_checks_reach_the_captcha_together(tmp_path: Path) -> None:
    async with running_harness(tmp_path, sandbox_latency_ms=SANDBOX_LATENCY_MS) as h:
        chats = [h.chat() for _ in range(USERS)]
        for chat in chats:  # no vendor call before the number: fast
            await chat.start_and_consent()

        started = time.monotonic()
        for chat in chats:
            await h.tg.send_text(chat.chat_id, ACTIVE)

        def all_have_captcha() -> bool:
            return all(
                any(m.kind == "photo" for m in h.tg.messages(chat.chat_id)) for chat in chats
            )

        await h.tg.wait_for(all_have_captcha, timeout=10)
        elapsed = time.monotonic() - started
        await h.settle()

    # authorize (1 s, shared by all) + initiate-session (1 s each, concurrently)
    assert elapsed < 3.0, f"{USERS} users took {elapsed:.2f} s to reach the captcha"


async def test_one_chats_updates_stay_in_order(tmp_path: Path) -> None:
    """Two quick messages from one chat are handled in the order they were sent."""
    async with running_harness(tmp_path, sandbox_latency_ms=200) as h:
        chat = h.chat()
        await chat.start_and_consent()
        await h.tg.send_text(chat.chat_id, ACTIVE)  # slow: initiate-session
        await h.tg.send_text(chat.chat_id, "ABC123")  # must be read as the captcha answer
        await h.settle()
        kinds = [m.kind for m in h.tg.messages(chat.chat_id)][-2:]
        assert kinds == ["photo", "text"]
        assert "OTP" in h.tg.messages(chat.chat_id)[-1].text
