"""The fake Telegram's fast paths answer byte for byte as the plain ones do.

The fake skips Starlette's routing for its Bot API and control routes, and encodes JSON with
pydantic_core (both to spare the CPU it shares with the bot in benchmarks); these tests hold
both to the answers of Starlette's routes and of the json module.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from testing.clock import FakeClock
from testing.fake_telegram import DEFAULT_TOKEN, FakeTelegram
from testing.fake_telegram.app import encode_json

CHAT = 1001
START = datetime(2026, 1, 1, tzinfo=UTC)


def _json_module(content: Any) -> bytes:
    """Starlette's JSONResponse.render."""
    return json.dumps(
        content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


def _outcome(encode: Any, content: Any) -> tuple[str, Any]:
    try:
        return "ok", encode(content)
    except (ValueError, UnicodeEncodeError) as error:
        return "error", type(error)


_FLOATS = st.one_of(
    st.floats(),  # NaN and infinities included
    st.floats(min_value=1e-10, max_value=1e-3),  # where the exponent formats differ
    st.floats(min_value=1e15, max_value=1e17),
)
_TEXT = st.text(st.characters(codec=None))  # lone surrogates too: both must refuse them
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | _FLOATS | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=1000, deadline=None)
@given(_JSON_VALUES)
def test_json_encoding_is_the_json_modules(content: Any) -> None:
    assert _outcome(encode_json, content) == _outcome(_json_module, content)


def _routed(app: Starlette) -> Any:
    """The same app through Starlette's middleware and routes only (no fast path)."""

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        await Starlette.__call__(app, scope, receive, send)

    return asgi


# (HTTP method, path, JSON body or None, query string): successes, API errors, control errors.
_REQUESTS: list[tuple[str, str, Any, str]] = [
    ("POST", f"/bot{DEFAULT_TOKEN}/getMe", None, ""),
    ("GET", f"/bot{DEFAULT_TOKEN}/getMe", None, ""),
    ("POST", "/bot1:WRONG/getMe", None, ""),
    ("POST", f"/bot{DEFAULT_TOKEN}/noSuchMethod", {}, ""),
    ("POST", f"/bot{DEFAULT_TOKEN}/sendMessage", {"chat_id": CHAT, "text": "<b>hi</b> &amp;"}, ""),
    ("POST", f"/bot{DEFAULT_TOKEN}/sendMessage", {"chat_id": CHAT, "parse_mode": "HTML"}, ""),
    ("GET", f"/bot{DEFAULT_TOKEN}/sendMessage", None, f"chat_id={CHAT}&text=caf%C3%A9+x"),
    ("POST", f"/bot{DEFAULT_TOKEN}/sendMessage", {"chat_id": 7, "text": "x"}, ""),
    (
        "POST",
        f"/bot{DEFAULT_TOKEN}/sendMessage",
        {
            "chat_id": CHAT,
            "text": "pick one",
            "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a" * 65}]]},
        },
        "",
    ),
    ("POST", f"/bot{DEFAULT_TOKEN}/deleteMessage", {"chat_id": CHAT, "message_id": 99}, ""),
    ("POST", f"/bot{DEFAULT_TOKEN}/getUpdates", {"timeout": 0}, ""),
    ("PUT", f"/bot{DEFAULT_TOKEN}/getMe", None, ""),
    ("GET", "/elsewhere", None, ""),
    ("GET", "/_fake/state", None, ""),
    ("GET", "/_fake/send_text", None, ""),
    ("POST", "/_fake/nope", {}, ""),
    ("POST", "/_fake/send_text", {"chat_id": CHAT}, ""),
    ("GET", "/_fake/messages", None, f"chat_id={CHAT}"),
    ("GET", "/_fake/feed", None, "after=0"),
]


async def _answers(app: Any, fake: FakeTelegram) -> list[tuple[int, list[Any], bytes]]:
    await fake.send_text(CHAT, "/start")
    transport = httpx.ASGITransport(app=app)
    answers: list[tuple[int, list[Any], bytes]] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://fake") as client:
        for method, path, body, query in _REQUESTS:
            content = None if body is None else json.dumps(body).encode()
            headers = {} if body is None else {"content-type": "application/json"}
            response = await client.request(
                method, f"{path}?{query}" if query else path, content=content, headers=headers
            )
            answers.append((response.status_code, response.headers.multi_items(), response.content))
    return answers


async def test_fast_path_answers_as_starlettes_routes() -> None:
    fast, routed = (FakeTelegram(clock=FakeClock(START)) for _ in range(2))
    by_fast = await _answers(fast.app, fast)
    by_routes = await _answers(_routed(routed.app), routed)
    # "at" is the fake's clock reading: dropped before comparing (and so the lengths may vary).
    for (status, headers, body), (status2, headers2, body2) in zip(by_fast, by_routes, strict=True):
        assert (status, _sized(headers, body)) == (status2, _sized(headers2, body2))
        assert _without_times(body) == _without_times(body2)
    assert [status for status, _, _ in by_fast] == [
        200, 200, 401, 404, 200, 400, 200, 400, 400, 400,
        200, 405, 404, 200, 400, 404, 400, 200, 200,
    ]  # fmt: skip


def _sized(headers: list[tuple[str, str]], body: bytes) -> list[tuple[str, str]]:
    """The headers, with a content-length that matches the body shown as "ok"."""
    return [(k, "ok" if k == "content-length" and v == str(len(body)) else v) for k, v in headers]


def _without_times(body: bytes) -> Any:
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "at"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    try:
        return strip(json.loads(body))
    except ValueError:
        return body  # Starlette's own plain-text answers (405)
