"""Issue 14's cases one by one, end to end: each way a number got through before is deleted,
refused or masked now; report dates out of range get the range message. (The property tests
in tests/e2e/test_numbers_fuzz.py cover the same ground at random.)"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.check.state import Step
from bot.observability.logging_setup import JsonFormatter, RedactingFilter
from bot.operator.reports import FIRST_REPORT_DAY, LAST_REPORT_DAY
from testing.cli import run_bot
from testing.harness import ACTIVE, EN, GOOD_OTP, Harness, en
from testing.leaks import find_secrets
from testing.staff import ADMIN, texts

DIGITS = ACTIVE.replace(" ", "")  # 987654321096, Verhoeff-valid
RLM, LRI, PDI = "\u200f", "\u2066", "\u2069"


async def test_a_number_with_bidi_marks_is_taken_at_the_aadhaar_step(harness: Harness) -> None:
    chat = harness.chat("ur")
    await chat.go_to("aadhaar")
    typed = LRI + RLM.join(DIGITS) + PDI
    replies = await chat.send(typed)
    assert chat.sent_ids[-1] in chat.deleted
    assert any(m.kind == "photo" for m in replies), "the captcha: the number was taken"
    state = await harness.app.services.store.get_flow(chat.chat_id)
    assert state is not None and state.step is Step.CAPTCHA and state.last4 == DIGITS[-4:]


@pytest.mark.parametrize(
    "typed",
    [f"my aadhaar is {ACTIVE}", f"Aadhaar: {ACTIVE}", ACTIVE.replace(" ", "/")],
)
async def test_a_number_in_a_sentence_is_taken_at_the_aadhaar_step(
    harness: Harness, typed: str
) -> None:
    chat = harness.chat()
    await chat.go_to("aadhaar")
    await chat.send(typed)
    assert chat.sent_ids[-1] in chat.deleted
    state = await harness.app.services.store.get_flow(chat.chat_id)
    assert state is not None and state.step is Step.CAPTCHA


@pytest.mark.parametrize("command", ["/start", "/help", "/cancel", "/privacy", "/language"])
@pytest.mark.parametrize("step", ["none", "language", "consent", "captcha"])
async def test_a_command_with_a_number_is_deleted_and_not_run(
    harness: Harness, command: str, step: str
) -> None:
    chat = harness.chat()
    if step != "none":
        await chat.go_to(step)
    before = await harness.app.services.store.get_flow(chat.chat_id)
    replies = await chat.send(f"{command} {ACTIVE}")
    assert chat.sent_ids[-1] in chat.deleted
    assert texts(replies) == [en("command-number-deleted")]
    after = await harness.app.services.store.get_flow(chat.chat_id)
    assert (after.step if after else None) == (before.step if before else None), "not run"


async def test_a_caption_and_an_edited_caption_are_deleted(harness: Harness) -> None:
    chat = harness.chat()
    await chat.go_to("consent")
    photo = await harness.tg.send_photo(chat.chat_id, caption=f"my aadhaar {ACTIVE}")
    await harness.settle()
    assert photo in chat.deleted
    plain = await harness.tg.send_photo(chat.chat_id)  # kept: no number in it
    await harness.settle()
    assert plain not in chat.deleted
    await harness.tg.send_edited_caption(chat.chat_id, plain, f"number {ACTIVE}")
    await harness.settle()
    assert plain in chat.deleted
    assert chat.last.text == en("edited-ignored")


async def test_an_edit_that_puts_a_number_in_a_sentence_is_deleted(harness: Harness) -> None:
    chat = harness.chat()
    await chat.send("hello")
    hello = chat.sent_ids[-1]
    await harness.tg.send_edited_text(chat.chat_id, hello, f"it is {ACTIVE.replace(' ', '_')}")
    await harness.settle()
    assert hello in chat.deleted


async def test_a_document_caption_and_file_name_in_a_group_are_deleted(harness: Harness) -> None:
    group = -100400
    harness.tg.add_chat(group, chat_type="supergroup", title="Village", bot_is_admin=True)
    tg = harness.tg
    caption = await tg.send_photo(
        group, caption=f"Aadhaar {ACTIVE}", user_id=77, chat_type="supergroup"
    )
    named = await tg.send_document(
        group, file_name=f"{DIGITS}.pdf", user_id=77, chat_type="supergroup"
    )
    chatter = await tg.send_text(group, "good morning", user_id=77, chat_type="supergroup")
    await harness.settle()
    assert {caption, named} <= set(harness.tg.deleted_ids(group))
    assert chatter not in harness.tg.deleted_ids(group)
    assert [m.text for m in harness.tg.messages(group)] == [en("group-refused")] * 2


async def test_a_forwarded_message_with_a_number_is_deleted(harness: Harness) -> None:
    chat = harness.chat()
    forwarded = await harness.tg.send_text(chat.chat_id, f"Aadhaar {ACTIVE}", forwarded_from="Ravi")
    await harness.settle()
    assert forwarded in chat.deleted


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        ("/revoke 800582971927", "XXXX XXXX 1927"),  # 12 digits, not an Aadhaar number: masked
        ("/history 991967660005", "XXXX XXXX 0005"),
    ],
)
async def test_operator_replies_mask_a_twelve_digit_argument(
    staffed: Harness, command: str, shown: str
) -> None:
    admin = staffed.chat(chat_id=ADMIN)
    [reply] = texts(await admin.send(command))
    assert shown in reply
    assert command.split()[1] not in reply


@pytest.mark.parametrize("command", ["/revoke 800582971928", "/history 991967660004"])
async def test_operator_commands_with_an_aadhaar_number_are_deleted(
    staffed: Harness, command: str
) -> None:
    admin = staffed.chat(chat_id=ADMIN)
    assert texts(await admin.send(command)) == [en("command-number-deleted")]
    assert admin.sent_ids[-1] in admin.deleted


@pytest.mark.parametrize("name", [f"Ravi {ACTIVE}", "Ravi 9876 5432 1095", f"Ravi {ACTIVE}."])
async def test_an_invite_name_with_a_number_is_refused_and_not_stored(
    staffed: Harness, name: str
) -> None:
    admin = staffed.chat(chat_id=ADMIN)
    assert texts(await admin.send(f"/invite {name}")) == [en("invite-label-number")]
    assert admin.sent_ids[-1] in admin.deleted
    db = Path(staffed.settings.database_url.removeprefix("sqlite:///"))
    for path in db.parent.glob(db.name + "*"):
        assert b"Ravi" not in path.read_bytes(), path.name


@pytest.mark.parametrize(
    "command",
    [
        "/stats 0001-01-01 0001-01-02",
        "/stats 9999-12-30 9999-12-31",
        "/stats 0001-01-01 2026-01-01",
        "/export 0001-01-01 0001-01-02",
        "/export 9999-12-30 9999-12-31",
    ],
)
async def test_report_dates_out_of_range_get_the_range_message(
    staffed: Harness, command: str
) -> None:
    admin = staffed.chat(chat_id=ADMIN)
    first, last = (EN.format_date("en", day) for day in (FIRST_REPORT_DAY, LAST_REPORT_DAY))
    assert texts(await admin.send(command)) == [en("period-range", first=first, last=last)]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_report_command_refuses_days_out_of_range(tmp_path: Path, day: str) -> None:
    done = run_bot(
        tmp_path, "report", "--from", day, "--to", day, DATABASE_URL=f"sqlite:///{tmp_path}/x.db"
    )
    assert done.returncode == 2
    assert "reports cover 2000-01-01 to 9998-12-31" in done.stderr


def test_an_unparseable_batch_logged_by_the_library_is_redacted() -> None:
    """python-telegram-bot logs the whole batch at CRITICAL when it cannot parse it: the
    production handler keeps the library's wording and drops the batch (its arguments), so no
    number in any form and no OTP reaches the line."""
    batch = [
        {"update_id": 1, "message": {"message_id": 5, "text": GOOD_OTP}},
        {"update_id": 2, "message": {"message_id": 6, "text": ACTIVE.replace(" ", ".")}},
        {"update_id": 3, "message": {"message_id": 7, "caption": RLM.join(DIGITS)}},
    ]
    record = logging.LogRecord(
        "telegram.Bot", logging.CRITICAL, __file__, 1,
        "Error while parsing updates! Received data was %r", (batch,), None,
    )  # fmt: skip
    RedactingFilter().filter(record)
    line = JsonFormatter().format(record)
    assert find_secrets(line) == []
    # The pipeline keeps only the library's wording (bot/observability/logging_setup.py): no batch
    # at all.
    assert "Error while parsing updates" in line and "update_id" not in line
