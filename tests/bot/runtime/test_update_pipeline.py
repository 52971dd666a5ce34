"""The one update pipeline (bot/runtime/updates.py): what is confirmed to Telegram, and when.

Pure rules of the HandledTracker, then the real Application over loopback HTTP against the fake
Telegram: an update python-telegram-bot cannot read is set aside without stopping anybody else;
a handler that fails every time does not wedge the offset; a chat waiting on the vendor does not
keep new chats waiting (getUpdates' window of 100).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import pytest

from bot.runtime.updates import MIN_REPOLL_S, HandledTracker, RawBotApi, poll_updates
from bot.store.base import Store
from bot.vendor.types import Captcha, SeedingVendor
from testing.harness import ACTIVE, en, running_harness

# ------------------------------------------------------------------ the tracker


async def test_the_offset_never_passes_an_update_in_flight() -> None:
    tracker = HandledTracker()
    assert tracker.offset is None  # nothing seen: no offset (Telegram's oldest first)
    assert all(tracker.take(i) for i in (10, 11, 12))
    assert tracker.offset == 10
    tracker.handled(11)
    tracker.handled(12)
    assert tracker.offset == 10, "10 is still in flight: 11 and 12 wait with it"
    tracker.handled(10)
    assert tracker.offset == 13
    assert tracker.in_flight == 0


async def test_a_repeated_delivery_is_not_taken_twice() -> None:
    tracker = HandledTracker()
    assert tracker.take(5)
    assert not tracker.take(5), "in flight"
    tracker.handled(5)
    assert not tracker.take(5), "handled"
    tracker.handled(5)  # a second "handled" changes nothing
    assert tracker.offset == 6


async def test_waiting_for_an_update_to_be_handled() -> None:
    tracker = HandledTracker()
    tracker.take(7)
    waiter = asyncio.create_task(tracker.wait_handled(7))
    await asyncio.sleep(0)
    assert not waiter.done()
    tracker.handled(7)
    await asyncio.wait_for(waiter, 1)
    await asyncio.wait_for(tracker.wait_handled(7), 1)  # handled: at once
    await asyncio.wait_for(tracker.wait_handled(99), 1)  # never taken: at once


class _Telegram:
    """getUpdates as Telegram answers it: every update from ``offset`` on that is not confirmed
    (a poll while updates are in flight answers at once, with them again)."""

    def __init__(self, count: int, tracker: HandledTracker) -> None:
        self.pending: list[dict[str, Any]] = [
            {"update_id": i, "message": {}} for i in range(1, count + 1)
        ]
        self.tracker = tracker
        self.polls: list[tuple[float, int]] = []  # (when, updates in flight then)
        self.drained = asyncio.Event()

    async def call(self, method: str, params: Mapping[str, Any], *, wait_s: float = 10.0) -> Any:
        if method != "getUpdates":
            return True
        self.polls.append((asyncio.get_running_loop().time(), self.tracker.in_flight))
        offset = int(params.get("offset", 0))
        self.pending = [u for u in self.pending if u["update_id"] >= offset]
        if not self.pending:
            self.drained.set()
            await asyncio.sleep(wait_s)  # a long poll with nothing new
        return self.pending


async def _poll_until_drained(telegram: _Telegram, handle_s: float) -> None:
    """Poll until Telegram holds nothing unconfirmed; update N is handled ``N * handle_s``
    after it arrives."""
    tracker = telegram.tracker

    async def handle(update: Mapping[str, Any]) -> None:
        await asyncio.sleep(handle_s * update["update_id"])
        tracker.handled(update["update_id"])

    async def deliver(update: Mapping[str, Any]) -> None:
        asyncio.get_running_loop().create_task(handle(update))

    polling = asyncio.create_task(poll_updates(cast(RawBotApi, telegram), tracker, deliver))
    try:
        await asyncio.wait_for(telegram.drained.wait(), 5)
    finally:
        polling.cancel()


async def test_polls_while_updates_are_in_flight_are_spaced_not_one_per_handled_update() -> None:
    """Every poll carries the updates in flight again: one poll per handled update made the bot
    decode each update many times (a fifth more CPU per check at 100 users)."""
    tracker = HandledTracker()
    telegram = _Telegram(20, tracker)
    await _poll_until_drained(telegram, handle_s=0.01)  # 20 handled in 200 ms, one by one
    gaps = [
        later - at
        for (at, _), (later, in_flight) in zip(telegram.polls, telegram.polls[1:], strict=False)
        if in_flight  # a poll that carried updates in flight again
    ]
    assert gaps and min(gaps) >= MIN_REPOLL_S * 0.99, gaps
    assert len(telegram.polls) <= 7, "20 updates handled in 200 ms: a poll per 50 ms, not 20"


async def test_once_nothing_is_in_flight_the_next_poll_goes_at_once() -> None:
    """The spacing is for polls that would carry updates again: the update that empties the
    set is confirmed without waiting (tests and a quiet bot would pay 50 ms an update)."""
    tracker = HandledTracker()
    telegram = _Telegram(1, tracker)
    await _poll_until_drained(telegram, handle_s=0.0)
    (first, _), (confirming, in_flight) = telegram.polls
    assert in_flight == 0 and confirming - first < MIN_REPOLL_S / 2


# ------------------------------------------------------------------ a poison update

# A poll without the fields python-telegram-bot's Poll requires: what happens whenever Telegram
# and the library disagree about a type. Its question holds what the leak guard looks for.
POISON = {"poll": {"id": "5550001", "question": f"my number is {ACTIVE}"}}


async def test_an_unreadable_update_is_set_aside_and_the_others_served(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_harness(tmp_path) as h:
        chats = [h.chat(), h.chat(), h.chat()]
        with caplog.at_level(logging.DEBUG):
            await h.tg.send_text(chats[0].chat_id, "/start")
            poison_id = await h.tg.send_raw_update(POISON)
            for chat in chats[1:]:
                await h.tg.send_text(chat.chat_id, "/start")
            await h.settle()
        for chat in chats:
            assert [m.text for m in h.tg.messages(chat.chat_id)] == [en("language-prompt")]
        assert not h.tg.pending_updates, "the offset moved past it"
        set_aside = [r for r in caplog.records if r.getMessage() == "update.set_aside"]
        assert len(set_aside) == 1, "logged once"
        assert (set_aside[0].update_id, set_aside[0].error) == (poison_id, "TypeError")  # type: ignore[attr-defined]
        assert "5550001" not in caplog.text and "question" not in caplog.text
        assert not any(r.levelno >= logging.CRITICAL for r in caplog.records)


async def test_a_handler_that_fails_every_time_does_not_wedge_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_harness(tmp_path) as h:
        broken, fine = h.chat(), h.chat()
        store: Store = h.app.services.store
        get_flow = store.get_flow

        async def failing(chat_id: int) -> Any:
            if chat_id == broken.chat_id:
                raise RuntimeError("this chat's row cannot be read")
            return await get_flow(chat_id)

        monkeypatch.setattr(store, "get_flow", failing)
        assert [m.text for m in await broken.send("/start")] == [en("error-generic")]
        assert [m.text for m in await fine.send("/start")] == [en("language-prompt")]
        assert not h.tg.pending_updates, "answered (with an apology) is handled: confirmed"


# ------------------------------------------------------------------ the window of 100


class GatedVendor:
    """The vendor, with initiate-session held until the test lets it go."""

    def __init__(self, inner: SeedingVendor) -> None:
        self.inner = inner
        self.captcha_enabled = inner.captcha_enabled
        self.gate = asyncio.Event()
        self.waiting = 0

    async def initiate_session(self) -> Captcha:
        self.waiting += 1
        await self.gate.wait()
        return await self.inner.initiate_session()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_a_chat_waiting_on_the_vendor_does_not_keep_new_chats_waiting(
    tmp_path: Path,
) -> None:
    """Telegram's getUpdates returns at most 100 updates from the offset. An update confirmed
    only once fully handled would hold the offset while it waits on the vendor, and after 99
    more updates nobody new would be seen until the vendor answered."""
    async with running_harness(tmp_path) as h:
        off_slot = h.app.services.vendor
        gated = GatedVendor(off_slot.inner)  # type: ignore[attr-defined]
        off_slot.inner = gated  # type: ignore[attr-defined]
        slow = h.chat()
        await slow.start_and_consent()
        try:
            await h.tg.send_text(slow.chat_id, ACTIVE)
            await h.tg.wait_for(lambda: gated.waiting == 1, timeout=10)

            busy = [h.chat() for _ in range(60)]
            for _ in range(2):  # 120 updates after the one waiting on the vendor
                for chat in busy:
                    await h.tg.send_text(chat.chat_id, "/start")
            newcomer = h.chat()
            await h.tg.send_text(newcomer.chat_id, "/start")
            picker = await h.tg.wait_for(lambda: h.tg.messages(newcomer.chat_id), timeout=10)
            assert picker[0].text == en("language-prompt")
            assert gated.waiting == 1 and not gated.gate.is_set(), "still waiting on the vendor"
        finally:
            gated.gate.set()  # else the bot would wait for it when stopping
        await h.settle()
        assert h.tg.last_message(slow.chat_id).kind == "photo"  # type: ignore[union-attr]
        assert not h.tg.pending_updates
