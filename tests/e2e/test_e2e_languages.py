"""Every language end to end: picked in the picker, the Active fixture to the result card,
typed with that script's own digits; the notice and the card in that script, the date in
that locale's format; no direction marks in a left-to-right language, and in a right-to-left
one only the marks LRM and RLM (never isolates, which Telegram Desktop mishandles)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.i18n.translator import RTL_LANGUAGES, Translator
from testing.harness import ACTIVE, CAPTCHA, GOOD_OTP, Harness, en_in

TRANSLATOR = Translator()

# Unicode block of each language's script, and the code point of its digit zero.
SCRIPTS: dict[str, tuple[str, int]] = {
    "en": ("A-Za-z", ord("0")),
    "hi": ("\u0900-\u097f", 0x0966),
    "mr": ("\u0900-\u097f", 0x0966),
    "bn": ("\u0980-\u09ff", 0x09E6),
    "as": ("\u0980-\u09ff", 0x09E6),
    "pa": ("\u0a00-\u0a7f", 0x0A66),
    "gu": ("\u0a80-\u0aff", 0x0AE6),
    "or": ("\u0b00-\u0b7f", 0x0B66),
    "ta": ("\u0b80-\u0bff", 0x0BE6),
    "te": ("\u0c00-\u0c7f", 0x0C66),
    "kn": ("\u0c80-\u0cff", 0x0CE6),
    "ml": ("\u0d00-\u0d7f", 0x0D66),
    "ur": ("\u0600-\u06ff", 0x06F0),  # Extended Arabic-Indic digits, as Urdu keyboards type
}
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
RTL_ONLY_MARKS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def assert_right_marks(text: str, language: str) -> None:
    forbidden = RTL_ONLY_MARKS if language in RTL_LANGUAGES else BIDI_MARKS
    assert not forbidden.search(text), text


def native_digits(text: str, language: str) -> str:
    zero = SCRIPTS[language][1]
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in text)


def share_in_script(text: str, language: str) -> float:
    letters = [c for c in text if c.isalpha()]
    in_script = re.findall(f"[{SCRIPTS[language][0]}]", "".join(letters))
    return len(in_script) / max(len(letters), 1)


def test_every_locale_is_covered() -> None:
    assert set(SCRIPTS) == set(TRANSLATOR.codes)


@pytest.mark.parametrize("language", sorted(SCRIPTS))
async def test_a_check_in_each_language(harness: Harness, language: str) -> None:
    chat = harness.chat(language_code=language)
    await chat.send("/start")
    picker = chat.last
    first = picker.buttons[0][0]
    assert first.text == TRANSLATOR.t(language, "language-name"), "Telegram's hint comes first"

    await chat.press(TRANSLATOR.t(language, "language-name"))
    notice = chat.last
    assert share_in_script(notice.text, language) > 0.6, notice.text[:200]
    assert_right_marks(notice.text, language)
    if language in RTL_LANGUAGES:  # the withdrawal line: "/forget", not "forget/"
        assert "\u200e/forget " in notice.text

    await chat.press(en_in(language, "consent-agree-button"))
    replies = await chat.send(native_digits(ACTIVE, language))
    assert chat.sent_ids[-1] in chat.deleted
    assert any(m.kind == "photo" for m in replies), [m.text for m in replies]
    replies = await chat.send(native_digits(CAPTCHA, language))
    otp_prompt = en_in(language, "otp-sent", masked="XXXX XXXX 1096")
    assert otp_prompt in [m.text for m in replies], "with the warning against OTP fraud"
    replies = await chat.send(native_digits(GOOD_OTP, language))
    assert chat.sent_ids[-1] in chat.deleted

    card = replies[-1].text
    assert "STATE BANK OF INDIA" in card
    assert TRANSLATOR.format_date(language, date(2013, 6, 1)) in card
    assert en_in(language, "result-status-active") in card
    assert re.search(r"\b[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{3}\b", card), "the check reference"
    without_bank = card.replace("STATE BANK OF INDIA", "").replace("NPCI", "").replace("UIDAI", "")
    assert share_in_script(without_bank, language) > 0.6, card
    assert_right_marks(card, language)


async def test_read_in_english_and_back(harness: Harness) -> None:
    chat = harness.chat(language_code="bn")
    await chat.send("/start")
    await chat.press("বাংলা")
    bengali = chat.last.text
    await chat.press(en_in("bn", "consent-read-english-button"))
    assert chat.last.text.startswith("Before we start")
    await chat.press(en_in("bn", "consent-read-original-button", language="বাংলা"))
    assert chat.last.text == bengali


async def test_telegram_language_only_orders_the_picker(harness: Harness) -> None:
    chat = harness.chat(language_code="ta")
    await chat.send("/start")
    labels = [b.text for row in chat.last.buttons for b in row]
    assert labels[0] == "தமிழ்" and len(labels) == 13
    state = await harness.app.services.store.get_flow(chat.chat_id)
    assert state is not None and state.step.value == "language", "nothing chosen for the user"
