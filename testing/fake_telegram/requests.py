"""Decoding a Bot API request as the real server does: the parameters from the query string and
an urlencoded, multipart or JSON body (bot/runtime/asgi.py's decoder), each value typed the way
that parameter is read, with accessors that fail with the real API's errors."""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from bot.runtime.asgi import BodyError, decode_form, decode_json_object, media_type
from testing.fake_telegram.records import JSONDict, UploadedFile

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



class ApiError(Exception):
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


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")



@dataclass(frozen=True, slots=True)
class Incoming:
    """What the fake reads of an HTTP request: read straight from the ASGI scope on the fast
    path (``App``), or from a Starlette ``Request`` on the routed one."""

    method: str
    path_params: Mapping[str, str]
    query_string: bytes
    content_type: str
    body: bytes

    @classmethod
    async def of(cls, request: Request) -> Incoming:
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


def read_request(request: Incoming) -> tuple[JSONDict, dict[str, UploadedFile]]:
    """The parameters of a Bot API request, from the query string and any body the real API
    accepts: urlencoded, multipart or JSON."""
    values = request.query_params()
    if media_type(request.content_type) == "application/json":
        try:
            values.update(decode_json_object(request.body))
        except BodyError:
            raise bad("can't parse JSON object") from None
        return values, {}
    form = decode_form(request.content_type, request.body)
    values.update(form.fields)
    return values, form.files


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
            raise bad(f"can't parse {name} JSON object") from None
    return value


class Params:
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
            raise bad(f"{name} is empty")
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad(f"invalid {name} specified")
        return value

    def opt_integer(self, name: str) -> int | None:
        return self.integer(name) if self.has(name) else None

    def number(self, name: str, default: float) -> float:
        value = self.values.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad(f"invalid {name} specified")
        return float(value)

    def string(self, name: str) -> str:
        value = self.values.get(name)
        if value is None or value == "":
            raise bad(f"{name} is empty")
        return str(value)

    def opt_string(self, name: str) -> str | None:
        value = self.values.get(name)
        return None if value is None else str(value)

    def flag(self, name: str) -> bool:
        return self.values.get(name) is True

