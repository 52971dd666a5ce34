"""The fake's world: chats, users, messages, files and queued updates; what the bot did, read
back as records; waiting for any of it without polling; and the faults queued for calls."""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import json
import re
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from PIL import Image

from bot.clock import Clock, SystemClock
from testing.fake_telegram.records import (
    DEFAULT_TOKEN,
    DEFAULT_USERNAME,
    ApiCall,
    BotEvent,
    BotMessage,
    CallbackAnswer,
    JSONDict,
    Webhook,
)
from testing.fake_telegram.requests import bad

_T = TypeVar("_T")


# --------------------------------------------------------------------------------------------
# Files


@dataclass(frozen=True, slots=True)
class StoredFile:
    """An uploaded file, reachable by any of its file_ids so it can be re-sent by id."""

    data: bytes
    photo: list[JSONDict] | None = None  # the PhotoSize array, for photos
    document: JSONDict | None = None  # the Document object, for documents


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of an image; Telegram refuses bytes that are not one."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except (OSError, ValueError, Image.DecompressionBombError):
        raise bad("IMAGE_PROCESS_FAILED") from None
    if width + height > 10000 or max(width, height) > 20 * min(width, height):
        raise bad("PHOTO_INVALID_DIMENSIONS")
    return width, height


def scaled_sizes(width: int, height: int) -> list[tuple[int, int]]:
    """The sizes Telegram keeps of a photo: boxes of 90, 320, 800, 1280 and 2560 pixels,
    up to and including the original size."""
    sizes: list[tuple[int, int]] = []
    longest = max(width, height)
    for box in (90, 320, 800, 1280, 2560):
        if longest <= box:
            sizes.append((width, height))
            break
        scale = box / longest
        sizes.append((max(1, round(width * scale)), max(1, round(height * scale))))
    return sizes


# --------------------------------------------------------------------------------------------
# Waiting without polling


class Pulse:
    """A broadcast wake-up: ``fire`` wakes whoever waits at that moment.

    Waiters re-check their condition after every wake-up; in a single-threaded event loop
    nothing can change between that check and the wait, so no wake-up is lost.
    """

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None  # made lazily: it binds to the running loop

    def fire(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait(self, seconds: float) -> None:
        if self._event is None:
            self._event = asyncio.Event()
        event = self._event
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await event.wait()


@dataclass(slots=True)
class Chat:
    info: JSONDict  # the Bot API Chat object
    last_message_id: int = 0
    messages: dict[int, JSONDict] = field(default_factory=dict)  # live messages, user and bot
    transcript: dict[int, BotMessage] = field(default_factory=dict)  # bot messages, in order
    events: list[BotEvent] = field(default_factory=list)
    read: int = 0  # how many events next_bot_message has consumed
    deleted: list[int] = field(default_factory=list)
    bot_is_admin: bool = False  # groups: an admin bot sees every message and may delete any

    @property
    def id(self) -> int:
        return int(self.info["id"])


@dataclass(frozen=True, slots=True)
class Fault:
    status: int = 0  # 0: drop the connection instead of answering
    description: str = ""
    retry_after: int | None = None
    take_effect: bool = False  # for drops: apply the call first, then lose the answer




class World:
    """The state of a fake Telegram, and what reads it (see ``FakeTelegram``)."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = DEFAULT_USERNAME,
        *,
        bot_first_name: str = "Seeding Bot",
        privacy_mode: bool = True,
        clock: Clock | None = None,
    ) -> None:
        if not re.fullmatch(r"[0-9]+:[A-Za-z0-9_-]+", token):
            raise ValueError(f"not a bot token: {token!r}")
        self.token = token
        self.bot_username = bot_username
        self.privacy_mode = privacy_mode
        self._clock: Clock = clock or SystemClock()
        self.bot_user: JSONDict = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        # What the bot did.
        self.calls: list[ApiCall] = []
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.commands: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.webhook: Webhook | None = None
        self.closed = False
        self.logged_out = False
        # The world.
        self._chats: dict[int, Chat] = {}
        self._users: dict[int, JSONDict] = {}
        self._files: dict[str, StoredFile] = {}
        self._updates: deque[JSONDict] = deque()
        self._allowed_updates: frozenset[str] = frozenset()  # empty: the default set
        self._open_queries: set[str] = set()
        self._faults: dict[str, deque[Fault]] = {}
        self._ids = itertools.count(1)  # numbers for file ids and callback query ids
        self._update_seq = 0
        self._event_seq = 0
        self._poll_seq = 0
        # Waiting.
        self._changed = Pulse()
        self._updates_pulse = Pulse()
        self._chat_pulses: dict[int, Pulse] = {}
        self._feed: list[BotEvent] = []  # every chat's events, in seq order (the /_fake/feed)
        self._feed_pulse = Pulse()
        self._closing = False
        self._webhook_target: str | None = None
        self._webhook_task: asyncio.Task[None] | None = None

    def _release_waiters(self) -> None:
        self._closing = True
        self._changed.fire()
        self._updates_pulse.fire()
        self._feed_pulse.fire()
        for pulse in self._chat_pulses.values():
            pulse.fire()

    # ---- reading what happened ------------------------------------------------------------

    def messages(self, chat_id: int) -> list[BotMessage]:
        """The transcript: every bot message of the chat in send order, latest versions,
        deleted ones included (flagged)."""
        chat = self._chats.get(chat_id)
        return [] if chat is None else list(chat.transcript.values())

    def last_message(self, chat_id: int) -> BotMessage | None:
        """The newest bot message the user can still see."""
        visible = [m for m in self.messages(chat_id) if not m.deleted]
        return visible[-1] if visible else None

    def events(self, chat_id: int, after: int = 0) -> list[BotEvent]:
        """Transcript changes of the chat with ``seq > after``."""
        chat = self._chats.get(chat_id)
        return [] if chat is None else [e for e in chat.events if e.seq > after]

    def deleted_ids(self, chat_id: int) -> list[int]:
        """Ids of the chat's messages (user's and bot's) the bot deleted, in order."""
        chat = self._chats.get(chat_id)
        return [] if chat is None else list(chat.deleted)

    def calls_to(self, method: str) -> list[ApiCall]:
        """The recorded calls of one method (case-insensitive, like the API)."""
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def commands_for(
        self, scope: Mapping[str, Any] | None = None, language_code: str = ""
    ) -> list[tuple[str, str]]:
        """The (command, description) list set for a scope (default scope if None)."""
        return self.commands.get(commands_key(scope, language_code), [])

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return list(self._updates)

    async def wait_for(
        self,
        predicate: Callable[[], _T],
        timeout: float = 5.0,
    ) -> _T:
        """Waits until ``predicate()`` is truthy and returns its value. It is re-evaluated
        whenever the fake's state changes (no sleeping). TimeoutError carries ``dump()``."""
        value = await self._until(self._changed, predicate, timeout)
        if not value:
            raise TimeoutError(f"condition not met within {timeout} s\n{self.dump()}")
        return value

    async def next_bot_message(
        self,
        chat_id: int,
        timeout: float = 5.0,
    ) -> BotMessage:
        """The next bot message sent or edited in the chat after the last one this returned
        (a snapshot of that version)."""

        def unread() -> BotEvent | None:
            chat = self._chats.get(chat_id)
            while chat is not None and chat.read < len(chat.events):
                event = chat.events[chat.read]
                chat.read += 1
                if event.type != "deleted":
                    return event
            return None

        event = await self._until(self._chat_pulse(chat_id), unread, timeout)
        if event is None:
            raise TimeoutError(
                f"no new bot message in chat {chat_id} in {timeout} s\n{self.dump()}"
            )
        return event.message

    def dump(self) -> str:
        """Every chat transcript and the last API calls, for failure messages."""
        lines: list[str] = []
        for chat in self._chats.values():
            name = chat.info.get("title") or chat.info.get("first_name")
            lines.append(f"chat {chat.id} ({chat.info['type']}, {name}):")
            lines.extend(f"  {describe(m)}" for m in chat.transcript.values())
            if not chat.transcript:
                lines.append("  (no bot messages)")
        lines.append("last API calls:")
        for call in self.calls[-12:]:
            shown = {k: v for k, v in call.params.items() if k != "reply_markup"}
            lines.append(f"  {call.method} -> {call.status} {json.dumps(shown)[:160]}")
        return "\n".join(lines)

    def _chat_pulse(self, chat_id: int) -> Pulse:
        pulse = self._chat_pulses.get(chat_id)
        if pulse is None:
            pulse = self._chat_pulses[chat_id] = Pulse()
        return pulse

    async def _until(self, pulse: Pulse, ready: Callable[[], _T], seconds: float) -> _T:
        """Re-checks ``ready`` each time ``pulse`` fires, until it is truthy, ``seconds``
        pass or the server stops; returns its last value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            value = ready()
            remaining = deadline - loop.time()
            if value or self._closing or remaining <= 0:
                return value
            await pulse.wait(remaining)

    # ---- faults ---------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """The next ``times`` calls of ``method`` answer this error without taking effect.
        429 with ``retry_after`` makes PTB raise RetryAfter; without a description a
        real-looking one is used ("Too Many Requests: retry after N", "Bad Gateway"...)."""
        if description is None:
            description = default_description(status, retry_after)
        self._add_fault(method, Fault(status, description, retry_after), times)

    def drop_next(self, method: str, *, times: int = 1, take_effect: bool = False) -> None:
        """The next ``times`` calls of ``method`` get their connection closed without an
        answer (PTB raises NetworkError). With ``take_effect`` the call is applied first, as
        when an answer is lost on the way back (the message was sent; the bot doesn't know)."""
        self._add_fault(method, Fault(take_effect=take_effect), times)

    def _add_fault(self, method: str, fault: Fault, times: int) -> None:
        self._faults.setdefault(method.lower(), deque()).extend([fault] * times)

    def _take_fault(self, method: str) -> Fault | None:
        faults = self._faults.get(method.lower())
        return faults.popleft() if faults else None

    # ---- what the user side and the Bot API methods share -------------------------------

    def _now(self) -> int:
        return int(self._clock.now().timestamp())

    def _next_message_id(self, chat: Chat) -> int:
        chat.last_message_id += 1
        return chat.last_message_id


    def _store_photo(self, data: bytes, width: int, height: int) -> list[JSONDict]:
        number = next(self._ids)
        sizes: list[JSONDict] = []
        scaled = scaled_sizes(width, height)
        for index, (w, h) in enumerate(scaled):
            original = index == len(scaled) - 1 and (w, h) == (width, height)
            estimate = len(data) * w * h // (width * height) if data else 1000 * index + 1000
            sizes.append(
                {
                    "file_id": f"AgACAgIAAxkD{number:08d}{'smxyw'[index]}",
                    "file_unique_id": f"AQAD{number:08d}{'smxyw'[index]}",
                    "file_size": len(data) if original and data else max(estimate, 1),
                    "width": w,
                    "height": h,
                }
            )
        stored = StoredFile(data=data, photo=sizes)
        for size in sizes:
            self._files[size["file_id"]] = stored
        return sizes



def default_description(status: int, retry_after: int | None) -> str:
    if status == 429:
        return f"Too Many Requests: retry after {retry_after or 1}"
    known = {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden: bot was blocked by the user",
        409: "Conflict",
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }
    return known.get(status, f"Error {status}")


def commands_key(scope: Mapping[str, Any] | None, language_code: str) -> tuple[str, str]:
    """Command lists are kept per (scope, language); the scope as canonical JSON."""
    canonical = json.dumps(dict(scope or {"type": "default"}), sort_keys=True)
    return canonical, language_code



def without_reply(message: JSONDict) -> JSONDict:
    """A replied-to message as Telegram nests it: without its own reply_to_message."""
    return {k: v for k, v in message.items() if k != "reply_to_message"}


def describe(message: BotMessage) -> str:
    flags = "".join(
        f" [{flag}]"
        for flag, on in (("edited", message.edited), ("deleted", message.deleted))
        if on
    )
    media = ""
    if message.photo is not None:
        media = f" ({len(message.photo)} bytes)"
    elif message.document is not None:
        media = f" ({message.filename}, {len(message.document)} bytes)"
    line = f"#{message.message_id} {message.kind}{media}{flags}: {message.text!r}"
    for row in message.buttons:
        line += "\n      " + " ".join(f"[{b.text} -> {b.data}]" for b in row)
    return line


