"""A fake Telegram Bot API server, served over loopback HTTP, with a scriptable user side.

Why a server and not a mocked ``Bot`` object: the bot must run unmodified, through its real
python-telegram-bot (PTB) request stack, error mapping, retries and rate limiter. PTB is pointed
here with ``ApplicationBuilder().base_url(fake.base_url)``; requests arrive as
``/bot<TOKEN>/<method>`` with form fields (urlencoded, or multipart when a file is uploaded)
whose non-string values are JSON-encoded, exactly as they reach api.telegram.org.

Why it is strict: a fake that accepts everything hides the bugs that real bots ship with. So the
answers follow the real Bot API, errors included: unescaped ``<`` in HTML or ``.`` in MarkdownV2
("can't parse entities"), callback_data over 64 bytes (BUTTON_DATA_INVALID), an edit that changes
nothing ("message is not modified"), deleting a message twice ("message to delete not found"),
answering a callback query twice, sending to a chat that never talked to the bot ("chat not
found"), getUpdates while a webhook is set or from two pollers at once (409 Conflict). getUpdates
returns at most ``limit`` (100) updates from the offset and keeps each until a later offset
confirms it; a webhook delivery keeps it until answered 2xx. Editing a
message's text without passing reply_markup drops its inline keyboard, as on the real server.
Text is parsed and trimmed like Telegram does, so the transcript holds what the user would see.

Modelled: the methods listed in ``FakeTelegram._methods``; any other method answers
404 "Not Found: method not supported by the fake server" (the real server answers 404 for unknown
methods too, and PTB turns that into ``InvalidToken``). A wrong token answers 401 "Unauthorized".
Method names are case-insensitive, as on the real server. Group privacy mode is modelled (only
commands and replies to the bot reach it). Not modelled: flood limits (inject them with
``fail_next``), inline mode, channels,
topics, payments, getFile/downloads, and message age limits for edits and deletes.

The user side (``send_text``, ``press``...), the recorded effects (``messages``, ``calls``...),
fault injection and the ``/_fake/`` HTTP control surface (for the demo and benchmarks, which run
the fake in its own process; see ``testing.fake_telegram.client``) are documented on the class.
Everything lives in memory in one event loop; the fake is not thread-safe.
"""

from __future__ import annotations

import asyncio
import base64
import bisect
import contextlib
import io
import itertools
import json
import math
import re
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, NamedTuple, NoReturn, TypeVar
from urllib.parse import parse_qsl

import pydantic_core
import uvicorn
from PIL import Image
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from uvicorn.config import LOGGING_CONFIG

from bot.clock import Clock, SystemClock
from bot.event_loop import event_loop_factory

DEFAULT_TOKEN = "123456:TEST-TOKEN"
DEFAULT_USERNAME = "seeding_test_bot"

JSONDict = dict[str, Any]
MessageKind = Literal["text", "photo", "document"]
EventType = Literal["sent", "edited", "deleted"]
ChatType = Literal["private", "group", "supergroup"]
_T = TypeVar("_T")

_BACKLOG = 2048
_MAX_TEXT = 4096  # the real limits, counted after entity parsing (in UTF-16 code units)
_MAX_CAPTION = 1024
_MAX_CONTROL_WAIT = 60.0
_CONTROL_READS = frozenset({"messages", "events", "calls", "state", "feed"})
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
# The update types a bot gets only when it asks for them in allowed_updates (Bot API docs).
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
# How form values are typed. The Bot API receives every form value as a string; these tell which
# ones are numbers, booleans or JSON (PTB JSON-encodes every non-string value).
_NUMBER_PARAMS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "message_thread_id",
        "reply_to_message_id",
        "user_id",
        "offset",
        "limit",
        "timeout",
        "cache_time",
        "max_connections",
        "duration",
        "width",
        "height",
    }
)
_BOOL_PARAMS = frozenset(
    {
        "show_alert",
        "disable_notification",
        "protect_content",
        "allow_paid_broadcast",
        "allow_sending_without_reply",
        "drop_pending_updates",
        "disable_web_page_preview",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
    }
)
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "link_preview_options",
        "media",
        "results",
    }
)


# --------------------------------------------------------------------------------------------
# What the bot did, as records a test can compare


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file part of a multipart request, kept byte-exact so a test can compare what was sent."""

    filename: str
    content_type: str
    data: bytes


class Button(NamedTuple):
    """One inline button as the user sees it: its label, and its callback_data (else its URL).

    A NamedTuple so that ``msg.buttons == [[("Yes", "yes"), ("No", "no")]]`` reads naturally.
    """

    text: str
    data: str


@dataclass(frozen=True, slots=True)
class BotMessage:
    """One bot message in a chat transcript, as the user sees it at one point in time.

    Records are immutable: an edit or a delete replaces the chat's record with a new one, so a
    record returned by ``next_bot_message`` keeps showing the version it announced.
    ``text`` is the text or the caption after entity parsing and trimming ("" if none);
    ``buttons`` are the inline keyboard rows, ``reply_keyboard`` the labels of a reply keyboard
    sent with the message; ``raw`` is the Bot API Message object the server returned last.
    """

    chat_id: int
    message_id: int
    kind: MessageKind
    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    photo: bytes | None = None
    document: bytes | None = None
    filename: str | None = None
    deleted: bool = False
    edited: bool = False
    reply_keyboard: list[list[str]] = field(default_factory=list)
    reply_to_message_id: int | None = None
    parse_mode: str | None = None
    entities: list[JSONDict] = field(default_factory=list)
    date: int = 0
    raw: JSONDict = field(default_factory=dict)

    def button(self, text: str) -> Button:
        """The button labelled ``text``; a KeyError names the labels there are."""
        for row in self.buttons:
            for button in row:
                if button.text == text:
                    return button
        labels = [button.text for row in self.buttons for button in row]
        raise KeyError(f"no button {text!r} on message {self.message_id}; buttons: {labels}")

    def to_json(self) -> JSONDict:
        """A JSON-safe form for the control surface (bytes as base64)."""
        return {
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "kind": self.kind,
            "text": self.text,
            "buttons": [[list(button) for button in row] for row in self.buttons],
            "photo": _b64(self.photo),
            "document": _b64(self.document),
            "filename": self.filename,
            "deleted": self.deleted,
            "edited": self.edited,
            "reply_keyboard": self.reply_keyboard,
            "reply_to_message_id": self.reply_to_message_id,
            "parse_mode": self.parse_mode,
            "entities": self.entities,
            "date": self.date,
            "raw": self.raw,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BotMessage:
        """The inverse of ``to_json``, for the out-of-process client."""
        return cls(
            chat_id=data["chat_id"],
            message_id=data["message_id"],
            kind=data["kind"],
            text=data["text"],
            buttons=[[Button(*button) for button in row] for row in data["buttons"]],
            photo=_unb64(data.get("photo")),
            document=_unb64(data.get("document")),
            filename=data.get("filename"),
            deleted=data["deleted"],
            edited=data["edited"],
            reply_keyboard=data.get("reply_keyboard", []),
            reply_to_message_id=data.get("reply_to_message_id"),
            parse_mode=data.get("parse_mode"),
            entities=data.get("entities", []),
            date=data.get("date", 0),
            raw=data.get("raw", {}),
        )


@dataclass(frozen=True, slots=True)
class BotEvent:
    """A change to a chat transcript: a bot message was sent, edited or deleted.

    ``seq`` increases across all chats, so it works as a cursor for long polling.
    """

    seq: int
    chat_id: int
    type: EventType
    message: BotMessage
    at: float = 0.0  # the fake's time.monotonic() when it was recorded (benchmarks' latency)

    def to_json(self) -> JSONDict:
        return {
            "seq": self.seq,
            "chat_id": self.chat_id,
            "type": self.type,
            "message": self.message.to_json(),
            "at": self.at,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BotEvent:
        return cls(
            seq=data["seq"],
            chat_id=data["chat_id"],
            type=data["type"],
            message=BotMessage.from_json(data["message"]),
            at=data.get("at", 0.0),
        )


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """A compact :class:`BotEvent` of any chat, for driving many users at once (benchmarks):
    no photo bytes or raw JSON, only what a scripted user reacts to."""

    seq: int
    chat_id: int
    message_id: int
    type: EventType
    kind: MessageKind
    text: str
    buttons: list[str]  # every button's data, row by row
    at: float

    @classmethod
    def of(cls, event: BotEvent) -> FeedEvent:
        message = event.message
        buttons = [button.data for row in message.buttons for button in row]
        return cls(
            event.seq,
            event.chat_id,
            message.message_id,
            event.type,
            message.kind,
            message.text,
            buttons,
            event.at,
        )

    def to_json(self) -> JSONDict:
        return {
            "seq": self.seq,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "type": self.type,
            "kind": self.kind,
            "text": self.text,
            "buttons": self.buttons,
            "at": self.at,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FeedEvent:
        return cls(
            data["seq"],
            data["chat_id"],
            data["message_id"],
            data["type"],
            data["kind"],
            data["text"],
            list(data["buttons"]),
            data["at"],
        )


@dataclass(slots=True)
class ApiCall:
    """One request the bot made: the method as it appeared in the URL, its decoded parameters
    (numbers, booleans and JSON values decoded), its uploaded files by parameter name, and the
    HTTP status it was answered with (0 when the connection was dropped on purpose)."""

    method: str
    params: JSONDict
    files: dict[str, UploadedFile]
    at: float
    status: int = 200

    def to_json(self) -> JSONDict:
        files = {
            name: {"filename": f.filename, "content_type": f.content_type, "size": len(f.data)}
            for name, f in self.files.items()
        }
        return {
            "method": self.method,
            "params": self.params,
            "files": files,
            "at": self.at,
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """The bot's answerCallbackQuery for one press."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int


@dataclass(frozen=True, slots=True)
class Webhook:
    """What setWebhook recorded. Updates are posted to it only once a test says where the public
    URL leads (``FakeTelegram.deliver_webhook_to``)."""

    url: str
    secret_token: str | None
    allowed_updates: list[str] | None
    max_connections: int


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def _unb64(data: str | None) -> bytes | None:
    return None if data is None else base64.b64decode(data)


# --------------------------------------------------------------------------------------------
# Errors and request decoding


class _ApiError(Exception):
    """An error answer of the Bot API: HTTP status = error_code, plus the description."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


def _header_param(header: str, key: str) -> str | None:
    """A parameter of a header like Content-Disposition, undoing httpx's HTML5 form escaping."""
    match = re.search(
        rf'(?:^|;)\s*{re.escape(key)}=(?:"((?:[^"\\]|\\.)*)"|([^;]*))', header, re.IGNORECASE
    )
    if match is None:
        return None
    if match[1] is None:
        return str(match[2]).strip()
    value = re.sub(r"%(22|[01][0-9A-F])", lambda m: chr(int(m[1], 16)), match[1])
    return value.replace("\\\\", "\\")


def _parse_multipart(
    body: bytes, content_type: str
) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    """Splits a multipart/form-data body into text fields and file parts.

    Hand-written because starlette's form parser needs python-multipart, which the bot does not
    otherwise depend on, and the format PTB (httpx) sends is simple and well-formed.
    """
    boundary = _header_param(content_type, "boundary")
    if not boundary:
        raise _bad("multipart body without a boundary")
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    for chunk in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if chunk.startswith(b"--"):
            break
        head, separator, data = chunk.partition(b"\r\n\r\n")
        if not separator:
            continue
        data = data.removesuffix(b"\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            header, _, value = line.partition(":")
            if value:
                headers[header.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        name = _header_param(disposition, "name")
        filename = _header_param(disposition, "filename")
        if name is None:
            continue
        if filename is None:
            fields[name] = data.decode("utf-8")
        else:
            content = headers.get("content-type", "application/octet-stream")
            files[name] = UploadedFile(filename=filename, content_type=content, data=data)
    return fields, files


@dataclass(frozen=True, slots=True)
class _Incoming:
    """What the fake reads of an HTTP request: read straight from the ASGI scope on the fast
    path (``_App``), or from a Starlette ``Request`` on the routed one."""

    method: str
    path_params: Mapping[str, str]
    query_string: bytes
    content_type: str
    body: bytes

    @classmethod
    async def of(cls, request: Request) -> _Incoming:
        return cls(
            request.method,
            request.path_params,
            request.scope.get("query_string", b""),
            request.headers.get("content-type", ""),
            await request.body(),
        )

    def query_params(self) -> JSONDict:
        """As ``dict(request.query_params)``: Starlette's parsing, the last value of a name."""
        if not self.query_string:
            return {}
        return dict(parse_qsl(self.query_string.decode("latin-1"), keep_blank_values=True))


class _Reply(NamedTuple):
    """An answer: JSON bytes with their status, or (``drop``) a connection closed unanswered."""

    status: int
    body: bytes = b""
    drop: bool = False

    def response(self) -> Response:
        """The same answer as a Starlette response (JSONResponse's headers), for the routed
        path."""
        if self.drop:
            return _DropResponse()
        return Response(self.body, self.status, media_type="application/json")


# Starlette's JSONResponse encoding, made once rather than per answer.
_JSON_ENCODER = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
)
# Where pydantic_core's JSON can differ from the json module's: NaN and infinities (which json
# refuses), and floats below 1e-4 (written 0.00001 or 1e-5, against json's 1e-05).
_NOT_LIKE_JSON = re.compile(rb'"(?:NaN|-?Infinity)"|0\.0000|e-[0-9](?![0-9])')


def _encode_json(content: Any) -> bytes:
    """The bytes of Starlette's JSONResponse for JSON-typed content. pydantic_core writes
    them 3-4x faster (the encoding was a tenth of the fake's CPU per call); what it could
    write differently (see ``_NOT_LIKE_JSON``, or an error) goes through json itself."""
    try:
        body = pydantic_core.to_json(content, inf_nan_mode="strings")
    except pydantic_core.PydanticSerializationError:
        body = None
    if body is None or _NOT_LIKE_JSON.search(body):
        return _JSON_ENCODER.encode(content).encode("utf-8")  # or json's own error
    return body


def _json_reply(content: Any, status: int = 200) -> _Reply:
    return _Reply(status, _encode_json(content))


def _error_reply(error: _ApiError) -> _Reply:
    return _json_reply(error.body(), error.status)


def _read_request(request: _Incoming) -> tuple[JSONDict, dict[str, UploadedFile]]:
    """The parameters of a Bot API request, from the query string and any body the real API
    accepts: urlencoded, multipart or JSON."""
    values = request.query_params()
    files: dict[str, UploadedFile] = {}
    content_type = request.content_type
    body = request.body
    if content_type.startswith("multipart/form-data"):
        fields, files = _parse_multipart(body, content_type)
        values.update(fields)
    elif content_type.startswith("application/json"):
        try:
            decoded = json.loads(body or b"{}")
        except ValueError:
            raise _bad("can't parse JSON object") from None
        if not isinstance(decoded, dict):
            raise _bad("can't parse JSON object")
        values.update(decoded)
    elif body:
        values.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return values, files


def _decode_value(name: str, value: Any) -> Any:
    """Types one form value the way the Bot API reads that parameter."""
    if not isinstance(value, str):
        return value  # it came in a JSON body, already typed
    if name in _NUMBER_PARAMS:
        with contextlib.suppress(ValueError):
            return int(value)
        with contextlib.suppress(ValueError):
            number = float(value)
            if math.isfinite(number):
                return number
        return value  # e.g. chat_id="@channelname"
    if name in _BOOL_PARAMS:
        lowered = value.lower()
        return lowered in ("true", "1") if lowered in ("true", "1", "false", "0", "") else value
    if name in _JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            raise _bad(f"can't parse {name} JSON object") from None
    return value


class _Params:
    """The decoded parameters of one call, with accessors that fail like the real API does."""

    def __init__(self, values: JSONDict, files: dict[str, UploadedFile]) -> None:
        self.values = {name: _decode_value(name, value) for name, value in values.items()}
        self.files = files

    def has(self, name: str) -> bool:
        return self.values.get(name) is not None

    def value(self, name: str) -> Any:
        return self.values.get(name)

    def integer(self, name: str) -> int:
        value = self.values.get(name)
        if value is None or value == "":
            raise _bad(f"{name} is empty")
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(f"invalid {name} specified")
        return value

    def opt_integer(self, name: str) -> int | None:
        return self.integer(name) if self.has(name) else None

    def number(self, name: str, default: float) -> float:
        value = self.values.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _bad(f"invalid {name} specified")
        return float(value)

    def string(self, name: str) -> str:
        value = self.values.get(name)
        if value is None or value == "":
            raise _bad(f"{name} is empty")
        return str(value)

    def opt_string(self, name: str) -> str | None:
        value = self.values.get(name)
        return None if value is None else str(value)

    def flag(self, name: str) -> bool:
        return self.values.get(name) is True


# --------------------------------------------------------------------------------------------
# Text formatting: Telegram's HTML, MarkdownV2 and Markdown parse modes, ported from the rules
# of TDLib (which the Bot API server runs), so that the errors a bot gets here are the real ones.


def _u16(text: str) -> int:
    """Length in UTF-16 code units: the unit of entity offsets and of the length limits."""
    if text.isascii():  # the common case, without encoding a copy
        return len(text)
    return len(text.encode("utf-16-le")) // 2


@dataclass(slots=True)
class _Open:
    """An entity whose start has been read and whose end has not."""

    tag: str
    argument: str
    start: int  # UTF-16 offset in the output
    start_char: int  # index into the output chunks, to recover the entity's text
    byte: int  # UTF-8 byte offset in the source, for error messages


class _Out:
    """The plain text and entities being produced by a parser."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.chunks: list[str] = []
        self.u16 = 0
        self.entities: list[JSONDict] = []

    def put(self, text: str) -> None:
        self.chunks.append(text)
        self.u16 += _u16(text)

    def open(self, tag: str, argument: str, source_index: int) -> _Open:
        return _Open(tag, argument, self.u16, len(self.chunks), self.byte_offset(source_index))

    def entity(
        self, kind: str, start: int, extra: JSONDict | None = None, *, end: int | None = None
    ) -> None:
        """Adds an entity from ``start`` to ``end`` (default: here); empty ones are dropped."""
        stop = self.u16 if end is None else end
        if stop > start:
            entity = {"type": kind, "offset": start, "length": stop - start}
            self.entities.append({**entity, **(extra or {})})

    def text_since(self, opened: _Open) -> str:
        return "".join(self.chunks[opened.start_char :])

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode())

    def fail(self, message: str) -> NoReturn:
        raise _bad(f"can't parse entities: {message}")

    def result(self) -> tuple[str, list[JSONDict]]:
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.chunks), entities


_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_HTML_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "code": "code",
}
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_PLAIN = re.compile(r"[^&<]+")
_CHAR_REF = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")


def _html_char_ref(text: str, index: int) -> tuple[str, int]:
    """Decodes the character reference at ``index``; only the four named ones the Bot API
    documents and numeric ones are decoded, anything else is a literal "&"."""
    match = _CHAR_REF.match(text, index)
    if match is None:
        return "&", 1
    if match[3]:
        return _HTML_NAMED[match[3]], len(match[0])
    code = int(match[1]) if match[1] else int(match[2], 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return "&", 1
    return chr(code), len(match[0])


def _parse_html(text: str) -> tuple[str, list[JSONDict]]:
    out = _Out(text)
    stack: list[_Open] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "&":
            decoded, size = _html_char_ref(text, i)
            out.put(decoded)
            i += size
        elif char != "<":
            # A whole run of plain text at once: per character, this loop was most of the
            # fake's CPU per sendMessage.
            run = _HTML_PLAIN.match(text, i)
            end = run.end() if run else i + 1
            out.put(text[i:end])
            i = end
        elif text.startswith("</", i):
            i = _html_end_tag(out, stack, i)
        else:
            i = _html_start_tag(out, stack, i)
    if stack:
        out.fail(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return out.result()


def _html_start_tag(out: _Out, stack: list[_Open], begin: int) -> int:
    text, n = out.source, len(out.source)
    at = f"at byte offset {out.byte_offset(begin)}"
    j = begin + 1
    while j < n and not text[j].isspace() and text[j] != ">":
        j += 1
    if j >= n:
        out.fail(f"Unclosed start tag {at}")
    tag = text[begin + 1 : j].lower()
    if tag not in _HTML_TAGS:
        out.fail(f'Unsupported start tag "{tag}" {at}')
    argument = ""
    while True:
        while j < n and text[j].isspace():
            j += 1
        if j >= n:
            out.fail(f'Unclosed start tag "{tag}" {at}')
        if text[j] == ">":
            break
        j, name, value = _html_attribute(out, tag, at, j)
        argument = _html_argument(tag, name, value, argument)
    if tag == "span" and argument != "spoiler":
        out.fail(f'Tag "span" must have class "tg-spoiler" {at}')
    stack.append(out.open(tag, argument, begin))
    return j + 1


def _html_attribute(out: _Out, tag: str, at: str, j: int) -> tuple[int, str, str]:
    """Reads one ``name=value`` attribute; returns the index after it, the name and value."""
    text, n = out.source, len(out.source)
    name_begin = j
    while j < n and not text[j].isspace() and text[j] not in "=>":
        j += 1
    name = text[name_begin:j].lower()
    if not name:
        out.fail(f'Empty attribute name in the tag "{tag}" {at}')
    while j < n and text[j].isspace():
        j += 1
    if name == "expandable" and (j >= n or text[j] != "="):
        return j, name, ""  # <blockquote expandable> is the one attribute without a value
    if j >= n or text[j] != "=":
        out.fail(f'Expected equal sign in declaration of an attribute of the tag "{tag}" {at}')
    j += 1
    while j < n and text[j].isspace():
        j += 1
    if j >= n:
        out.fail(f'Unclosed start tag "{tag}" {at}')
    if text[j] in "'\"":
        quote, j = text[j], j + 1
        chunks: list[str] = []
        while j < n and text[j] != quote:
            decoded, size = _html_char_ref(text, j) if text[j] == "&" else (text[j], 1)
            chunks.append(decoded)
            j += size
        if j >= n:
            out.fail(f'Unclosed start tag "{tag}" {at}')
        return j + 1, name, "".join(chunks)
    token_begin = j
    while j < n and ((text[j].isascii() and text[j].isalnum()) or text[j] in ".-"):
        j += 1
    if j < n and not text[j].isspace() and text[j] != ">":
        out.fail(f"Unexpected end of name token at byte offset {out.byte_offset(token_begin)}")
    return j, name, text[token_begin:j].lower()


def _html_argument(tag: str, name: str, value: str, current: str) -> str:
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    if tag == "blockquote" and name == "expandable":
        return "expandable"
    return current


def _html_end_tag(out: _Out, stack: list[_Open], begin: int) -> int:
    text, n = out.source, len(out.source)
    at = f"at byte offset {out.byte_offset(begin)}"
    if not stack:
        out.fail(f"Unexpected end tag {at}")
    j = begin + 2
    while j < n and not text[j].isspace() and text[j] != ">":
        j += 1
    name = text[begin + 2 : j].lower()
    while j < n and text[j].isspace():
        j += 1
    if j >= n or text[j] != ">":
        out.fail(f"Unclosed end tag {at}")
    opened = stack.pop()
    if name and name != opened.tag:
        out.fail(f'Unmatched end tag {at}, expected "</{opened.tag}>", found "</{name}>"')
    if opened.tag == "code" and stack and stack[-1].tag == "pre":
        # <pre><code class="language-x"> is one pre entity with a language, as in Telegram.
        stack[-1].argument = opened.argument or stack[-1].argument
    elif opened.tag == "a":
        out.entity("text_link", opened.start, {"url": opened.argument or out.text_since(opened)})
    elif opened.tag == "pre":
        out.entity("pre", opened.start, _language(opened.argument))
    elif opened.tag == "blockquote":
        kind = "expandable_blockquote" if opened.argument else "blockquote"
        out.entity(kind, opened.start)
    elif opened.tag == "tg-emoji":
        out.entity("custom_emoji", opened.start, {"custom_emoji_id": opened.argument})
    else:
        out.entity(_HTML_SIMPLE[opened.tag], opened.start)
    return j + 1


_MDV2_RESERVED = "_*[]()~`>#+-=|{}.!"
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}
_EMOJI_URL = "tg://emoji?id="


def _language(language: str) -> JSONDict:
    """The extra field of a pre entity: its language, if one was given."""
    return {"language": language} if language else {}


def _pre_start(text: str, i: int) -> tuple[str, int]:
    """After an opening ```: the language (if one is given before a line break) and the index
    where the pre text starts (one leading line break is skipped)."""
    n = len(text)
    end = i
    while end < n and not text[end].isspace() and text[end] != "`":
        end += 1
    language = ""
    if end != i and end < n and text[end] != "`":
        language, i = text[i:end], end
    if i < n and text[i] in "\r\n":
        i += 2 if i + 1 < n and text[i + 1] in "\r\n" and text[i + 1] != text[i] else 1
    return language, i


def _parse_markdown_v2(text: str) -> tuple[str, list[JSONDict]]:
    out = _Out(text)
    stack: list[_Open] = []
    quote_start: int | None = None  # an open ">" blockquote
    line_end = 0
    i = 0
    while i < len(text):
        char = text[i]
        in_code = bool(stack) and stack[-1].tag in ("code", "pre")
        if not in_code and (i == 0 or text[i - 1] == "\n"):
            if char == ">":
                quote_start = out.u16 if quote_start is None else quote_start
                i += 1
                continue
            if quote_start is not None:
                out.entity("blockquote", quote_start, end=line_end)
                quote_start = None
        if char == "\\" and i + 1 < len(text) and 0 < ord(text[i + 1]) <= 126:
            out.put(text[i + 1])
            i += 2
        elif char not in ("`" if in_code else _MDV2_RESERVED):
            if char == "\n":
                line_end = out.u16
            out.put(char)
            i += 1
        elif stack and _mdv2_closes(stack[-1].tag, text, i):
            i = _mdv2_close(out, stack.pop(), i)
        else:
            i = _mdv2_open(out, stack, i)
    if quote_start is not None:
        out.entity("blockquote", quote_start)
    if stack:
        name = _MDV2_NAMES[stack[-1].tag]
        out.fail(f"Can't find end of {name} entity at byte offset {stack[-1].byte}")
    return out.result()


def _mdv2_closes(tag: str, text: str, i: int) -> bool:
    char, following = text[i], text[i + 1 : i + 2]
    if tag in ("italic", "underline"):
        return char == "_" and (following == "_") == (tag == "underline")
    if tag == "spoiler":
        return char == "|" and following == "|"
    if tag == "pre":
        return text.startswith("```", i)
    closing = {"bold": "*", "strikethrough": "~", "code": "`", "text_link": "]"}
    return char == closing.get(tag, "]")


def _mdv2_open(out: _Out, stack: list[_Open], i: int) -> int:
    text = out.source
    char, following = text[i], text[i + 1 : i + 2]
    argument = ""
    if char == "_":
        tag, after = ("underline", i + 2) if following == "_" else ("italic", i + 1)
    elif char in "*~[":
        tag, after = {"*": "bold", "~": "strikethrough", "[": "text_link"}[char], i + 1
    elif char == "|" and following == "|":
        tag, after = "spoiler", i + 2
    elif char == "!" and following == "[":
        tag, after = "custom_emoji", i + 2
    elif char == "`" and text.startswith("```", i):
        tag = "pre"
        argument, after = _pre_start(text, i + 3)
    elif char == "`":
        tag, after = "code", i + 1
    else:
        out.fail(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")
    stack.append(out.open(tag, argument, i))
    return after


def _mdv2_close(out: _Out, opened: _Open, i: int) -> int:
    tag = opened.tag
    if tag in ("underline", "spoiler"):
        out.entity(tag, opened.start)
        return i + 2
    if tag == "pre":
        out.entity("pre", opened.start, _language(opened.argument))
        return i + 3
    if tag not in ("text_link", "custom_emoji"):
        out.entity(tag, opened.start)
        return i + 1
    url, after = _mdv2_url(out, i)
    if tag == "text_link":
        out.entity(
            "text_link", opened.start, {"url": out.text_since(opened) if url is None else url}
        )
    elif url is None or not url.startswith(_EMOJI_URL):
        out.fail("Custom emoji entity must contain a tg://emoji URL")
    else:
        out.entity("custom_emoji", opened.start, {"custom_emoji_id": url.removeprefix(_EMOJI_URL)})
    return after


def _mdv2_url(out: _Out, i: int) -> tuple[str | None, int]:
    """The "(url)" after the "]" at ``i``, if any, and the index after it."""
    text, n = out.source, len(out.source)
    if not text.startswith("(", i + 1):
        return None, i + 1
    j = begin = i + 2
    chunks: list[str] = []
    while j < n and text[j] != ")":
        if text[j] == "\\" and j + 1 < n and 0 < ord(text[j + 1]) <= 126:
            j += 1
        chunks.append(text[j])
        j += 1
    if j >= n:
        out.fail(f"Can't find end of a URL at byte offset {out.byte_offset(begin)}")
    return "".join(chunks), j + 1


def _parse_markdown(text: str) -> tuple[str, list[JSONDict]]:
    """The legacy "Markdown" mode: no nesting, and only _ * ` [ are special."""
    out = _Out(text)
    n = len(text)
    i = 0
    while i < n:
        char = text[i]
        if char == "\\" and text[i + 1 : i + 2] in ("_", "*", "`", "["):
            out.put(text[i + 1])
            i += 2
            continue
        if char not in "_*`[":
            out.put(char)
            i += 1
            continue
        opened = out.open(char, "", i)
        end_char = "]" if char == "[" else char
        is_pre = char == "`" and text.startswith("``", i + 1)
        language, i = _pre_start(text, i + 3) if is_pre else ("", i + 1)
        while i < n and (text[i] != end_char or (is_pre and not text.startswith("``", i + 1))):
            out.put(text[i])
            i += 1
        if i >= n:
            out.fail(f"Can't find end of the entity starting at byte offset {opened.byte}")
        if char == "[":
            url = out.text_since(opened)
            if text.startswith("(", i + 1):
                close = text.find(")", i + 2)
                close = n if close == -1 else close
                url, i = text[i + 2 : close], close
            out.entity("text_link", opened.start, {"url": url})
        elif is_pre:
            out.entity("pre", opened.start, _language(language))
            i += 2
        else:
            out.entity({"_": "italic", "*": "bold", "`": "code"}[char], opened.start)
        i += 1
    return out.result()


_PARSERS: dict[str, Callable[[str], tuple[str, list[JSONDict]]]] = {
    "html": _parse_html,
    "markdownv2": _parse_markdown_v2,
    "markdown": _parse_markdown,
}
_SPACE = " \t\r\n"


def _trim(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Strips leading and trailing whitespace as Telegram does, clipping entities to match."""
    body = text.strip(_SPACE)
    if body == text:
        return text, entities
    shift = _u16(text[: len(text) - len(text.lstrip(_SPACE))])
    total = _u16(body)
    kept: list[JSONDict] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return body, kept


def _formatted(p: _Params, name: str, entities_name: str) -> tuple[str, list[JSONDict]]:
    """The text (or caption) of a call as the user will see it, with its entities."""
    raw = p.opt_string(name) or ""
    given = p.value(entities_name)
    mode = p.opt_string("parse_mode")
    if given is not None:
        valid = isinstance(given, list) and all(
            isinstance(e, dict)
            and isinstance(e.get("offset"), int)
            and isinstance(e.get("length"), int)
            for e in given
        )
        if not valid:
            raise _bad(f"can't parse {entities_name} JSON object")
        text, entities = raw, list(given)
    elif mode:
        parser = _PARSERS.get(mode.lower())
        if parser is None:
            raise _bad(f"unsupported parse_mode {mode!r}")
        text, entities = parser(raw)
    else:
        text, entities = raw, []
    return _trim(text, entities)


def _text_content(p: _Params) -> JSONDict:
    """The text fields of a message sent or edited by this call."""
    text, entities = _formatted(p, "text", "entities")
    if not text:
        raise _bad("message text is empty")
    if _u16(text) > _MAX_TEXT:
        raise _bad("message is too long")
    return {"text": text, "entities": entities} if entities else {"text": text}


_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


def _command_entities(text: str) -> list[JSONDict]:
    """The bot_command entities Telegram attaches to a user's text."""
    return [
        {"type": "bot_command", "offset": _u16(text[: m.start()]), "length": _u16(m[0])}
        for m in _COMMAND.finditer(text)
    ]


# --------------------------------------------------------------------------------------------
# Files


@dataclass(frozen=True, slots=True)
class _StoredFile:
    """An uploaded file, reachable by any of its file_ids so it can be re-sent by id."""

    data: bytes
    photo: list[JSONDict] | None = None  # the PhotoSize array, for photos
    document: JSONDict | None = None  # the Document object, for documents


def _image_size(data: bytes) -> tuple[int, int]:
    """Width and height of an image; Telegram refuses bytes that are not one."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except (OSError, ValueError, Image.DecompressionBombError):
        raise _bad("IMAGE_PROCESS_FAILED") from None
    if width + height > 10000 or max(width, height) > 20 * min(width, height):
        raise _bad("PHOTO_INVALID_DIMENSIONS")
    return width, height


def _scaled_sizes(width: int, height: int) -> list[tuple[int, int]]:
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


class _Pulse:
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
class _Chat:
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
class _Fault:
    status: int = 0  # 0: drop the connection instead of answering
    description: str = ""
    retry_after: int | None = None
    take_effect: bool = False  # for drops: apply the call first, then lose the answer


# --------------------------------------------------------------------------------------------
# The ASGI side


_TRANSPORT = "fake_telegram.transport"


_BOT_PATH = re.compile(r"/bot([^/]+)/([^/]+)")  # Starlette's regex for "/bot{token}/{method}"
_CONTROL_PATH = re.compile(r"/_fake/([^/]+)")
_FastHandler = Callable[[_Incoming], Awaitable[_Reply]]


class _App(Starlette):
    """Starlette, plus the connection's transport in the scope so that ``drop_next`` can close
    the connection without an answer (ASGI has no such message). Only uvicorn's protocol
    objects expose it; under another server a drop answers 500 instead.

    GET and POST to the Bot API and control routes skip Starlette's middleware, routing and
    request/response objects: that machinery cost more CPU than the fake's own work per call,
    and the fake shares the benchmark's cores with the bot. They answer exactly as the routes
    do (same status, headers and body; an exception answers 500 and propagates, as with
    Starlette's ServerErrorMiddleware); anything else (HEAD, other paths) goes through
    Starlette.
    """

    def __init__(
        self, *, routes: list[Route], bot_api: _FastHandler, control: _FastHandler
    ) -> None:
        super().__init__(routes=routes)
        self._bot_api = bot_api
        self._control = control

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        if transport is not None:
            scope[_TRANSPORT] = transport
        route = self._fast_route(scope)
        if route is None:
            await super().__call__(scope, receive, send)
            return
        handler, path_params = route
        try:
            request = _Incoming(
                scope["method"],
                path_params,
                scope.get("query_string", b""),
                _content_type(scope["headers"]),
                await _receive_body(receive),
            )
            reply = await handler(request)
        except Exception:
            await PlainTextResponse("Internal Server Error", 500)(scope, receive, send)
            raise
        if reply.drop:
            await _DropResponse()(scope, receive, send)
            return
        headers = [(b"content-type", b"application/json")]
        if not (reply.status < 200 or reply.status in (204, 304)):
            headers.insert(0, (b"content-length", str(len(reply.body)).encode("latin-1")))
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": reply.body})

    def _fast_route(self, scope: Scope) -> tuple[_FastHandler, dict[str, str]] | None:
        if scope["method"] not in ("GET", "POST") or scope.get("root_path"):
            return None
        path = scope["path"]
        if match := _BOT_PATH.fullmatch(path):
            return self._bot_api, {"token": match[1], "method": match[2]}
        if match := _CONTROL_PATH.fullmatch(path):
            return self._control, {"action": match[1]}
        return None


def _content_type(headers: list[tuple[bytes, bytes]]) -> str:
    """The first Content-Type header, as Starlette's ``request.headers.get`` reads it."""
    for name, value in headers:
        if name == b"content-type":
            return value.decode("latin-1")
    return ""


async def _receive_body(receive: Receive) -> bytes:
    """The whole request body, as Starlette's ``Request.body()`` reads it."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.request":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                return b"".join(chunks)
        elif message["type"] == "http.disconnect":
            raise ClientDisconnect()


_DROP = _Reply(0, drop=True)


class _DropResponse(Response):
    """Closes the connection without answering: what a network failure looks like to PTB."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        transport = scope.get(_TRANSPORT)
        # Duck-typed: uvloop's transports (serve_forever) are not asyncio.BaseTransport.
        close = getattr(transport, "close", None)
        if not callable(close):
            raise RuntimeError("drop_next needs the fake to be served by uvicorn")
        close()
        # Let uvicorn see the disconnect before the app returns, or it reports a missing answer.
        await asyncio.sleep(0)


class _Server(uvicorn.Server):
    """uvicorn, adapted to run inside someone else's event loop and to stop at once, because
    every end-to-end test stops a fake and uvicorn's 100 ms ticks and sleeps would add up:

    - ``exit_now`` wakes the main loop instead of waiting for its next tick;
    - ``shutdown`` releases the fake's long polls (else it would wait out a getUpdates
      timeout) and then waits for the in-flight requests themselves, not in 100 ms steps;
    - signals are left to the host process unless the fake owns the process.
    """

    def __init__(
        self, config: uvicorn.Config, *, on_shutdown: Callable[[], None], handle_signals: bool
    ) -> None:
        super().__init__(config)
        self._on_shutdown = on_shutdown
        self._handle_signals = handle_signals
        self._wake = asyncio.Event()

    def exit_now(self) -> None:
        self.should_exit = True
        self._wake.set()

    async def main_loop(self) -> None:
        """uvicorn's loop (a tick every 100 ms: headers, signals), but wakeable."""
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.1):
                    await self._wake.wait()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if self._handle_signals:
            with super().capture_signals():
                yield
        else:
            yield

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """uvicorn's graceful shutdown, minus its fixed sleep and polling: stop accepting,
        close idle keep-alive connections, let the requests in flight answer (their
        connections close after the answer), cancel what is still running after
        ``timeout_graceful_shutdown``."""
        self._on_shutdown()
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        if in_flight := list(self.server_state.tasks):
            _, late = await asyncio.wait(in_flight, timeout=self.config.timeout_graceful_shutdown)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
        for server in self.servers:
            await server.wait_closed()
        await asyncio.sleep(0)  # let the closed transports' connection_lost callbacks run
        await self.lifespan.shutdown()


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket, bound before uvicorn starts so the port is known at once and no
    client can race the server's startup (connections wait in the backlog)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(_BACKLOG)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


async def _not_found(request: Request) -> Response:
    return JSONResponse(_ApiError(404, "Not Found").body(), status_code=404)


_Handler = Callable[[_Params], Awaitable[Any]]


# --------------------------------------------------------------------------------------------
# The fake


class FakeTelegram:
    """An in-memory Telegram: the Bot API for the bot, a scriptable user side for tests.

    Lifecycle: ``await start()`` / ``await stop()``, or ``async with FakeTelegram() as tg``.
    The bot connects to ``base_url``; ``url`` is the server root (for ``/_fake/`` control).

    User side (each queues the Update the real server would): ``send_text``, ``send_sticker``,
    ``send_photo``, ``send_document``, ``send_edited_text``, ``send_edited_caption``, ``press``,
    ``send_raw_update``; text, photos and files may be forwarded (``forwarded_from``);
    ``add_chat`` makes a chat known without a message (the real server only lets a bot write
    to chats it has seen), in a group with the bot as an administrator if asked.

    Recorded effects: ``messages(chat_id)`` / ``last_message`` / ``next_bot_message`` (the
    transcript of bot messages, see ``BotMessage``), ``events``, ``deleted_ids``, ``calls`` /
    ``calls_to``, ``callback_answers``, ``chat_actions``, ``commands`` / ``commands_for``,
    ``webhook``, ``pending_updates``; ``wait_for`` waits for any condition over them and
    ``dump`` renders them for a failure message.

    Faults: ``fail_next`` answers the next call(s) of a method with an error; ``drop_next``
    closes the connection without an answer.

    ``privacy_mode`` is the group privacy setting (on, as for a new bot); ``clock`` dates
    messages (``bot.clock.FakeClock`` in tests that move time).
    """

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
        self._chats: dict[int, _Chat] = {}
        self._users: dict[int, JSONDict] = {}
        self._files: dict[str, _StoredFile] = {}
        self._updates: deque[JSONDict] = deque()
        self._allowed_updates: frozenset[str] = frozenset()  # empty: the default set
        self._open_queries: set[str] = set()
        self._faults: dict[str, deque[_Fault]] = {}
        self._ids = itertools.count(1)  # numbers for file ids and callback query ids
        self._update_seq = 0
        self._event_seq = 0
        self._poll_seq = 0
        # Waiting.
        self._changed = _Pulse()
        self._updates_pulse = _Pulse()
        self._chat_pulses: dict[int, _Pulse] = {}
        self._feed: list[BotEvent] = []  # every chat's events, in seq order (the /_fake/feed)
        self._feed_pulse = _Pulse()
        self._closing = False
        self._webhook_target: str | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        # Serving.
        self._server: _Server | None = None
        self._serve_task: asyncio.Task[None] | None = None
        self._host = "127.0.0.1"
        self._port = 0
        # The Bot API methods the fake answers; names are case-insensitive, as on the real API.
        self._methods: dict[str, _Handler] = {
            name.lower(): handler
            for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "sendMessage": self._send_message,
                "sendPhoto": self._send_photo,
                "sendDocument": self._send_document,
                "editMessageText": self._edit_message_text,
                "editMessageCaption": self._edit_message_caption,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "sendChatAction": self._send_chat_action,
                "close": self._close,
                "logOut": self._log_out,
            }.items()
        }
        self.app: Starlette = _App(
            routes=[
                Route("/bot{token}/{method}", self._bot_api_route, methods=["GET", "POST"]),
                Route("/_fake/{action}", self._control_route, methods=["GET", "POST"]),
                Route("/{path:path}", _not_found),
            ],
            bot_api=self._bot_api,
            control=self._control,
        )
        self._control_handlers = self._control_actions()

    # ---- lifecycle ------------------------------------------------------------------------

    async def start(
        self, host: str = "127.0.0.1", port: int = 0, *, handle_signals: bool = False
    ) -> None:
        """Serves the fake with uvicorn in the running event loop; port 0 picks a free port.

        ``handle_signals`` lets uvicorn own SIGINT/SIGTERM; only for a process that runs
        nothing but the fake (``serve_forever``).
        """
        if self._serve_task is not None:
            raise RuntimeError("the fake Telegram server is already running")
        sock = _listen(host, port)
        config = uvicorn.Config(
            self.app,
            backlog=_BACKLOG,
            access_log=False,
            log_level="warning",
            # In-process (tests), leave the host's logging configuration alone.
            log_config=LOGGING_CONFIG if handle_signals else None,
            lifespan="off",
            proxy_headers=False,  # one middleware less per request; the fake reads no client
            timeout_graceful_shutdown=2,
        )
        config.load()
        self._server = _Server(
            config, on_shutdown=self._release_waiters, handle_signals=handle_signals
        )
        self._closing = False
        self._host, self._port = host, int(sock.getsockname()[1])
        self._serve_task = asyncio.create_task(
            self._server.serve(sockets=[sock]), name=f"fake-telegram:{self._port}"
        )

    async def stop(self) -> None:
        """Stops serving. Pending long polls are answered first, so this takes milliseconds."""
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        task, server = self._serve_task, self._server
        if task is None or server is None:
            return
        self._release_waiters()
        server.exit_now()
        try:
            await task
        finally:
            self._serve_task = self._server = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._serve_task is None:
            raise RuntimeError("the fake Telegram server is not running")
        return self._port

    @property
    def url(self) -> str:
        """The server root, e.g. http://127.0.0.1:PORT (control routes are under /_fake/)."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What to give ``ApplicationBuilder().base_url()``; PTB appends the token."""
        return f"{self.url}/bot"

    def _release_waiters(self) -> None:
        self._closing = True
        self._changed.fire()
        self._updates_pulse.fire()
        self._feed_pulse.fire()
        for pulse in self._chat_pulses.values():
            pulse.fire()

    # ---- user side ------------------------------------------------------------------------

    def add_chat(
        self,
        chat_id: int,
        *,
        chat_type: ChatType = "private",
        first_name: str = "Asha",
        title: str | None = None,
        bot_is_admin: bool = False,
    ) -> None:
        """Makes a chat known to the bot without a message (e.g. an admin chat it writes to).
        Private chat ids are positive (= the user's id), group ids negative. In a group,
        ``bot_is_admin`` makes the bot an administrator: it then receives every message
        whatever the privacy mode, and may delete any message (deleteMessage's rules)."""
        chat = self._chat(chat_id, chat_type, first_name, title)
        if chat_type != "private":
            chat.bot_is_admin = bot_is_admin

    async def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: ChatType = "private",
        language_code: str = "en",
        first_name: str = "Asha",
        title: str | None = None,
        reply_to_message_id: int | None = None,
        forwarded_from: str | None = None,
    ) -> int:
        """The user sends ``text``; returns its message id. /commands get bot_command entities
        (a forwarded message keeps its original's). ``forwarded_from``: the user forwards a
        message of that sender (who hides their account: a ``MessageOriginHiddenUser``)."""
        content: JSONDict = {"text": text, **self._forward_origin(forwarded_from)}
        if entities := _command_entities(text):
            content["entities"] = entities
        return self._user_message(
            chat_id,
            content,
            user_id=user_id,
            chat_type=chat_type,
            language_code=language_code,
            first_name=first_name,
            title=title,
            reply_to_message_id=reply_to_message_id,
        )

    async def send_sticker(
        self,
        chat_id: int,
        *,
        emoji: str = "👍",
        user_id: int | None = None,
        chat_type: ChatType = "private",
        language_code: str = "en",
        first_name: str = "Asha",
        title: str | None = None,
    ) -> int:
        """The user sends a sticker (a message with no text); returns its message id."""
        number = next(self._ids)
        sticker = {
            "file_id": f"CAACAgIAAxkB{number:08d}",
            "file_unique_id": f"AgAD{number:08d}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": 20480,
        }
        return self._user_message(
            chat_id,
            {"sticker": sticker},
            user_id=user_id,
            chat_type=chat_type,
            language_code=language_code,
            first_name=first_name,
            title=title,
        )

    async def send_photo(
        self,
        chat_id: int,
        *,
        data: bytes | None = None,
        caption: str | None = None,
        user_id: int | None = None,
        chat_type: ChatType = "private",
        language_code: str = "en",
        first_name: str = "Asha",
        title: str | None = None,
        forwarded_from: str | None = None,
    ) -> int:
        """The user sends a photo (``data`` must be an image if given; else a 1280x960 photo
        without bytes); returns its message id. The message has photo sizes and no text."""
        if data is None:
            sizes = self._store_photo(b"", 1280, 960)
        else:
            try:
                sizes = self._store_photo(data, *_image_size(data))
            except _ApiError as error:
                raise ValueError(f"not a usable image: {error.description}") from None
        who = (user_id, chat_type, language_code, first_name, title)
        return self._user_media(chat_id, {"photo": sizes}, caption, forwarded_from, *who)

    async def send_document(
        self,
        chat_id: int,
        *,
        file_name: str | None = "scan.pdf",
        caption: str | None = None,
        forwarded_from: str | None = None,
        user_id: int | None = None,
        chat_type: ChatType = "private",
        title: str | None = None,
    ) -> int:
        """The user sends a file (a Document, with ``file_name`` if given); returns its message
        id. The message has no text; ``caption`` is its caption. The sender's profile is Asha's,
        in English."""
        number = next(self._ids)
        document: JSONDict = {
            "file_id": f"BQACAgIAAxkB{number:08d}",
            "file_unique_id": f"AgAD{number:08d}",
            "mime_type": "application/pdf",
            "file_size": 48213,
        }
        if file_name:
            document["file_name"] = file_name
        who = (user_id, chat_type, "en", "Asha", title)
        return self._user_media(chat_id, {"document": document}, caption, forwarded_from, *who)

    def _user_media(
        self,
        chat_id: int,
        content: JSONDict,
        caption: str | None,
        forwarded_from: str | None,
        *who: Any,
    ) -> int:
        """A photo or file message: its caption, and a forward origin if forwarded (a
        ``MessageOriginHiddenUser``). ``who``: user_id, chat_type, language_code, first_name,
        title, as for ``_user_message``."""
        user_id, chat_type, language_code, first_name, title = who
        content = {**content, **self._forward_origin(forwarded_from)}
        if caption:
            content["caption"] = caption
        return self._user_message(
            chat_id,
            content,
            user_id=user_id,
            chat_type=chat_type,
            language_code=language_code,
            first_name=first_name,
            title=title,
        )

    def _forward_origin(self, sender_name: str | None) -> JSONDict:
        if not sender_name:
            return {}
        origin = {"type": "hidden_user", "date": self._now() - 60, "sender_user_name": sender_name}
        return {"forward_origin": origin}

    async def send_edited_caption(self, chat_id: int, message_id: int, caption: str) -> None:
        """The user edits the caption of their photo or file ``message_id`` (an edited_message
        update; an empty caption removes it)."""
        chat = self._known_chat(chat_id)
        old = chat.messages.get(message_id)
        if old is None or old["from"]["is_bot"] or not ("photo" in old or "document" in old):
            raise ValueError(f"message {message_id} in chat {chat_id} is not a user's media")
        new = {k: v for k, v in old.items() if k not in ("caption", "caption_entities")}
        new["edit_date"] = self._now()
        if caption:
            new["caption"] = caption
        chat.messages[message_id] = new
        if self._delivers(chat, new) and self._allows("edited_message"):
            self._enqueue({"edited_message": new})

    async def send_edited_text(self, chat_id: int, message_id: int, text: str) -> None:
        """The user edits their text message ``message_id`` (an edited_message update)."""
        chat = self._known_chat(chat_id)
        old = chat.messages.get(message_id)
        if old is None or old["from"]["is_bot"] or "text" not in old:
            raise ValueError(f"message {message_id} in chat {chat_id} is not a user's text")
        new = {k: v for k, v in old.items() if k != "entities"}
        new.update(text=text, edit_date=self._now())
        if entities := _command_entities(text):
            new["entities"] = entities
        chat.messages[message_id] = new
        if self._delivers(chat, new) and self._allows("edited_message"):
            self._enqueue({"edited_message": new})

    async def press(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        *,
        user_id: int | None = None,
        strict: bool = True,
    ) -> str:
        """The user taps the inline button with ``callback_data`` on the bot's message
        ``message_id``; returns the callback query id. With ``strict`` (the default) the
        button must be on the message now, as in a real client."""
        chat = self._known_chat(chat_id)
        message = chat.messages.get(message_id)
        if message is None:
            raise ValueError(f"message {message_id} is not in chat {chat_id} (deleted?)")
        if strict:
            buttons = [
                b.get("callback_data")
                for row in message.get("reply_markup", {}).get("inline_keyboard", [])
                for b in row
            ]
            if callback_data not in buttons:
                raise ValueError(
                    f"message {message_id} has no button with callback_data {callback_data!r};"
                    f" it has {buttons}"
                )
        uid = self._user_id(chat, user_id)
        user = self._users.get(uid) or self._user(uid, "Asha", "en")
        query_id = str(4_000_000_000_000_000 + next(self._ids))
        self._open_queries.add(query_id)
        query = {
            "id": query_id,
            "from": user,
            "message": message,
            "chat_instance": str((chat.id * 2_654_435_761) % (1 << 62)),
            "data": callback_data,
        }
        if self._allows("callback_query"):
            self._enqueue({"callback_query": query})
        return query_id

    async def send_raw_update(self, update: Mapping[str, Any]) -> int:
        """Queues any Update as given (its update_id is replaced); returns the update_id.
        Raw updates bypass the allowed_updates filter."""
        return self._enqueue({k: v for k, v in update.items() if k != "update_id"})

    def _chat(self, chat_id: int, chat_type: ChatType, first_name: str, title: str | None) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is not None:
            if chat.info["type"] != chat_type:
                raise ValueError(f"chat {chat_id} is a {chat.info['type']} chat")
            return chat
        if (chat_type == "private") != (chat_id > 0):
            sign = "positive" if chat_type == "private" else "negative"
            raise ValueError(f"{chat_type} chat ids are {sign}, got {chat_id}")
        if chat_type == "private":
            info: JSONDict = {"id": chat_id, "first_name": first_name, "type": "private"}
        else:
            info = {"id": chat_id, "title": title or "Test group", "type": chat_type}
        chat = self._chats[chat_id] = _Chat(info)
        return chat

    def _known_chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            raise ValueError(f"chat {chat_id} has no messages yet")
        return chat

    def _user_id(self, chat: _Chat, user_id: int | None) -> int:
        if chat.info["type"] == "private":
            if user_id not in (None, chat.id):
                raise ValueError("in a private chat the user id is the chat id")
            return chat.id
        if user_id is None:
            raise ValueError("user_id is required in group chats")
        return user_id

    def _user(self, user_id: int, first_name: str, language_code: str) -> JSONDict:
        user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        self._users[user_id] = user
        return user

    def _user_message(
        self,
        chat_id: int,
        content: JSONDict,
        *,
        user_id: int | None,
        chat_type: ChatType,
        language_code: str,
        first_name: str,
        title: str | None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """Files a user's message and queues its update (if the bot would get it)."""
        chat = self._chat(chat_id, chat_type, first_name, title)
        user = self._user(self._user_id(chat, user_id), first_name, language_code)
        message: JSONDict = {"from": user, "chat": chat.info, "date": self._now(), **content}
        if reply_to_message_id is not None:
            target = chat.messages.get(reply_to_message_id)
            if target is None:
                raise ValueError(f"message {reply_to_message_id} is not in chat {chat_id}")
            message["reply_to_message"] = _without_reply(target)
        message = {"message_id": self._next_message_id(chat), **message}
        chat.messages[message["message_id"]] = message
        if self._delivers(chat, message) and self._allows("message"):
            self._enqueue({"message": message})
        else:
            self._changed.fire()
        return int(message["message_id"])

    def _delivers(self, chat: _Chat, message: JSONDict) -> bool:
        """Group privacy mode: the bot sees commands meant for it and replies to itself."""
        if chat.info["type"] == "private" or not self.privacy_mode or chat.bot_is_admin:
            return True
        replied = message.get("reply_to_message", {}).get("from", {})
        if replied.get("id") == self.bot_user["id"]:
            return True
        command = next(iter(message.get("entities", [])), None)
        if command is None or command["offset"] != 0:
            return False
        _, _, addressee = message["text"][: command["length"]].partition("@")
        return addressee in ("", self.bot_username)

    def _allows(self, kind: str) -> bool:
        if self._allowed_updates:
            return kind in self._allowed_updates
        return kind not in _OPT_IN_UPDATES

    def _enqueue(self, fields: JSONDict) -> int:
        self._update_seq += 1
        self._updates.append({"update_id": self._update_seq, **fields})
        self._updates_pulse.fire()
        self._changed.fire()
        return self._update_seq

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
        return self.commands.get(_commands_key(scope, language_code), [])

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
            lines.extend(f"  {_describe(m)}" for m in chat.transcript.values())
            if not chat.transcript:
                lines.append("  (no bot messages)")
        lines.append("last API calls:")
        for call in self.calls[-12:]:
            shown = {k: v for k, v in call.params.items() if k != "reply_markup"}
            lines.append(f"  {call.method} -> {call.status} {json.dumps(shown)[:160]}")
        return "\n".join(lines)

    def _chat_pulse(self, chat_id: int) -> _Pulse:
        pulse = self._chat_pulses.get(chat_id)
        if pulse is None:
            pulse = self._chat_pulses[chat_id] = _Pulse()
        return pulse

    async def _until(self, pulse: _Pulse, ready: Callable[[], _T], seconds: float) -> _T:
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

    # ---- webhook delivery -----------------------------------------------------------------

    def deliver_webhook_to(
        self, target: str, *, retry_s: float = 0.5, answer_within_s: float = 60.0
    ) -> None:
        """Deliver updates to the webhook as Telegram does, posting them to ``target`` (the
        local address the public webhook URL leads to, through the operator's TLS proxy):
        one POST per update, with the secret token header, at most the webhook's
        ``max_connections`` at once. An update stays queued until answered 2xx; an error
        status, a refused connection or no answer within ``answer_within_s`` makes it
        delivered again ``retry_s`` later. Nothing is posted while no webhook is set."""
        self._webhook_target = target
        if self._webhook_task is None:
            self._webhook_task = asyncio.create_task(
                self._deliver_webhook(retry_s, answer_within_s), name="fake-telegram-webhook"
            )

    async def _deliver_webhook(self, retry_s: float, answer_within_s: float) -> None:
        import httpx  # only tests that deliver to a webhook need it

        posting: set[int] = set()
        tasks: set[asyncio.Task[None]] = set()

        async def post(client: httpx.AsyncClient, hook: Webhook, update: JSONDict) -> None:
            headers = {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token or ""}
            try:
                target = str(self._webhook_target)
                response = await client.post(target, json=update, headers=headers)
                delivered = 200 <= response.status_code < 300
            except httpx.HTTPError:
                delivered = False
            if delivered:
                with contextlib.suppress(ValueError):
                    self._updates.remove(update)
                self._changed.fire()
            else:
                await asyncio.sleep(retry_s)
            posting.discard(update["update_id"])
            self._updates_pulse.fire()

        async with httpx.AsyncClient(timeout=answer_within_s) as client:
            try:
                while True:
                    hook = self.webhook
                    for update in list(self._updates) if hook is not None else ():
                        assert hook is not None
                        if len(posting) >= hook.max_connections:
                            break
                        if update["update_id"] not in posting:
                            posting.add(update["update_id"])
                            task = asyncio.create_task(post(client, hook, update))
                            tasks.add(task)
                            task.add_done_callback(tasks.discard)
                    await self._updates_pulse.wait(1.0)
            finally:
                for task in tasks:
                    task.cancel()

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
            description = _default_description(status, retry_after)
        self._add_fault(method, _Fault(status, description, retry_after), times)

    def drop_next(self, method: str, *, times: int = 1, take_effect: bool = False) -> None:
        """The next ``times`` calls of ``method`` get their connection closed without an
        answer (PTB raises NetworkError). With ``take_effect`` the call is applied first, as
        when an answer is lost on the way back (the message was sent; the bot doesn't know)."""
        self._add_fault(method, _Fault(take_effect=take_effect), times)

    def _add_fault(self, method: str, fault: _Fault, times: int) -> None:
        self._faults.setdefault(method.lower(), deque()).extend([fault] * times)

    def _take_fault(self, method: str) -> _Fault | None:
        faults = self._faults.get(method.lower())
        return faults.popleft() if faults else None

    # ---- the Bot API endpoint -------------------------------------------------------------

    async def _bot_api_route(self, request: Request) -> Response:
        return (await self._bot_api(await _Incoming.of(request))).response()

    async def _bot_api(self, request: _Incoming) -> _Reply:
        method = request.path_params["method"]
        try:
            values, files = _read_request(request)
        except _ApiError as error:
            return _error_reply(error)
        call = ApiCall(method=method, params=values, files=files, at=time.time())
        self.calls.append(call)
        self._changed.fire()
        try:
            reply = await self._dispatch(call, request.path_params["token"])
        except _ApiError as error:
            call.status = error.status
            reply = _error_reply(error)
        self._changed.fire()
        return reply

    async def _dispatch(self, call: ApiCall, token: str) -> _Reply:
        if token != self.token:
            raise _ApiError(401, "Unauthorized")
        params = _Params(call.params, call.files)
        call.params = params.values
        fault = self._take_fault(call.method)
        if fault is not None and fault.status:
            raise _ApiError(fault.status, fault.description, fault.retry_after)
        if fault is not None and not fault.take_effect:
            call.status = 0
            return _DROP
        handler = self._methods.get(call.method.lower())
        if handler is None:
            raise _ApiError(404, "Not Found: method not supported by the fake server")
        result = await handler(params)
        if fault is not None:
            call.status = 0
            return _DROP
        return _json_reply({"ok": True, "result": result})

    async def _get_me(self, p: _Params) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, p: _Params) -> list[JSONDict]:
        """Long polling: holds the request until an update is queued or ``timeout`` passes.
        A newer getUpdates call ends an older one with 409, as on the real server."""
        if self.webhook is not None:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = p.opt_integer("offset") or 0
        limit = min(max(p.opt_integer("limit") or 100, 1), 100)
        timeout = max(p.number("timeout", 0), 0.0)
        allowed = p.value("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(kind) for kind in allowed)
        if offset > 0:
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        elif offset < 0:
            while len(self._updates) > -offset:
                self._updates.popleft()
        self._poll_seq += 1
        mine = self._poll_seq
        self._updates_pulse.fire()  # ends any older long poll
        await self._until(
            self._updates_pulse, lambda: bool(self._updates) or self._poll_seq != mine, timeout
        )
        if self._poll_seq != mine:
            raise _ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        return list(itertools.islice(self._updates, limit))

    async def _set_webhook(self, p: _Params) -> bool:
        url = p.opt_string("url") or ""
        if url:
            match = re.match(r"https://[^/:?#]+(?::([0-9]+))?", url)
            if match is None:
                raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
            if match[1] not in (None, "80", "88", "443", "8443"):
                raise _bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = p.opt_string("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise _bad("secret token contains unallowed characters")
        allowed = p.value("allowed_updates")
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        self.webhook = None
        if url:
            self.webhook = Webhook(
                url=url,
                secret_token=secret,
                allowed_updates=list(allowed) if isinstance(allowed, list) else None,
                max_connections=p.opt_integer("max_connections") or 40,
            )
        return True

    async def _delete_webhook(self, p: _Params) -> bool:
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        self.webhook = None
        return True

    async def _get_webhook_info(self, p: _Params) -> JSONDict:
        info: JSONDict = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook is not None:
            info["max_connections"] = self.webhook.max_connections
            if self.webhook.allowed_updates is not None:
                info["allowed_updates"] = self.webhook.allowed_updates
        return info

    async def _set_my_commands(self, p: _Params) -> bool:
        commands = p.value("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("can't parse commands JSON object")
        parsed: list[tuple[str, str]] = []
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("can't parse BotCommand JSON object")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            parsed.append((name, description))
        self.commands[self._commands_key(p)] = parsed
        return True

    async def _get_my_commands(self, p: _Params) -> list[JSONDict]:
        commands = self.commands.get(self._commands_key(p), [])
        return [{"command": name, "description": text} for name, text in commands]

    async def _delete_my_commands(self, p: _Params) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    def _commands_key(self, p: _Params) -> tuple[str, str]:
        scope = p.value("scope")
        if scope is not None and (
            not isinstance(scope, dict) or scope.get("type") not in _COMMAND_SCOPES
        ):
            raise _bad("can't parse BotCommandScope JSON object")
        return _commands_key(scope, p.opt_string("language_code") or "")

    async def _send_message(self, p: _Params) -> JSONDict:
        chat = self._target_chat(p)
        return self._send(chat, p, _text_content(p))

    async def _send_photo(self, p: _Params) -> JSONDict:
        chat = self._target_chat(p)
        caption = self._caption(p)
        photo = self._input_file(p, "photo")
        if isinstance(photo, UploadedFile):
            sizes = self._store_photo(photo.data, *_image_size(photo.data))
        elif photo.photo is not None:
            sizes = photo.photo
        else:
            raise _bad("wrong file identifier/HTTP URL specified")  # a document's file_id
        return self._send(chat, p, {"photo": sizes, **caption})

    async def _send_document(self, p: _Params) -> JSONDict:
        chat = self._target_chat(p)
        caption = self._caption(p)
        document = self._input_file(p, "document")
        if isinstance(document, UploadedFile):
            number = next(self._ids)
            file_id = f"BQACAgIAAxkD{number:08d}"
            stored = _StoredFile(
                data=document.data,
                document={
                    "file_id": file_id,
                    "file_unique_id": f"AgAD{number:08d}",
                    "file_name": document.filename,
                    "mime_type": document.content_type,
                    "file_size": len(document.data),
                },
            )
            self._files[file_id] = stored
        else:
            stored = document
        if stored.document is None:
            raise _bad("wrong file identifier/HTTP URL specified")  # a photo's file_id
        return self._send(chat, p, {"document": stored.document, **caption})

    async def _edit_message_text(self, p: _Params) -> JSONDict:
        chat, old = self._editable(p)
        if "text" not in old:
            raise _bad("there is no text in the message to edit")
        return self._edit(chat, old, p, _text_content(p), ("text", "entities"))

    async def _edit_message_caption(self, p: _Params) -> JSONDict:
        chat, old = self._editable(p)
        if "text" in old:
            raise _bad("there is no caption in the message to edit")
        return self._edit(chat, old, p, self._caption(p), ("caption", "caption_entities"))

    async def _edit_message_reply_markup(self, p: _Params) -> JSONDict:
        chat, old = self._editable(p)
        return self._edit(chat, old, p, {}, ())

    async def _delete_message(self, p: _Params) -> bool:
        chat = self._target_chat(p)
        message_id = p.integer("message_id")
        message = chat.messages.get(message_id)
        if message is None:
            raise _bad("message to delete not found")
        # Only its own messages in a group, unless it is an administrator there.
        others = message.get("from", {}).get("id") != self.bot_user["id"]
        if chat.info["type"] != "private" and others and not chat.bot_is_admin:
            raise _bad("message can't be deleted")
        del chat.messages[message_id]
        chat.deleted.append(message_id)
        shown = chat.transcript.get(message_id)
        if shown is not None:
            self._record(chat, "deleted", replace(shown, deleted=True))
        return True

    async def _answer_callback_query(self, p: _Params) -> bool:
        query_id = p.string("callback_query_id")
        if query_id not in self._open_queries:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        self._open_queries.discard(query_id)
        self.callback_answers[query_id] = CallbackAnswer(
            query_id=query_id,
            text=p.opt_string("text"),
            show_alert=p.flag("show_alert"),
            url=p.opt_string("url"),
            cache_time=p.opt_integer("cache_time") or 0,
        )
        return True

    async def _send_chat_action(self, p: _Params) -> bool:
        chat = self._target_chat(p)
        action = p.string("action")
        if action not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self.chat_actions.append((chat.id, action))
        return True

    async def _close(self, p: _Params) -> bool:
        self.closed = True
        return True

    async def _log_out(self, p: _Params) -> bool:
        self.logged_out = True
        return True

    # ---- helpers of the Bot API methods ---------------------------------------------------

    def _now(self) -> int:
        return int(self._clock.now().timestamp())

    def _next_message_id(self, chat: _Chat) -> int:
        chat.last_message_id += 1
        return chat.last_message_id

    def _target_chat(self, p: _Params) -> _Chat:
        chat_id = p.value("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad("chat_id is empty")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise _bad("chat not found")
        return chat

    def _caption(self, p: _Params) -> JSONDict:
        caption, entities = _formatted(p, "caption", "caption_entities")
        if _u16(caption) > _MAX_CAPTION:
            raise _bad("message caption is too long")
        content: JSONDict = {"caption": caption} if caption else {}
        if caption and entities:
            content["caption_entities"] = entities
        return content

    def _input_file(self, p: _Params, name: str) -> UploadedFile | _StoredFile:
        """The file of parameter ``name``: an upload (as a part of that name, or referenced
        by attach://), or a file_id of a file sent before."""
        value = p.value(name)
        if value is None:
            upload = p.files.get(name)
            if upload is None:
                raise _bad(f"there is no {name} in the request")
        elif isinstance(value, str) and value.startswith("attach://"):
            upload = p.files.get(value.removeprefix("attach://"))
            if upload is None:
                raise _bad(f"there is no {name} in the request")
        else:
            stored = self._files.get(str(value))
            if stored is None:  # URLs too: the fake can't fetch them
                raise _bad("wrong file identifier/HTTP URL specified")
            return stored
        if not upload.data:
            raise _bad("file must be non-empty")
        return upload

    def _store_photo(self, data: bytes, width: int, height: int) -> list[JSONDict]:
        number = next(self._ids)
        sizes: list[JSONDict] = []
        scaled = _scaled_sizes(width, height)
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
        stored = _StoredFile(data=data, photo=sizes)
        for size in sizes:
            self._files[size["file_id"]] = stored
        return sizes

    def _markup(self, p: _Params) -> JSONDict | None:
        """The reply_markup, validated like the real API (a real user could never tap an
        invalid button, so a bot sending one must fail here as it would in production)."""
        markup = p.value("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise _bad("can't parse inline keyboard markup JSON object")
            for button in itertools.chain.from_iterable(rows):
                _check_button(button)
            return {"inline_keyboard": rows}
        if {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
            return markup
        raise _bad("can't parse reply keyboard markup JSON object")

    def _reply_target(self, chat: _Chat, p: _Params) -> JSONDict | None:
        parameters = p.value("reply_parameters")
        allow_missing = p.flag("allow_sending_without_reply")
        if isinstance(parameters, dict):
            message_id = parameters.get("message_id")
            allow_missing = bool(parameters.get("allow_sending_without_reply", allow_missing))
            if parameters.get("chat_id") not in (None, chat.id):
                message_id = None if allow_missing else -1  # other chats: not modelled
        else:
            message_id = p.opt_integer("reply_to_message_id")
        if message_id is None:
            return None
        target = chat.messages.get(message_id) if isinstance(message_id, int) else None
        if target is None and not allow_missing:
            raise _bad("message to be replied not found")
        return target

    def _send(self, chat: _Chat, p: _Params, content: JSONDict) -> JSONDict:
        """Files a new bot message (all validation done by the caller) and returns it."""
        markup = self._markup(p)
        reply_to = self._reply_target(chat, p)
        message: JSONDict = {
            "message_id": self._next_message_id(chat),
            "from": self.bot_user,
            "chat": chat.info,
            "date": self._now(),
        }
        if reply_to is not None:
            message["reply_to_message"] = _without_reply(reply_to)
        message.update(content)
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        chat.messages[message["message_id"]] = message
        keyboard = markup.get("keyboard") if markup is not None else None
        labels = [
            [b if isinstance(b, str) else str(b.get("text", "")) for b in row]
            for row in (keyboard if isinstance(keyboard, list) else [])
        ]
        shown = self._view(chat, message, p.opt_string("parse_mode"), labels)
        self._record(chat, "sent", shown)
        return message

    def _editable(self, p: _Params) -> tuple[_Chat, JSONDict]:
        if p.has("inline_message_id"):
            raise _bad("inline messages are not supported by the fake server")
        chat = self._target_chat(p)
        message = chat.messages.get(p.integer("message_id"))
        if message is None:
            raise _bad("message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise _bad("message can't be edited")
        return chat, message

    def _edit(
        self, chat: _Chat, old: JSONDict, p: _Params, content: JSONDict, fields: tuple[str, ...]
    ) -> JSONDict:
        """Applies an edit. Like the real API, a reply_markup left out removes the keyboard."""
        markup = self._markup(p)
        if markup is not None and "inline_keyboard" not in markup:
            raise _bad("inline keyboard expected")
        drop = {*fields, "reply_markup", "edit_date"}
        new = {k: v for k, v in old.items() if k not in drop}
        new.update(content)
        if markup is not None:
            new["reply_markup"] = markup
        if new == {k: v for k, v in old.items() if k != "edit_date"}:
            raise _bad(_NOT_MODIFIED)
        new["edit_date"] = self._now()
        chat.messages[new["message_id"]] = new
        before = chat.transcript[new["message_id"]]
        parse_mode = p.opt_string("parse_mode") if fields else before.parse_mode
        self._record(chat, "edited", self._view(chat, new, parse_mode, before.reply_keyboard))
        return new

    def _view(
        self, chat: _Chat, raw: JSONDict, parse_mode: str | None, reply_keyboard: list[list[str]]
    ) -> BotMessage:
        """The transcript record of a bot message."""
        kind: MessageKind = "text"
        photo = document = filename = None
        if "photo" in raw:
            kind, photo = "photo", self._files[raw["photo"][-1]["file_id"]].data
        elif "document" in raw:
            kind, filename = "document", raw["document"].get("file_name")
            document = self._files[raw["document"]["file_id"]].data
        rows = raw.get("reply_markup", {}).get("inline_keyboard", [])
        return BotMessage(
            chat_id=chat.id,
            message_id=raw["message_id"],
            kind=kind,
            text=str(raw.get("text") or raw.get("caption") or ""),
            buttons=[[Button(b["text"], _button_data(b)) for b in row] for row in rows],
            photo=photo,
            document=document,
            filename=filename,
            edited="edit_date" in raw,
            reply_keyboard=reply_keyboard,
            reply_to_message_id=raw.get("reply_to_message", {}).get("message_id"),
            parse_mode=parse_mode,
            entities=list(raw.get("entities") or raw.get("caption_entities") or []),
            date=raw["date"],
            raw=raw,
        )

    def _record(self, chat: _Chat, kind: EventType, shown: BotMessage) -> None:
        chat.transcript[shown.message_id] = shown
        self._event_seq += 1
        event = BotEvent(self._event_seq, chat.id, kind, shown, time.monotonic())
        chat.events.append(event)
        self._feed.append(event)
        self._chat_pulse(chat.id).fire()
        self._feed_pulse.fire()
        self._changed.fire()

    # ---- the control surface (/_fake/...) -------------------------------------------------

    async def _control_route(self, request: Request) -> Response:
        return (await self._control(await _Incoming.of(request))).response()

    async def _control(self, request: _Incoming) -> _Reply:
        """JSON control routes for a fake in another process (``FakeTelegramClient``).

        POST /_fake/<action> with a JSON object of the keyword arguments of the method of the
        same name: send_text, send_sticker, send_photo (``data`` base64), send_document,
        send_edited_text, send_edited_caption, press, send_raw_update ({"update": ...}),
        fail_next, drop_next. Reads take GET query parameters or a POST body: messages
        (chat_id, after=<message_id>, timeout: long poll until there is a newer bot message),
        events (chat_id, after=<seq>, timeout), calls
        (method), state. Answers {"ok": true, "result": ...} or 400 with a description.

        The fast path for driving many users (benchmarks): ``batch`` ({"actions": [{"action":
        "send_text", "args": {...}}, ...]}) runs user-side actions in order and answers, for
        each, {"result": ..., "at": <fake's monotonic time>} or {"error": description};
        ``feed`` (after=<seq>, timeout, limit) long-polls the compact events of every chat
        (``FeedEvent``), so one request serves a thousand users.
        """
        action = request.path_params["action"]
        if request.method == "GET" and action not in _CONTROL_READS:
            return _control_error(f"{action} changes the fake: POST a JSON object")
        args: JSONDict = request.query_params()
        if request.method == "POST" and (body := request.body):
            try:
                decoded = json.loads(body)
            except ValueError:
                decoded = None
            if not isinstance(decoded, dict):
                return _control_error("the body must be a JSON object")
            args.update(decoded)
        handler = self._control_handlers.get(action)
        if handler is None:
            return _error_reply(_ApiError(404, "Not Found"))
        try:
            result = await handler(args)
        except (TypeError, ValueError, KeyError) as error:
            return _control_error(f"{action}: {error}")
        return _json_reply({"ok": True, "result": result})

    def _control_actions(self) -> dict[str, Callable[[JSONDict], Awaitable[Any]]]:
        async def send_photo(args: JSONDict) -> int:
            data = _unb64(args.pop("data", None))
            return await self.send_photo(**args, data=data)

        async def send_edited_text(args: JSONDict) -> None:
            await self.send_edited_text(**args)

        async def send_raw_update(args: JSONDict) -> int:
            return await self.send_raw_update(args["update"])

        async def messages(args: JSONDict) -> list[JSONDict]:
            chat_id, after = int(args["chat_id"]), int(args.get("after", 0))

            def newer() -> list[BotMessage]:
                return [m for m in self.messages(chat_id) if m.message_id > after]

            found = await self._until(self._chat_pulse(chat_id), newer, _wait_arg(args))
            return [m.to_json() for m in found]

        async def events(args: JSONDict) -> list[JSONDict]:
            chat_id, after = int(args["chat_id"]), int(args.get("after", 0))
            found = await self._until(
                self._chat_pulse(chat_id), lambda: self.events(chat_id, after), _wait_arg(args)
            )
            return [e.to_json() for e in found]

        async def fail_next(args: JSONDict) -> None:
            self.fail_next(**args)

        async def drop_next(args: JSONDict) -> None:
            self.drop_next(**args)

        async def calls(args: JSONDict) -> list[JSONDict]:
            method = args.get("method")
            chosen = self.calls if method is None else self.calls_to(str(method))
            return [c.to_json() for c in chosen]

        async def state(args: JSONDict) -> JSONDict:
            return self._state_json()

        async def send_text(args: JSONDict) -> int:
            return await self.send_text(**args)

        async def send_sticker(args: JSONDict) -> int:
            return await self.send_sticker(**args)

        async def press(args: JSONDict) -> str:
            return await self.press(**args)

        async def send_document(args: JSONDict) -> int:
            return await self.send_document(**args)

        async def send_edited_caption(args: JSONDict) -> None:
            await self.send_edited_caption(**args)

        user_actions = {
            "send_text": send_text,
            "send_sticker": send_sticker,
            "send_photo": send_photo,
            "send_document": send_document,
            "send_edited_text": send_edited_text,
            "send_edited_caption": send_edited_caption,
            "press": press,
        }

        async def batch(args: JSONDict) -> list[JSONDict]:
            done: list[JSONDict] = []
            for item in args["actions"]:
                handler = user_actions.get(str(item.get("action")))
                try:
                    if handler is None:
                        raise ValueError(f"not a user action: {item.get('action')!r}")
                    result = await handler(dict(item.get("args") or {}))
                except (TypeError, ValueError, KeyError) as error:
                    done.append({"error": str(error)})
                else:
                    done.append({"result": result, "at": time.monotonic()})
            return done

        async def feed(args: JSONDict) -> list[JSONDict]:
            after, limit = int(args.get("after", 0)), int(args.get("limit", 10_000))

            def newer() -> list[BotEvent]:
                start = bisect.bisect_right(self._feed, after, key=lambda e: e.seq)
                return self._feed[start : start + limit]

            found = await self._until(self._feed_pulse, newer, _wait_arg(args))
            return [FeedEvent.of(e).to_json() for e in found]

        return {
            "batch": batch,
            "feed": feed,
            **user_actions,
            "send_raw_update": send_raw_update,
            "messages": messages,
            "events": events,
            "fail_next": fail_next,
            "drop_next": drop_next,
            "calls": calls,
            "state": state,
        }

    def _state_json(self) -> JSONDict:
        return {
            "callback_answers": {
                query_id: {"text": a.text, "show_alert": a.show_alert, "url": a.url}
                for query_id, a in self.callback_answers.items()
            },
            "chat_actions": [list(action) for action in self.chat_actions],
            "commands": [
                {
                    "scope": json.loads(scope),
                    "language_code": language,
                    "commands": [list(command) for command in commands],
                }
                for (scope, language), commands in self.commands.items()
            ],
            "webhook": None
            if self.webhook is None
            else {"url": self.webhook.url, "secret_token": self.webhook.secret_token},
            "deleted": {str(chat.id): chat.deleted for chat in self._chats.values()},
            "pending_updates": len(self._updates),
        }


def _default_description(status: int, retry_after: int | None) -> str:
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


def _commands_key(scope: Mapping[str, Any] | None, language_code: str) -> tuple[str, str]:
    """Command lists are kept per (scope, language); the scope as canonical JSON."""
    canonical = json.dumps(dict(scope or {"type": "default"}), sort_keys=True)
    return canonical, language_code


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise _bad("can't parse inline keyboard button JSON object")
    if not _BUTTON_ACTIONS & button.keys():
        raise _bad(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and not (isinstance(data, str) and 1 <= len(data.encode()) <= 64):
        raise _bad("BUTTON_DATA_INVALID")


def _button_data(button: JSONDict) -> str:
    for key in ("callback_data", "url"):
        if isinstance(button.get(key), str):
            return str(button[key])
    for key in ("web_app", "login_url"):
        if isinstance(button.get(key), dict):
            return str(button[key].get("url", ""))
    return ""


def _without_reply(message: JSONDict) -> JSONDict:
    """A replied-to message as Telegram nests it: without its own reply_to_message."""
    return {k: v for k, v in message.items() if k != "reply_to_message"}


def _describe(message: BotMessage) -> str:
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


def _wait_arg(args: JSONDict) -> float:
    return min(max(float(args.get("timeout", 0)), 0.0), _MAX_CONTROL_WAIT)


def _control_error(description: str) -> _Reply:
    return _error_reply(_ApiError(400, description))


def serve_forever(
    host: str = "127.0.0.1",
    port: int = 8081,
    token: str = DEFAULT_TOKEN,
    username: str = DEFAULT_USERNAME,
) -> None:
    """Runs a fake in this process until SIGINT/SIGTERM (for ``python -m bot fake-telegram``).

    Prints one line with the bot's base URL and the control URL once it accepts connections,
    so a parent process that passed port 0 can read the port it got.
    """

    async def main() -> None:
        fake = FakeTelegram(token, username)
        await fake.start(host, port, handle_signals=True)
        print(f"fake-telegram base_url={fake.base_url} control={fake.url}/_fake/", flush=True)
        task = fake._serve_task
        if task is not None:
            await task  # ends when a signal makes uvicorn shut down
        await fake.stop()

    with (
        contextlib.suppress(KeyboardInterrupt),
        asyncio.Runner(loop_factory=event_loop_factory()) as runner,
    ):
        runner.run(main())
