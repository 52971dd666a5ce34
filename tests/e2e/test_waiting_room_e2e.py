"""The waiting room end to end: the real Application over loopback HTTP, the vendor sandbox on
the starter plan (1 call a second, 30 a minute: one check may start every 3 s), and a clock
the test moves. The room's ticks are the test's (``WAITING_ROOM_TICK_S=0``): move the clock,
tick, look at what each citizen sees.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import running_bot
from bot.capacity.waiting_room import WaitingRoom
from bot.domain.policy import INDIA, india_day_start
from bot.operator.digest import send_digests
from testing.clock import FakeClock
from testing.fake_telegram import BotMessage, FakeTelegram
from testing.harness import (
    ACTIVE,
    CAPTCHA,
    GOOD_OTP,
    HARNESS_TOKEN,
    Harness,
    UserChat,
    en,
    en_in,
    harness_settings,
)
from testing.staff import ADMIN, enrol, to_customer_consent

PLAN = {"deepvue_plan": "starter", "waiting_room_tick_s": 0}
SPACING_S = 3.15  # starter: 3 calls a check at 1 call a second (each 1.05 s: the pacing guard)


@contextlib.asynccontextmanager
async def waiting_harness(tmp_path: Path, **overrides: Any) -> AsyncIterator[Harness]:
    clock = FakeClock()
    async with FakeTelegram(HARNESS_TOKEN, clock=clock) as tg:
        settings = harness_settings(tmp_path / "bot.db", tg, **PLAN, **overrides)
        async with running_bot(settings, clock, sleep=clock.sleep) as app:
            if app.menus is not None:
                await app.menus
            yield Harness(tg, app, clock, settings)


@pytest.fixture(name="h")
async def harness_fixture(tmp_path: Path) -> AsyncIterator[Harness]:
    async with waiting_harness(tmp_path, admin_ids=(ADMIN,)) as h:
        yield h


def room(h: Harness) -> WaitingRoom:
    assert h.app.services.waiting is not None
    return h.app.services.waiting


async def tick(h: Harness, after_s: float = SPACING_S) -> None:
    """Let ``after_s`` pass, let the line move, and wait until every chat has been answered."""
    h.clock.advance(after_s)
    await room(h).tick()
    await h.settle()


def place(n: int, minutes: int = 0) -> str:
    return en("waiting-place", place=n, minutes=minutes)


def place_message(chat: UserChat, language: str = "en") -> BotMessage:
    """The message that shows the chat's place (it carries the "Leave the line" button)."""
    return chat.find_button(en_in(language, "waiting-leave-button"))[0]


def texts(messages: list[BotMessage]) -> list[str]:
    return [m.text for m in messages]


async def admitted(h: Harness) -> UserChat:
    """A citizen who goes straight in (nobody waiting, the plan free): asked for the number."""
    chat = h.chat()
    await chat.start_and_consent()
    assert chat.last.text == "\n\n".join([en("consent-recorded"), en("aadhaar-prompt")])
    return chat


async def test_place_and_estimate_are_shown_before_the_number_is_asked(h: Harness) -> None:
    await admitted(h)
    second, third = h.chat(), h.chat()
    await second.start_and_consent()
    await third.start_and_consent()

    assert third.last.text == "\n\n".join([en("consent-recorded"), place(2)])
    assert [b.text for row in third.last.buttons for b in row] == [en("waiting-leave-button")]
    assert not any(en("aadhaar-prompt") in m.text for m in h.tg.messages(third.chat_id))
    assert texts(await third.send("hello")) == [en("waiting-hint")]

    await tick(h)  # the second's turn: a new message (it notifies), and the number is asked
    assert second.last.text == "\n\n".join([en("waiting-turn"), en("aadhaar-prompt")])
    shown = place_message(third)  # edited in place: the third is first in line now
    assert (shown.text, shown.edited) == (place(1), True)
    await tick(h)
    assert third.last.text == "\n\n".join([en("waiting-turn"), en("aadhaar-prompt")])
    assert room(h).line_length == 0


async def test_a_number_typed_while_waiting_is_not_asked_for_again(h: Harness) -> None:
    await admitted(h)
    waiting = h.chat()
    await waiting.start_and_consent()

    replies = await waiting.send(ACTIVE)

    assert texts(replies) == [en("waiting-number-kept")]
    assert waiting.sent_ids[-1] in waiting.deleted  # deleted at once, as always
    await tick(h)
    received = en("aadhaar-received", masked="XXXX XXXX 1096")
    assert waiting.last.text == "\n\n".join(  # one message: the turn, and the captcha
        [en("waiting-turn"), received, en("captcha-prompt")]
    )
    assert waiting.last.photo
    await waiting.send(CAPTCHA)
    result = await waiting.send(GOOD_OTP)
    assert "STATE BANK OF INDIA" in result[-1].text


async def test_leaving_the_line_by_button_or_cancel(h: Harness) -> None:
    await admitted(h)
    first, second, third = h.chat(), h.chat(), h.chat()
    for chat in (first, second, third):
        await chat.start_and_consent()

    assert texts(await first.press(en("waiting-leave-button")))[-1] == en("waiting-left")
    assert texts(await second.send("/cancel"))[-1] == en("cancelled")
    await tick(h)

    assert third.last.text == "\n\n".join([en("waiting-turn"), en("aadhaar-prompt")])


async def test_a_no_show_loses_the_turn_and_may_rejoin_at_the_back(h: Harness) -> None:
    await admitted(h)
    late, next_one = h.chat(), h.chat()
    await late.start_and_consent()
    h.clock.advance(SPACING_S)
    await room(h).tick()  # late's turn ...
    h.clock.advance(2)  # ... handled a moment later (it waits in the update queue) ...
    await h.settle()  # ... and they do not answer
    await next_one.start_and_consent()
    assert next_one.last.text.endswith(place(1))

    await tick(h, after_s=180)  # WAITING_ROOM_NO_SHOW_S: the turn passes

    assert late.last.text == en("waiting-no-show", minutes=3)
    assert next_one.last.text == "\n\n".join([en("waiting-turn"), en("aadhaar-prompt")])
    assert texts(await late.send(ACTIVE))[-1] == en("waiting-no-show", minutes=3)
    replies = await late.press(en("waiting-rejoin-button"))
    assert replies[-1].text == place(1)  # at the back of the line (empty again)
    await tick(h)
    assert late.last.text == "\n\n".join([en("waiting-turn"), en("aadhaar-prompt")])


async def test_an_assisted_check_goes_ahead_of_self_service(h: Harness) -> None:
    agent = await enrol(h)
    await admitted(h)
    citizen = h.chat()
    await citizen.start_and_consent()
    await to_customer_consent(agent, "hi")

    await agent.press(en("assist-attest-button"))

    assert place_message(agent, "hi").text.endswith(
        en_in("hi", "waiting-place", place=1, minutes=0)
    )
    await tick(h, after_s=0)  # nobody's turn yet; the line is re-counted
    assert place_message(citizen).text == place(2)  # the customer is ahead now
    await tick(h)
    assert agent.last.text == "\n\n".join(
        [en_in("hi", "waiting-turn"), en_in("hi", "aadhaar-prompt")]
    )


async def test_the_daily_budget_is_told_before_consent(h: Harness) -> None:
    store, now = h.app.services.store, h.clock.now()
    for _ in range(333):  # the starter plan's 1,000 calls a day: 333 checks of 3 calls
        await store.admit(0, now)
    chat = h.chat()

    replies = await chat.send("/start")

    midnight = india_day_start(now).replace(day=india_day_start(now).day + 1)
    when = h.app.services.translator.format_datetime("en", midnight)
    assert texts(replies) == [en("waiting-budget-spent", time=when)]
    assert await store.get_flow(chat.chat_id) is None  # nothing started, no consent asked
    assert room(h).budget == 0
    stats = await h.chat(chat_id=ADMIN).send("/stats")  # operators see it
    stats_text = [m.text for m in stats if m.text]  # the text, then the chart (a photo)
    assert stats_text[-1].endswith(en("waiting-stats", left=0, waiting=0))


async def test_the_line_survives_a_restart(tmp_path: Path) -> None:
    clock = FakeClock()
    async with FakeTelegram(HARNESS_TOKEN, clock=clock) as tg:
        settings = harness_settings(tmp_path / "bot.db", tg, **PLAN)
        async with running_bot(settings, clock, sleep=clock.sleep) as app:
            h = Harness(tg, app, clock, settings)
            await admitted(h)
            waiting = h.chat()
            await waiting.start_and_consent()
            await waiting.send(ACTIVE)  # held in this process's memory only
        async with running_bot(settings, clock, sleep=clock.sleep) as app:
            h = Harness(tg, app, clock, settings, next_chat=h.next_chat)
            waiting = h.chat(chat_id=waiting.chat_id)
            await tick(h)
            # Its place was kept; the number was not (never on disk): asked for again.
            assert waiting.last.text == "\n\n".join([en("waiting-turn"), en("aadhaar-prompt")])
            await waiting.send(ACTIVE)
            assert waiting.last.photo


async def test_a_citizen_who_answers_the_call_keeps_the_turn(h: Harness) -> None:
    await admitted(h)
    called = h.chat()
    await called.start_and_consent()
    await tick(h)
    await called.send(ACTIVE)  # answered: on to the captcha
    assert called.last.photo

    await tick(h, after_s=180)

    no_show = en("waiting-no-show", minutes=3)
    assert all(m.text != no_show for m in h.tg.messages(called.chat_id))
    assert await h.app.services.store.line_entry(called.chat_id) is None  # its place is gone
    replies = await called.send(CAPTCHA)
    assert replies[-1].text == en("otp-sent", masked="XXXX XXXX 1096")


def stats_lines(replies: list[BotMessage]) -> list[str]:
    """The lines of an admin's /stats text (it comes before the chart, a photo)."""
    return [m.text for m in replies if m.text and m.kind != "photo"][-1].split("\n")


async def test_the_longest_wait_in_line_shows_in_stats_and_the_digest(tmp_path: Path) -> None:
    async with waiting_harness(tmp_path, admin_ids=(ADMIN,), weekly_digest=True) as h:
        admin = h.chat(chat_id=ADMIN)
        await admitted(h)  # straight in: an admission, and no wait
        lines = stats_lines(await admin.send("/stats"))
        assert en("capacity-longest-wait", minutes=0) in lines
        second, third = h.chat(), h.chat()
        await second.start_and_consent()
        await third.start_and_consent()

        await tick(h, after_s=4 * 60)  # the second waited 4 minutes
        await tick(h, after_s=7 * 60 + 20)  # the third: 11 min 20 s
        assert third.last.text == "\n\n".join([en("waiting-turn"), en("aadhaar-prompt")])

        lines = stats_lines(await admin.send("/stats"))
        budget = en(  # still the check log's estimate: nobody typed a number, no calls
            "capacity-budget", span="today", about="yes", calls=0, budget=1_000, percent="0",
            plan="starter",
        )  # fmt: skip
        assert lines[lines.index(budget) + 1] == en("capacity-longest-wait", minutes=11)

        h.clock.set(datetime(2026, 1, 19, 8, 0, tzinfo=INDIA))  # Monday: last week's digest
        assert await send_digests(h.app) == 1
        [caption] = [m.text for m in h.tg.messages(ADMIN) if m.kind == "photo"][-1:]
        assert caption.split("\n")[-1] == en("capacity-longest-wait", minutes=11)
