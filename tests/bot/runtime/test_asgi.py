"""bot/runtime/asgi.py: the body decoder and the server helper that the webhook server, the
sandbox and the fake Telegram server share."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.runtime.asgi import (
    BodyError,
    FormFile,
    decode_form,
    decode_json_object,
    serving,
    start_serving,
)


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> httpx.Request:
    return httpx.Request("POST", "http://x/", data=fields, files=files)


def test_multipart_fields_and_files_byte_exact() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\r\n--not-a-boundary\r\n\xff"
    fields = {"chat_id": "42", "caption": "कार्ड"}
    request = _multipart(fields, {"photo": ("a.png", png, "image/png")})
    form = decode_form(request.headers["content-type"], request.read())
    assert form.fields == fields
    assert form.files == {"photo": FormFile("a.png", "image/png", png)}
    assert form.texts()["chat_id"] == "42"


def test_urlencoded_json_and_other_bodies() -> None:
    form = decode_form("application/x-www-form-urlencoded", b"a=1&b=&a=2&c=caf%C3%A9")
    assert form.fields == {"a": "2", "b": "", "c": "café"}
    assert decode_form("application/json", b'{"a": 1}').fields == {}
    assert decode_json_object(b"") == {}
    assert decode_json_object(b'{"update_id": 1}') == {"update_id": 1}
    for bad in (b"[1]", b"{", b'"x"'):
        with pytest.raises(BodyError):
            decode_json_object(bad)


async def _hello(request: Request) -> Response:
    return PlainTextResponse("hello")


async def test_serving_answers_and_stops() -> None:
    app = Starlette(routes=[Route("/", _hello)])
    async with httpx.AsyncClient() as client:
        async with serving(app) as url:
            assert (await client.get(url)).text == "hello"
        with pytest.raises(httpx.ConnectError):
            await client.get(url)


async def test_a_taken_port_is_an_os_error() -> None:
    app = Starlette(routes=[Route("/", _hello)])
    served = start_serving(app)
    try:
        with pytest.raises(OSError):
            start_serving(app, port=served.port)
    finally:
        await served.stop()
