"""Property-based input hardening: whatever a user (or a forger) sends at any step, the bot
answers without an unhandled exception, only in its locale's words, and leaves the check valid.

For each step (no check open, language, consent, Aadhaar, captcha, OTP) hypothesis draws 2,000
inputs: any Unicode text (empty, whitespace, 4,096 characters, RTL and zero-width characters,
digits of every script, commands, text with entities), stickers, photos, voice notes, contacts,
edited messages, channel posts, and button taps whose data is garbage, stale, another chat's, or
this chat's own buttons pressed by another user (a forged update), plus the step's real buttons.

One bot serves every example (the real Application, over loopback HTTP to the fake Bot API
server, with the in-process sandbox), driven from a synchronous test through one long-lived
event loop; each example first puts the chat back at its step (the flow row, the clock, the
number held in memory), then sends the input and waits until the bot is idle. Every example
checks:

- the error handler was never reached (no ``update.failed``), nothing was logged with a
  traceback, no message was missing from a locale;
- every reply and every button answer is made only of messages the translator rendered for
  this update (so: from the locale files, never literal or echoed text);
- the flow row is valid (same chat and owner, a known language, four digits at most) and at a
  step one move can reach; a new check only ever starts at the language picker;
- a text that looks like an Aadhaar number was deleted, at every step (and any text at the
  Aadhaar and OTP steps).

Deterministic: ``derandomize=True`` and no example database.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import os
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.check.state import FlowState, Step
from bot.domain.aadhaar import looks_like_aadhaar
from bot.i18n.notices import Notices, load_registry
from bot.i18n.translator import Translator
from handlers.callbacks import Action
from testing.harness import (
    ACTIVE,
    ALL_TEST_NUMBERS,
    CAPTCHA,
    GOOD_OTP,
    WRONG_OTPS,
    Harness,
    UserChat,
    en,
    running_harness,
)

# Per step in CI (6,000 in all); INPUT_FUZZ_EXAMPLES=2000 runs the 12,000 of the recorded run.
EXAMPLES_PER_STEP = int(os.environ.get("INPUT_FUZZ_EXAMPLES", "1000"))
STEPS = ("none", "language", "consent", "aadhaar", "captcha", "otp")
REACHABLE: dict[str, set[Step | None]] = {
    "none": {None, Step.LANGUAGE},
    "language": {Step.LANGUAGE, Step.CONSENT, None},
    "consent": {Step.CONSENT, Step.AADHAAR, Step.LANGUAGE, None},
    "aadhaar": {Step.AADHAAR, Step.CAPTCHA, Step.LANGUAGE, None},
    "captcha": {Step.CAPTCHA, Step.OTP, Step.AADHAAR, Step.LANGUAGE, None},
    "otp": {Step.OTP, Step.AADHAAR, Step.LANGUAGE, None},
}
_TAGS = re.compile(r"</?b>")
_I18N_PROBLEMS = ("i18n.missing", "i18n.missing_in_default", "i18n.format_error")


class RecordingTranslator(Translator):
    """The shipped locales, remembering every message rendered since the last ``clear``."""

    def __init__(self) -> None:
        super().__init__()
        self.rendered: list[str] = []

    def t(self, code: str, key: str, **args: Any) -> str:
        text = super().t(code, key, **args)
        self.rendered.append(text)
        return text


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING or record.exc_info or record.name.startswith("bot"):
            self.records.append(record)


@dataclass
class Snapshot:
    """A chat at a step, to put back before every example."""

    chat: UserChat
    state: FlowState | None
    now: datetime
    number: str | None  # held in memory at the captcha step
    press_on: int  # a bot message of the chat, to tap buttons on
    buttons: list[str] = field(default_factory=list)  # the step's own buttons' data
    seen: int = 0  # the last transcript event already checked
    texts: dict[int, str] = field(default_factory=dict)  # bot message id -> text last seen


@dataclass
class Fuzz:
    loop: asyncio.Runner
    h: Harness
    translator: RecordingTranslator
    log: Records
    snapshots: dict[str, Snapshot]

    def run(self, step: str, action: tuple[str, Any]) -> None:
        self.loop.run(self.example(step, action))

    async def example(self, step: str, action: tuple[str, Any]) -> None:
        snap = self.snapshots[step]
        h, chat_id = self.h, snap.chat.chat_id
        await self.reset(snap)
        log_mark = len(self.log.records)
        event_mark = snap.seen
        deleted_mark = len(h.tg.deleted_ids(chat_id))
        self.translator.rendered.clear()

        kind, payload = action
        sent_text, message_id, queries = await self.act(snap, kind, payload)
        await h.settle()

        # 1. Never the error handler, never a traceback, never a missing message.
        for record in self.log.records[log_mark:]:
            message = record.getMessage()
            assert message != "update.failed", f"{action!r}: the error handler was reached"
            assert not record.exc_info, f"{action!r}: traceback logged: {message}"
            assert message not in _I18N_PROBLEMS, f"{action!r}: {message} {record.__dict__}"
        # 2. Only the locale's words.
        pieces = [_visible(text) for text in self.translator.rendered]
        new_events = h.tg.events(chat_id, after=event_mark)
        snap.seen = new_events[-1].seq if new_events else snap.seen
        for event in new_events:
            text = event.message.text
            if event.type == "deleted" or not text:
                continue
            if event.type == "edited" and snap.texts.get(event.message.message_id) == text:
                continue  # only the buttons changed
            snap.texts[event.message.message_id] = text
            assert text != en("error-generic"), f"{action!r}: the error message was sent"
            assert _made_of(text, pieces), f"{action!r}: not the locale's words: {text!r}"
        for query in queries:
            answer = h.tg.callback_answers.get(query)
            if answer is not None and answer.text:
                assert _made_of(answer.text, pieces), f"{action!r}: answer {answer.text!r}"
        # 3. A valid check, at a step one move can reach.
        state = await h.app.services.store.get_flow(chat_id)
        step_now = state.step if state else None
        assert step_now in REACHABLE[step], f"{action!r}: {step} -> {step_now}"
        if state is not None:
            assert (state.chat_id, state.user_id) == (chat_id, chat_id), f"{action!r}: owner"
            assert state.language in self.translator.codes
            assert state.last4 is None or re.fullmatch(r"[0-9]{4}", state.last4)
            if snap.state is None or state.check_id != snap.state.check_id:
                assert state.step is Step.LANGUAGE, f"{action!r}: a new check not at the start"
        # 4. Whatever looks like an Aadhaar number is gone from the chat.
        if sent_text is not None and message_id is not None:
            sensitive = looks_like_aadhaar(sent_text) or (
                step in ("aadhaar", "otp") and not sent_text.startswith("/")
            )
            if sensitive:
                deleted = h.tg.deleted_ids(chat_id)[deleted_mark:]
                assert message_id in deleted, f"{action!r}: not deleted"

    async def reset(self, snap: Snapshot) -> None:
        services, chat_id = self.h.app.services, snap.chat.chat_id
        self.h.clock.set(snap.now)
        services.held.drop(chat_id)
        if snap.state is None:
            await services.store.delete_flow(chat_id)
        else:
            await services.store.save_flow(snap.state)
            if snap.number is not None:
                services.held.hold(chat_id, snap.state.check_id, snap.number)

    async def act(
        self, snap: Snapshot, kind: str, payload: Any
    ) -> tuple[str | None, int | None, list[str]]:
        """Do one input; returns (text sent, its message id, callback query ids)."""
        tg, chat_id = self.h.tg, snap.chat.chat_id
        if kind == "text":
            return payload, await tg.send_text(chat_id, payload), []
        if kind == "sticker":
            await tg.send_sticker(chat_id, emoji=payload)
        elif kind == "photo":
            await tg.send_photo(chat_id, caption=payload or None)
        elif kind in ("tap", "own-button"):
            data = payload if kind == "tap" else snap.buttons[payload % len(snap.buttons)]
            return None, None, [await tg.press(chat_id, snap.press_on, data, strict=False)]
        else:
            await tg.send_raw_update(self.raw(snap, kind, payload))
        return None, None, []

    def raw(self, snap: Snapshot, kind: str, payload: Any) -> dict[str, Any]:
        """Updates the fake's user side cannot make: what a client could send, or a forger."""
        chat_id = snap.chat.chat_id
        user = {"id": chat_id, "is_bot": False, "first_name": "Asha", "language_code": "en"}
        chat = {"id": chat_id, "type": "private", "first_name": "Asha"}
        message: dict[str, Any] = {"message_id": 900_000, "from": user, "chat": chat, "date": 1}
        if kind == "voice":
            message["voice"] = {"file_id": "v", "file_unique_id": "v", "duration": payload}
        elif kind == "contact":
            message["contact"] = {"phone_number": payload[0], "first_name": payload[1]}
        elif kind == "location":
            message["location"] = {"latitude": payload[0], "longitude": payload[1]}
        elif kind == "document":
            message["document"] = {"file_id": "d", "file_unique_id": "d", "file_name": payload}
        elif kind == "entities":
            text, offset, length, entity = payload
            message["text"] = text
            if text:
                start = offset % len(text)
                message["entities"] = [
                    {"type": entity, "offset": start, "length": 1 + length % (len(text) - start)}
                    | ({"url": "https://example.org"} if entity == "text_link" else {})
                ]
        elif kind == "edited":
            return {"edited_message": {**message, "text": payload, "edit_date": 2}}
        elif kind == "channel-post":
            channel = {"id": -1001234567890, "type": "channel", "title": "News"}
            return {"channel_post": {"message_id": 5, "chat": channel, "date": 1, "text": payload}}
        elif kind == "forged-user":
            bot_message = self.h.tg.messages(chat_id)[-1].raw
            forger = {**user, "id": chat_id + 1}
            data = snap.buttons[payload % len(snap.buttons)]
            query = {"id": "forged", "from": forger, "message": bot_message, "data": data}
            return {"callback_query": {**query, "chat_instance": "1"}}
        elif kind == "no-message-tap":
            query = {"id": "inline", "from": user, "inline_message_id": "x", "data": payload}
            return {"callback_query": {**query, "chat_instance": "1"}}
        return {"message": message}


def _visible(text: str) -> str:
    """A message as the user sees it: tags gone, entities unescaped, trimmed."""
    return html.unescape(_TAGS.sub("", text)).strip()


def _made_of(text: str, pieces: list[str]) -> bool:
    """Can ``text`` be cut into ``pieces`` joined by one or two line breaks?"""
    pieces = [p for p in set(pieces) if p]
    todo = [0]
    seen = {0}
    while todo:
        at = todo.pop()
        for piece in pieces:
            if text.startswith(piece, at):
                end = at + len(piece)
                if end == len(text):
                    return True
                for sep in ("\n", "\n\n"):
                    if text.startswith(sep, end) and end + len(sep) not in seen:
                        seen.add(end + len(sep))
                        todo.append(end + len(sep))
    return False


# ------------------------------------------------------------------ the inputs

_RTL_AND_INVISIBLE = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_RTL_AND_INVISIBLE += "\u200b\u200c\u200d\u2060\ufeff"
_RTL_TEXT = "آدھار نمبر שלום עולם " + _RTL_AND_INVISIBLE
_DIGITS = "0123456789०१२३४५६७८९০১২৩৪৫৬৭৮৯௦௧௨௩௪௫௬௭௮௯٠١٢٣٤٥٦٧٨٩"
_SEPARATORS = " -.\u00a0\u2003\u200b\t\n"

texts = st.one_of(
    st.text(max_size=60),
    st.just(""),
    st.text(alphabet=" \t\n\r\u00a0\u2002\u2003\u3000" + _RTL_AND_INVISIBLE, min_size=1),
    st.text(alphabet=_RTL_TEXT, max_size=60),
    st.text(min_size=1, max_size=6).map(lambda s: (s * 4096)[:4096]),
    st.text(alphabet=_DIGITS + _SEPARATORS, min_size=1, max_size=24),
    st.sampled_from(ALL_TEST_NUMBERS).flatmap(
        lambda n: st.sampled_from([n, n.replace(" ", ""), n.replace(" ", "-"), f" {n} "])
    ),
    st.sampled_from([GOOD_OTP, *WRONG_OTPS, CAPTCHA, CAPTCHA.lower(), "WRONG1", "१२३४५६"]),
    st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=14),
    st.sampled_from(
        ["/start", "/cancel", "/help", "/privacy", "/language", "/forget", "/stats", "/invite"]
    ).flatmap(lambda c: st.sampled_from([c, f"{c} extra words", f"{c}@seeding_test_bot"])),
    st.text(max_size=20).map(lambda s: "/" + s),
)
_ACTIONS = [a.value for a in Action]
callback_data = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda action, check, arg: f"{action}|{check}|{arg}",
        st.sampled_from(_ACTIONS),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789-_", max_size=20),
        st.text(max_size=12),
    ),
)
_PAYLOADS: dict[str, st.SearchStrategy[Any]] = {
    "text": texts,
    "entities": st.tuples(
        texts,
        st.integers(0, 4096),
        st.integers(0, 4096),
        st.sampled_from(["bold", "italic", "url", "mention", "text_link", "spoiler"]),
    ),
    "edited": texts,
    "channel-post": texts,
    "photo": st.text(max_size=30),
    "tap": callback_data,
    "no-message-tap": callback_data,
    "own-button": st.integers(0, 100),
    "forged-user": st.integers(0, 100),
    "sticker": st.text(min_size=1, max_size=2),
    "voice": st.integers(0, 3600),
    "contact": st.tuples(st.text(max_size=20), st.text(min_size=1, max_size=20)),
    "location": st.tuples(st.floats(-90, 90), st.floats(-180, 180)),
    "document": st.text(min_size=1, max_size=40),
}
# Typed text most often; then taps, the other kinds of message, and forgeries.
_KINDS = ["text"] * 8 + ["tap", "own-button"] * 2 + [k for k in _PAYLOADS if k != "text"]
inputs = st.sampled_from(_KINDS).flatmap(lambda kind: st.tuples(st.just(kind), _PAYLOADS[kind]))

# ------------------------------------------------------------------ the bot, once


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzz]:
    with running_fuzz(tmp_path_factory.mktemp("fuzz")) as started:
        yield started


@contextlib.contextmanager
def running_fuzz(path: Path, **overrides: Any) -> Iterator[Fuzz]:
    """One bot (a harness with ``overrides``), a chat walked to each step, one event loop."""
    loop = asyncio.Runner()
    context = running_harness(path, **overrides)
    h = loop.run(context.__aenter__())
    log = Records()
    logging.getLogger().addHandler(log)
    try:
        translator = RecordingTranslator()
        h.app.services.translator = translator
        h.app.services.notices = Notices(translator, load_registry())
        snapshots = loop.run(_snapshots(h))
        yield Fuzz(loop, h, translator, log, snapshots)
    finally:
        logging.getLogger().removeHandler(log)
        loop.run(context.__aexit__(None, None, None))
        loop.close()


async def _snapshots(h: Harness) -> dict[str, Snapshot]:
    """One chat walked to each step the way a user gets there."""
    snapshots = {}
    other = h.chat()
    await other.to_captcha()  # another chat's check: its buttons are forgeries here
    foreign = [b.data for m in h.tg.messages(other.chat_id) for row in m.buttons for b in row]
    for step in STEPS:
        chat = h.chat()
        await chat.send("/start")
        if step == "none":
            await chat.send("/cancel")
        if step in ("consent", "aadhaar", "captcha", "otp"):
            await chat.press("English")
        if step in ("aadhaar", "captcha", "otp"):
            await chat.press(en("consent-agree-button"))
        if step in ("captcha", "otp"):
            await chat.send(ACTIVE)
        if step == "otp":
            await chat.send(CAPTCHA)
        state = await h.app.services.store.get_flow(chat.chat_id)
        messages = h.tg.messages(chat.chat_id)
        own = [b.data for m in messages if not m.deleted for row in m.buttons for b in row]
        events = h.tg.events(chat.chat_id)
        snapshots[step] = Snapshot(
            seen=events[-1].seq,
            texts={m.message_id: m.text for m in messages},
            chat=chat,
            state=state,
            now=h.clock.now(),
            number=ACTIVE.replace(" ", "") if step == "captcha" else None,
            press_on=messages[-1].message_id,
            buttons=own + foreign + [b.data for m in messages for row in m.buttons for b in row],
        )
    return snapshots


# ------------------------------------------------------------------ the properties


@pytest.mark.parametrize("step", STEPS)
def test_any_input_at_any_step(fuzz: Fuzz, step: str) -> None:
    @settings(
        max_examples=EXAMPLES_PER_STEP,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
    )
    @given(action=inputs)
    def one_input(action: tuple[str, Any]) -> None:
        fuzz.run(step, action)

    one_input()


def test_the_check_of_replies_is_not_vacuous() -> None:
    assert _made_of("a\n\nb", ["a", "b"])
    assert _made_of("a\nb", ["b", "a"])
    assert not _made_of("a b", ["a", "b"])
    assert not _made_of("a\n\nb and more", ["a", "b"])
    assert not _made_of("", ["a"])
