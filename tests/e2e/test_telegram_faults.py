"""Telegram failing under the bot: flood limits, 5xx, dropped connections, messages that can't
be deleted or edited. Each injected by the fake Bot API server (fail_next, drop_next). In every
case the user still gets their answer or a clear message, nothing reaches the log as a
traceback, and the flow row stays at a step that matches what the user sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram.ext import AIORateLimiter

from bot.check.state import Step
from testing.fake_telegram import BotMessage
from testing.harness import (
    ACTIVE,
    CAPTCHA,
    GOOD_OTP,
    Harness,
    UserChat,
    en,
    en_in,
    running_harness,
)

CANT_DELETE = "Bad Request: message can't be deleted for everyone"


def texts(messages: list[BotMessage]) -> list[str]:
    return [m.text for m in messages if not m.edited]


def failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the error handler saw, and anything logged with a traceback."""
    return [
        r.getMessage() for r in caplog.records if r.getMessage() == "update.failed" or r.exc_info
    ]


async def step_of(h: Harness, chat: UserChat) -> Step | None:
    state = await h.app.services.store.get_flow(chat.chat_id)
    return state.step if state else None


# ------------------------------------------------------------------ flood limits


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own
async def test_flood_limit_is_waited_out(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """429 with retry_after: the rate limiter (on whenever TELEGRAM_SENDS_PER_SECOND > 0)
    waits as told and sends again; the user just gets the answer a second later."""
    async with running_harness(tmp_path, telegram_sends_per_second=30) as h:
        limiter = h.app.bot.rate_limiter
        assert isinstance(limiter, AIORateLimiter)
        assert limiter._base_limiter is not None and limiter._base_limiter.max_rate == 30
        assert limiter._group_max_rate == 20  # per group chat and minute: Telegram's limit
        chat = h.chat()
        await chat.start_and_consent()
        h.tg.fail_next("sendPhoto", status=429, retry_after=1)
        replies = await chat.send(ACTIVE)
        assert [m.kind for m in replies if not m.edited] == ["photo"]
        assert len(h.tg.calls_to("sendPhoto")) == 2
        assert await step_of(h, chat) is Step.CAPTCHA
    assert not failures(caplog)


# ------------------------------------------------------------------ 5xx and the network


@pytest.mark.parametrize(
    ("method", "status"), [("sendMessage", 500), ("sendMessage", 502), ("sendPhoto", 503)]
)
async def test_server_errors_are_sent_again(
    harness: Harness, caplog: pytest.LogCaptureFixture, method: str, status: int
) -> None:
    chat = harness.chat()
    await chat.start_and_consent()
    harness.tg.fail_next(method, status=status, times=2)
    replies = await chat.send(ACTIVE if method == "sendPhoto" else "not a number")
    expected = ["photo"] if method == "sendPhoto" else ["text"]
    assert [m.kind for m in replies if not m.edited] == expected
    retries = [r for r in caplog.records if r.getMessage() == "telegram.retry"]
    assert [(r.__dict__["method"], r.__dict__["reason"]) for r in retries] == [
        (method, f"HTTP {status}")
    ] * 2
    assert not failures(caplog)


@pytest.mark.parametrize("take_effect", [False, True], ids=["lost-request", "lost-answer"])
async def test_a_dropped_connection_is_sent_again(
    harness: Harness, caplog: pytest.LogCaptureFixture, take_effect: bool
) -> None:
    """The connection closes without an answer. If the request was lost, the retry delivers
    it once; if only the answer was lost, the message shows twice (a repeat, never a silence)."""
    chat = harness.chat()
    await chat.to_captcha()
    harness.tg.drop_next("sendMessage", take_effect=take_effect)
    replies = await chat.send(CAPTCHA)
    otp_sent = en("otp-sent", masked="XXXX XXXX 1096")
    assert texts(replies).count(otp_sent) == (2 if take_effect else 1)
    assert await step_of(harness, chat) is Step.OTP
    assert "STATE BANK OF INDIA" in texts(await chat.send(GOOD_OTP))[-1]
    assert not failures(caplog)


async def test_telegram_down_for_good_gets_the_error_message(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Every send fails: after three tries the error handler answers (its message gets through
    once Telegram does), and the flow row still matches a step the user can continue from."""
    chat = harness.chat()
    await chat.start_and_consent()
    harness.tg.fail_next("sendPhoto", status=502, times=3)
    replies = await chat.send(ACTIVE)
    assert texts(replies) == [en("error-generic")]
    assert await step_of(harness, chat) is Step.CAPTCHA
    assert not [r for r in caplog.records if r.exc_info], "no traceback in the log"
    # The number is typed again: deleted, and a new picture comes.
    replies = await chat.send(ACTIVE)
    assert chat.sent_ids[-1] in chat.deleted
    assert [m.kind for m in replies if not m.edited] == ["photo"]


# ------------------------------------------------------------------ deleting and editing


@pytest.mark.parametrize(
    ("step", "send", "after"),
    [
        ("none", ACTIVE, [en("idle-hint")]),
        ("language", ACTIVE, [en("hint-language")]),
        ("consent", ACTIVE, [en("hint-consent")]),
        ("aadhaar", ACTIVE, []),  # the check goes on: a captcha photo follows
        ("aadhaar", "photo", [en("hint-aadhaar")]),
        ("captcha", ACTIVE, []),  # a number typed again: a new picture follows
        ("otp", GOOD_OTP, []),  # the result card follows
        ("otp", "photo", [en("hint-otp")]),
    ],
)
async def test_a_message_that_cannot_be_deleted_is_for_the_user_to_delete(
    harness: Harness, caplog: pytest.LogCaptureFixture, step: str, send: str, after: list[str]
) -> None:
    chat = harness.chat()
    if step != "none":
        await chat.go_to(step)
    before = await step_of(harness, chat)
    harness.tg.fail_next("deleteMessage", status=400, description=CANT_DELETE)
    replies = await (chat.photo() if send == "photo" else chat.send(send))
    shown = "\n\n".join(texts(replies))
    assert en("aadhaar-delete-failed") in shown, shown
    for text in after:
        assert text in shown
    if not after:
        assert await step_of(harness, chat) in (Step.CAPTCHA, None)
    else:
        assert await step_of(harness, chat) is before
    assert not failures(caplog)


async def test_an_edit_holding_a_number_that_cannot_be_deleted(harness: Harness) -> None:
    chat = harness.chat()
    await chat.send("hello")
    harness.tg.fail_next("deleteMessage", status=400, description=CANT_DELETE)
    await harness.tg.send_edited_text(chat.chat_id, chat.sent_ids[-1], ACTIVE)
    await harness.settle()
    assert chat.last.text == "\n\n".join([en("aadhaar-delete-failed"), en("edited-ignored")])


async def test_a_message_already_gone_counts_as_deleted(harness: Harness) -> None:
    chat = harness.chat()
    await chat.start_and_consent()
    harness.tg.fail_next(
        "deleteMessage", status=400, description="Bad Request: message to delete not found"
    )
    replies = await chat.send(ACTIVE)
    assert not any(en("aadhaar-delete-failed") in t for t in texts(replies))
    assert [m.kind for m in replies if not m.edited] == ["photo"]


async def test_a_notice_that_cannot_be_edited_is_sent_anew(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    chat = harness.chat("hi")
    await chat.send("/start")
    await chat.press("हिन्दी")
    hindi = chat.last
    harness.tg.fail_next(
        "editMessageText", status=400, description="Bad Request: message can't be edited"
    )
    replies = await chat.press(en_in("hi", "consent-read-english-button"))
    english = chat.last
    assert english.message_id != hindi.message_id and english.text.startswith("Before we start")
    assert english.buttons, "the new notice has the buttons"
    assert any(m.message_id == hindi.message_id and not m.buttons for m in replies)
    await chat.press(en_in("hi", "consent-agree-button"))
    assert await step_of(harness, chat) is Step.AADHAAR
    assert not failures(caplog)


@pytest.mark.parametrize(
    "method",
    [
        "editMessageReplyMarkup",
        "answerCallbackQuery",
        # The indicator goes out only while the vendor is slow: no typing delay at all.
        pytest.param("sendChatAction", marks=pytest.mark.settings(typing_delay_s=0)),
    ],
)
async def test_side_calls_that_fail_do_not_stop_the_check(
    harness: Harness, caplog: pytest.LogCaptureFixture, method: str
) -> None:
    """Removing old buttons, answering a tap, the typing indicator: conveniences."""
    if method == "sendChatAction":
        harness.sandbox.add_fault("*", times=-1, delay_ms=20)
    chat = harness.chat()
    await chat.send("/start")
    harness.tg.fail_next(method, status=400, description="Bad Request: something odd", times=5)
    await chat.press("English")
    await chat.press(en("consent-agree-button"))
    card = texts(await chat.check_from_aadhaar())[-1]
    assert "STATE BANK OF INDIA" in card
    assert await step_of(harness, chat) is None
    assert len(harness.tg.calls_to(method)) >= 2, "the failing calls were made"
    assert not failures(caplog)
