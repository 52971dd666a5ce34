"""The input fuzzer's rig (tests/e2e/test_input_fuzz.py, test_numbers_fuzz.py): one bot for every
example, a chat put back at its step before each one, and the checks every example must pass."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.check.state import FlowState, Step
from bot.domain.aadhaar import looks_like_aadhaar
from bot.i18n.notices import Notices, load_registry
from bot.i18n.translator import Translator
from testing.harness import (
    ACTIVE,
    CAPTCHA,
    Harness,
    UserChat,
    en,
    running_harness,
)

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
            assert made_of(text, pieces), f"{action!r}: not the locale's words: {text!r}"
        for query in queries:
            answer = h.tg.callback_answers.get(query)
            if answer is not None and answer.text:
                assert made_of(answer.text, pieces), f"{action!r}: answer {answer.text!r}"
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


def made_of(text: str, pieces: list[str]) -> bool:
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
