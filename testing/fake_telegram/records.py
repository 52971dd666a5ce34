"""What the bot did, as records a test can compare (and send between processes as JSON)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from bot.runtime.asgi import FormFile

DEFAULT_TOKEN = "123456:TEST-TOKEN"
DEFAULT_USERNAME = "seeding_test_bot"

UploadedFile = FormFile
"""A file part of a multipart request, kept byte-exact so a test can compare what was sent."""

JSONDict = dict[str, Any]
MessageKind = Literal["text", "photo", "document"]
EventType = Literal["sent", "edited", "deleted"]
ChatType = Literal["private", "group", "supergroup"]


# --------------------------------------------------------------------------------------------
# What the bot did, as records a test can compare



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
            "photo": b64(self.photo),
            "document": b64(self.document),
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
            photo=unb64(data.get("photo")),
            document=unb64(data.get("document")),
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


def b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def unb64(data: str | None) -> bytes | None:
    return None if data is None else base64.b64decode(data)

