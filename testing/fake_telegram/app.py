"""The fake's ASGI side: Starlette for anything unusual, a fast path for the Bot API and control
calls, and a way to drop a connection unanswered (``drop_next``)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

import pydantic_core
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from testing.fake_telegram.requests import ApiError, Incoming


class Reply(NamedTuple):
    """An answer: JSON bytes with their status, or (``drop``) a connection closed unanswered."""

    status: int
    body: bytes = b""
    drop: bool = False

    def response(self) -> Response:
        """The same answer as a Starlette response (JSONResponse's headers), for the routed
        path."""
        if self.drop:
            return DropResponse()
        return Response(self.body, self.status, media_type="application/json")


# Starlette's JSONResponse encoding, made once rather than per answer.
_JSON_ENCODER = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
)
# Where pydantic_core's JSON can differ from the json module's: NaN and infinities (which json
# refuses), and floats below 1e-4 (written 0.00001 or 1e-5, against json's 1e-05).
_NOT_LIKE_JSON = re.compile(rb'"(?:NaN|-?Infinity)"|0\.0000|e-[0-9](?![0-9])')


def encode_json(content: Any) -> bytes:
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


def json_reply(content: Any, status: int = 200) -> Reply:
    return Reply(status, encode_json(content))


def error_reply(error: ApiError) -> Reply:
    return json_reply(error.body(), error.status)



TRANSPORT = "fake_telegram.transport"


_BOT_PATH = re.compile(r"/bot([^/]+)/([^/]+)")  # Starlette's regex for "/bot{token}/{method}"
_CONTROL_PATH = re.compile(r"/_fake/([^/]+)")
_FastHandler = Callable[[Incoming], Awaitable[Reply]]


class App(Starlette):
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
            scope[TRANSPORT] = transport
        route = self._fast_route(scope)
        if route is None:
            await super().__call__(scope, receive, send)
            return
        handler, path_params = route
        try:
            request = Incoming(
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
            await DropResponse()(scope, receive, send)
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


DROP = Reply(0, drop=True)


class DropResponse(Response):
    """Closes the connection without answering: what a network failure looks like to PTB."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        transport = scope.get(TRANSPORT)
        # Duck-typed: uvloop's transports (serve_forever) are not asyncio.BaseTransport.
        close = getattr(transport, "close", None)
        if not callable(close):
            raise RuntimeError("drop_next needs the fake to be served by uvicorn")
        close()
        # Let uvicorn see the disconnect before the app returns, or it reports a missing answer.
        await asyncio.sleep(0)


async def not_found(request: Request) -> Response:
    return JSONResponse(ApiError(404, "Not Found").body(), status_code=404)

