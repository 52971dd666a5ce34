"""The core check end to end: the real Application over loopback HTTP, the fake Bot API server,
the vendor sandbox, and a clock the test moves. Assertions are on what the user sees."""

from __future__ import annotations

import pytest

from bot.check.state import Step
from testing.fake_telegram import BotMessage
from testing.harness import (
    ACTIVE,
    BAD_CHECKSUM,
    CAPTCHA,
    FAILS_ONCE,
    GOOD_OTP,
    INACTIVE,
    MOBILE_NOT_LINKED,
    NOT_SEEDED,
    SOURCE_FAILURE,
    UNKNOWN_TO_UIDAI,
    WRONG_OTPS,
    Harness,
    UserChat,
    en,
    en_in,
)


def texts(messages: list[BotMessage]) -> list[str]:
    """Texts of new messages (edits that only removed buttons are left out)."""
    return [m.text for m in messages if not m.edited]


def said(messages: list[BotMessage], key: str, **args: object) -> bool:
    expected = en(key, **args)
    return any(expected in text for text in texts(messages))


async def flow_step(h: Harness, chat: UserChat) -> Step | None:
    state = await h.app.services.store.get_flow(chat.chat_id)
    return state.step if state else None


# ------------------------------------------------------------------ the happy paths


async def test_active_result_card(harness: Harness) -> None:
    chat = harness.chat()
    replies = await chat.send("/start")
    assert texts(replies) == [en("language-prompt")]
    assert chat.last.buttons, "the picker shows language buttons"
    labels = [b.text for row in chat.last.buttons for b in row]
    assert "हिन्दी" in labels and "English" in labels and len(labels) == 13

    replies = await chat.press("English")
    assert texts(replies)[0].startswith("Before we start: your consent")
    notice = chat.last
    assert [b.text for b in notice.buttons[0]] == [
        en("consent-agree-button"),
        en("consent-decline-button"),
    ]

    replies = await chat.press(en("consent-agree-button"))
    assert said(replies, "aadhaar-prompt")
    consent_shown = [m for m in chat.tg.messages(chat.chat_id) if m.message_id == notice.message_id]
    assert consent_shown[0].buttons == [], "the notice's buttons are gone once answered"

    replies = await chat.send(ACTIVE)
    aadhaar_message = chat.sent_ids[-1]
    assert aadhaar_message in chat.deleted
    photo = [m for m in replies if m.kind == "photo"]
    assert len(photo) == 1 and photo[0].photo and photo[0].photo[:2] == b"\xff\xd8"  # JPEG
    assert "XXXX XXXX 1096" in photo[0].text
    assert "9876" not in photo[0].text
    assert photo[0].buttons[0][0].text == en("captcha-new-button")

    replies = await chat.send(CAPTCHA)
    assert said(replies, "otp-sent", masked="XXXX XXXX 1096")
    assert chat.last.buttons[0][0].text == en("otp-resend-button")

    replies = await chat.send(GOOD_OTP)
    assert chat.sent_ids[-1] in chat.deleted
    card = texts(replies)[-1]
    for line in (
        "Aadhaar: XXXX XXXX 1096",
        "Bank: STATE BANK OF INDIA",
        "Status: Active",
        "Last updated: 1 June 2013",
        en("result-active-meaning"),
        en("result-source"),
        en("sandbox-banner"),
    ):
        assert line in card
    assert chat.last.buttons[0][0].text == en("check-again-button")
    assert await flow_step(harness, chat) is None, "the flow row is deleted when the check ends"


# The typing delay: at once, every vendor call that waits at all is "slow"; the longest
# allowed, every vendor call answers "before" it (neither depends on the machine's load).
AT_ONCE = pytest.mark.settings(typing_delay_s=0)
NEVER = pytest.mark.settings(typing_delay_s=60)


@AT_ONCE
async def test_a_slow_vendor_shows_typing(harness: Harness) -> None:
    chat = harness.chat()
    await chat.to_otp()
    harness.sandbox.add_fault("verify-otp", delay_ms=100)
    mark = len(harness.tg.calls)
    card = texts(await chat.send(GOOD_OTP))[-1]
    assert "STATE BANK OF INDIA" in card
    assert (chat.chat_id, "typing") in harness.tg.chat_actions
    methods = [c.method for c in harness.tg.calls[mark:] if c.method != "getUpdates"]
    assert methods.index("sendChatAction") < methods.index("sendMessage"), "typing, then answer"


@NEVER
async def test_a_fast_vendor_shows_no_typing(harness: Harness) -> None:
    """An answer that comes before the typing delay runs out costs no sendChatAction."""
    chat = harness.chat()
    card = texts(await chat.check())[-1]
    assert "STATE BANK OF INDIA" in card
    assert harness.tg.chat_actions == []
    assert "sendChatAction" not in {c.method for c in harness.tg.calls}


@NEVER
async def test_a_check_makes_no_call_it_does_not_need(harness: Harness) -> None:
    """The Bot API calls of a whole check with a fast vendor, in order: each one costs CPU."""
    chat = harness.chat()
    mark = len(harness.tg.calls)
    await chat.check()
    methods = [c.method for c in harness.tg.calls[mark:] if c.method != "getUpdates"]
    assert methods == [
        "sendMessage",  # /start: the language picker
        "answerCallbackQuery", "sendMessage",  # English: the notice
        "editMessageReplyMarkup",  # ... and the picker's buttons off
        "answerCallbackQuery", "sendMessage",  # I agree: the Aadhaar prompt (no buttons)
        "editMessageReplyMarkup",  # ... and the notice's buttons off
        "deleteMessage", "sendPhoto",  # the number: deleted; the captcha
        "editMessageReplyMarkup", "sendMessage",  # the captcha: its button off; OTP sent
        "deleteMessage", "editMessageReplyMarkup", "sendMessage",  # the OTP: the result
    ]  # fmt: skip


async def test_inactive_result_says_what_to_do(harness: Harness) -> None:
    chat = harness.chat()
    card = texts(await chat.check(INACTIVE))[-1]
    assert "Bank: PUNJAB NATIONAL BANK" in card and "Status: Inactive" in card
    assert "Last updated: 20 November 2019" in card
    assert en("result-inactive-meaning") in card and en("result-inactive-next") in card


async def test_not_seeded_result(harness: Harness) -> None:
    chat = harness.chat()
    card = texts(await chat.check(NOT_SEEDED))[-1]
    assert en("result-not-seeded") in card and en("result-not-seeded-next") in card
    assert "Bank:" not in card


async def test_check_another_number_starts_again_with_consent(harness: Harness) -> None:
    chat = harness.chat()
    await chat.check(ACTIVE)
    replies = await chat.press(en("check-again-button"))
    assert texts(replies) == [en("language-prompt")]
    await chat.press("English")
    await chat.press(en("consent-agree-button"))
    assert texts(await chat.check_from_aadhaar(INACTIVE))[-1].count("PUNJAB NATIONAL BANK") == 1


# ------------------------------------------------------------------ vendor outcomes


async def test_bad_checksum_is_rejected_locally(harness: Harness) -> None:
    chat = harness.chat()
    await chat.start_and_consent()
    replies = await chat.send(BAD_CHECKSUM)
    assert chat.sent_ids[-1] in chat.deleted
    assert texts(replies) == [en("aadhaar-bad-checksum")]
    assert harness.sandbox.calls["initiate-session"] == 0
    assert harness.sandbox.calls["generate-otp"] == 0


@pytest.mark.parametrize(
    ("typed", "key", "args"),
    [
        ("1234 5678 9012", "aadhaar-bad-first-digit", {}),
        ("2222 2222 2222", "aadhaar-palindrome", {}),
        ("9876 5432 109", "aadhaar-wrong-length", {"count": 11}),
        ("my number is secret", "aadhaar-not-digits", {}),
    ],
)
async def test_local_validation_reasons(
    harness: Harness, typed: str, key: str, args: dict[str, object]
) -> None:
    chat = harness.chat()
    await chat.start_and_consent()
    replies = await chat.send(typed)
    assert texts(replies) == [en(key, **args)]
    assert chat.sent_ids[-1] in chat.deleted
    assert await flow_step(harness, chat) is Step.AADHAAR


async def test_devanagari_digits_are_accepted(harness: Harness) -> None:
    chat = harness.chat()
    await chat.start_and_consent()
    replies = await chat.send("९८७६ ५४३२ १०९६")
    assert any(m.kind == "photo" for m in replies)
    replies = await chat.send(CAPTCHA)
    replies = await chat.send("१२३४५६")
    assert "STATE BANK OF INDIA" in texts(replies)[-1]


async def test_mobile_not_linked_ends_with_guidance(harness: Harness) -> None:
    chat = harness.chat()
    replies = await chat.to_otp(MOBILE_NOT_LINKED)
    assert said(replies, "error-mobile-not-linked")
    assert await flow_step(harness, chat) is None


async def test_unknown_to_uidai_asks_for_the_number_again(harness: Harness) -> None:
    chat = harness.chat()
    replies = await chat.to_otp(UNKNOWN_TO_UIDAI)
    assert said(replies, "error-invalid-aadhaar")
    assert await flow_step(harness, chat) is Step.AADHAAR
    replies = await chat.send(ACTIVE)
    assert any(m.kind == "photo" for m in replies)


async def test_source_failure_offers_a_retry_then_gives_up(harness: Harness) -> None:
    chat = harness.chat()
    replies = await chat.to_otp(SOURCE_FAILURE)
    assert said(replies, "error-upstream-retry")
    assert any(m.kind == "photo" for m in replies), "a fresh captcha to retry with"
    await chat.send(CAPTCHA)
    replies = await chat.send(CAPTCHA)
    assert said(replies, "error-upstream-unavailable")
    assert await flow_step(harness, chat) is None
    assert harness.sandbox.calls["generate-otp"] == 3, "one vendor call per user attempt, no more"


async def test_source_failure_once_then_success(harness: Harness) -> None:
    chat = harness.chat()
    replies = await chat.to_otp(FAILS_ONCE)
    assert said(replies, "error-upstream-retry")
    replies = await chat.send(CAPTCHA)
    assert said(replies, "otp-sent", masked="XXXX XXXX 4560")
    replies = await chat.send(GOOD_OTP)
    assert "STATE BANK OF INDIA" in texts(replies)[-1]


# ------------------------------------------------------------------ captcha


async def test_wrong_captcha_then_right(harness: Harness) -> None:
    chat = harness.chat()
    await chat.to_captcha()
    replies = await chat.send("WRONG1")
    assert said(replies, "captcha-wrong", left=2)
    assert [m.kind for m in replies if not m.edited] == ["photo"]
    replies = await chat.send(CAPTCHA)
    assert said(replies, "otp-sent", masked="XXXX XXXX 1096")


async def test_three_wrong_captchas_end_the_check(harness: Harness) -> None:
    chat = harness.chat()
    await chat.to_captcha()
    await chat.send("WRONG1")
    await chat.send("WRONG2")
    replies = await chat.send("WRONG3")
    assert said(replies, "captcha-too-many")
    assert await flow_step(harness, chat) is None
    assert harness.sandbox.calls["generate-otp"] == 3


async def test_new_captcha_button(harness: Harness) -> None:
    chat = harness.chat()
    await chat.to_captcha()
    replies = await chat.press(en("captcha-new-button"))
    assert [m.kind for m in replies if not m.edited] == ["photo"]
    assert harness.sandbox.calls["reload-captcha"] == 1
    replies = await chat.send(CAPTCHA)
    assert said(replies, "otp-sent", masked="XXXX XXXX 1096")


async def test_captcha_session_expiry_gives_a_fresh_picture(harness: Harness) -> None:
    chat = harness.chat()
    await chat.to_captcha()
    harness.clock.advance(11 * 60)
    replies = await chat.send(CAPTCHA)
    # The number was held for 15 minutes: still there; the session was not.
    assert said(replies, "captcha-session-expired")
    replies = await chat.send(CAPTCHA)
    assert said(replies, "otp-sent", masked="XXXX XXXX 1096")


# ------------------------------------------------------------------ OTP


async def test_three_wrong_otps_end_the_check(harness: Harness) -> None:
    chat = harness.chat()
    await chat.to_otp()
    replies = await chat.send(WRONG_OTPS[0])
    assert texts(replies) == [en("otp-wrong", left=2)]
    replies = await chat.send(WRONG_OTPS[1])
    assert texts(replies) == [en("otp-wrong", left=1)]
    replies = await chat.send(WRONG_OTPS[2])
    assert said(replies, "otp-too-many")
    assert await flow_step(harness, chat) is None
    for message_id in chat.sent_ids[-3:]:
        assert message_id in chat.deleted


async def test_otp_format_is_checked_locally(harness: Harness) -> None:
    chat = harness.chat()
    await chat.to_otp()
    replies = await chat.send("12345")
    assert texts(replies) == [en("otp-bad-format")]
    assert chat.sent_ids[-1] in chat.deleted
    assert harness.sandbox.calls["verify-otp"] == 0


async def test_otp_expires_after_ten_minutes(harness: Harness) -> None:
    chat = harness.chat()
    await chat.to_otp()
    harness.clock.advance(10 * 60 + 1)
    replies = await chat.send(GOOD_OTP)
    assert chat.sent_ids[-1] in chat.deleted
    assert said(replies, "otp-expired")
    assert await flow_step(harness, chat) is None
    assert harness.sandbox.calls["verify-otp"] == 0


async def test_resend_cooldown_and_limit(harness: Harness) -> None:
    chat = harness.chat()
    await chat.to_otp()
    harness.clock.advance(30)
    await chat.press(en("otp-resend-button"))
    assert chat.last_answer == en("otp-resend-wait", seconds=30)
    harness.clock.advance(31)
    replies = await chat.press(en("otp-resend-button"))
    assert said(replies, "otp-resend-send-number")
    assert await flow_step(harness, chat) is Step.AADHAAR
    for resend in (1, 2):
        await chat.send(ACTIVE)
        replies = await chat.send(CAPTCHA)
        assert said(replies, "otp-sent", masked="XXXX XXXX 1096")
        harness.clock.advance(61)
        if resend == 1:
            await chat.press(en("otp-resend-button"))
    await chat.press(en("otp-resend-button"))
    assert chat.last_answer == en("otp-resend-none-left")
    replies = await chat.send(GOOD_OTP)
    assert "STATE BANK OF INDIA" in texts(replies)[-1]
    assert harness.sandbox.calls["generate-otp"] == 3


async def test_daily_otp_cap(harness: Harness) -> None:
    chat = harness.chat()
    for _ in range(5):
        await chat.check(ACTIVE)
    await chat.start_and_consent()
    replies = await chat.send(ACTIVE)
    cap_message = en("daily-cap-reached", limit=5, time="TIME").split("TIME")[0]
    assert any(cap_message in t for t in texts(replies))
    assert harness.sandbox.calls["generate-otp"] == 5
    assert await flow_step(harness, chat) is None


# ------------------------------------------------------------------ consent and commands


async def test_declined_consent_is_recorded_and_names_alternatives(harness: Harness) -> None:
    chat = harness.chat()
    await chat.send("/start")
    await chat.press("English")
    replies = await chat.press(en("consent-decline-button"))
    assert said(replies, "consent-declined")
    records = await harness.app.services.store.consents_for_user(chat.chat_id)
    assert [r.outcome for r in records] == ["declined"]
    assert await flow_step(harness, chat) is None


async def test_consent_record_holds_the_hash_of_the_text_shown(harness: Harness) -> None:
    from bot.i18n.notices import sha256_text

    chat = harness.chat("hi")
    await chat.send("/start")
    await chat.press("हिन्दी")
    hindi = chat.last
    assert "आधार" in hindi.text
    await chat.press(en_in("hi", "consent-read-english-button"))  # the notice switches in place
    english = chat.last
    assert english.message_id == hindi.message_id and english.text.startswith("Before we start")
    await chat.press(en_in("hi", "consent-agree-button"))
    [record] = await harness.app.services.store.consents_for_user(chat.chat_id)
    assert (record.outcome, record.language, record.notice_id) == (
        "given",
        "en",
        "consent-notice-en",
    )
    sent_text = harness.tg.calls_to("editMessageText")[-1].params["text"]  # exactly as sent
    assert record.notice_sha256 == sha256_text(sent_text)


async def test_typing_a_number_is_not_consent(harness: Harness) -> None:
    chat = harness.chat()
    await chat.send("/start")
    await chat.press("English")
    replies = await chat.send(ACTIVE)
    assert chat.sent_ids[-1] in chat.deleted
    assert texts(replies) == [en("hint-consent-number")]
    assert await harness.app.services.store.consents_for_user(chat.chat_id) == []


@pytest.mark.parametrize("step", ["language", "consent", "aadhaar", "captcha", "otp"])
async def test_cancel_at_every_step(harness: Harness, step: str) -> None:
    chat = harness.chat()
    await chat.go_to(step)
    replies = await chat.send("/cancel")
    assert said(replies, "cancelled")
    assert await flow_step(harness, chat) is None
    assert len(harness.app.services.held) == 0


@pytest.mark.parametrize("step", ["language", "consent", "aadhaar", "captcha", "otp"])
async def test_unexpected_input_at_every_step(harness: Harness, step: str) -> None:
    chat = harness.chat()
    await chat.go_to(step)
    before = await flow_step(harness, chat)
    for send in (chat.sticker, chat.photo, lambda: chat.send("x" * 5000)):
        replies = await send()
        shown = texts(replies)
        assert shown, f"no answer at {step}"
        assert not any(en("error-generic") in t for t in shown)
        assert await flow_step(harness, chat) is before
    if step in ("aadhaar", "otp"):
        assert set(chat.sent_ids[-3:]) <= set(chat.deleted), "media and text are deleted here"


@pytest.mark.parametrize("step", ["consent", "aadhaar", "captcha", "otp"])
async def test_help_and_privacy_keep_the_step(harness: Harness, step: str) -> None:
    chat = harness.chat()
    await chat.go_to(step)
    before = await flow_step(harness, chat)
    assert said(await chat.send("/help"), "help-text")
    replies = await chat.send("/privacy")
    assert any("What this bot keeps about you" in t for t in texts(replies))
    assert await flow_step(harness, chat) is before


async def test_language_change_mid_flow_keeps_the_step(harness: Harness) -> None:
    chat = harness.chat()
    await chat.to_captcha()
    await chat.send("/language")
    replies = await chat.press("தமிழ்")
    assert await flow_step(harness, chat) is Step.CAPTCHA
    assert any("படத்தில்" in t or "எழுத்து" in t for t in texts(replies)), texts(replies)
    replies = await chat.send(CAPTCHA)
    assert await flow_step(harness, chat) is Step.OTP


async def test_old_button_says_step_has_passed(harness: Harness) -> None:
    chat = harness.chat()
    await chat.send("/start")
    picker = chat.last  # this check's picker: it becomes stale with the next /start
    await chat.send("/start")
    await chat.press("English")
    notice = chat.last
    agree = notice.buttons[0][0].data
    await chat.press(en("consent-agree-button"))
    await chat.press_data(notice.message_id, agree)
    assert chat.last_answer == en("stale-button")
    await chat.press_data(picker.message_id, picker.buttons[0][0].data)
    assert chat.last_answer == en("stale-button")
    await chat.press_data(notice.message_id, "garbage|that|we-never-made")
    assert chat.last_answer == en("stale-button")
    assert await flow_step(harness, chat) is Step.AADHAAR


async def test_start_in_a_group_is_refused(harness: Harness) -> None:
    await harness.tg.send_text(
        -100200, "/start", user_id=5, chat_type="group", title="Village group"
    )
    await harness.settle()
    [reply] = harness.tg.messages(-100200)
    assert reply.text == en("group-refused")
    assert await harness.app.services.store.get_flow(-100200) is None


async def test_a_number_typed_in_a_group_is_deleted(harness: Harness) -> None:
    # An admin bot sees every group message whatever its privacy mode, and may delete any.
    harness.tg.add_chat(-100300, chat_type="group", title="G", bot_is_admin=True)
    message_id = await harness.tg.send_text(
        -100300, ACTIVE, user_id=6, chat_type="group", title="G"
    )
    await harness.settle()
    assert message_id in harness.tg.deleted_ids(-100300)
    assert harness.tg.messages(-100300)[-1].text == en("group-refused")


async def test_a_number_in_a_group_where_the_bot_is_no_admin_cannot_be_deleted(
    harness: Harness,
) -> None:
    harness.tg.privacy_mode = False  # it sees the message, but may not delete others' there
    message_id = await harness.tg.send_text(
        -100301, ACTIVE, user_id=6, chat_type="group", title="G"
    )
    await harness.settle()
    assert message_id not in harness.tg.deleted_ids(-100301)
    last = harness.tg.messages(-100301)[-1].text
    assert last == en("aadhaar-delete-failed") + "\n\n" + en("group-refused")


async def test_failed_deletion_asks_the_user_to_delete(harness: Harness) -> None:
    chat = harness.chat()
    await chat.start_and_consent()
    harness.tg.fail_next(
        "deleteMessage", status=400, description="Bad Request: message can't be deleted"
    )
    replies = await chat.send(ACTIVE)
    assert said(replies, "aadhaar-delete-failed")
    assert any(m.kind == "photo" for m in replies), "the check goes on"


async def test_idle_check_expires(harness: Harness) -> None:
    chat = harness.chat()
    await chat.start_and_consent()
    harness.clock.advance(31 * 60)
    replies = await chat.send(ACTIVE)
    assert said(replies, "check-expired")
    assert chat.sent_ids[-1] in chat.deleted
    assert await flow_step(harness, chat) is None


async def test_number_outside_a_check_is_deleted(harness: Harness) -> None:
    chat = harness.chat()
    replies = await chat.send(ACTIVE)
    assert texts(replies) == [en("number-outside-check")]
    assert chat.sent_ids[-1] in chat.deleted


async def test_command_menu_in_every_language(harness: Harness) -> None:
    commands = harness.tg.commands_for(None)
    assert [c for c, _ in commands] == ["start", "cancel", "language", "help", "privacy", "forget"]
    hindi = dict(harness.tg.commands_for(None, "hi"))
    assert hindi["start"] != dict(commands)["start"]


async def test_check_log_keeps_only_the_last_four_digits(harness: Harness) -> None:
    from datetime import timedelta

    chat = harness.chat()
    await chat.check(INACTIVE)
    now = harness.clock.now()
    [record] = await harness.app.services.store.checks_between(
        now - timedelta(days=1), now + timedelta(days=1)
    )
    assert (record.last4, record.outcome, record.bank_name, record.status) == (
        "0124",
        "inactive",
        "PUNJAB NATIONAL BANK",
        "Inactive",
    )
