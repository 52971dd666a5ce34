"""Webhook mode (BOT_MODE=webhook): Telegram posts each update to us instead of us polling.

A small Starlette app served by uvicorn in the bot's own event loop: an update is checked and
handed on (``deliver``: to the application's queue, or to a worker process), and the request is
answered 200 only once the update is handled (bot/runtime/updates.py). Until then Telegram holds it:
a process that dies mid-update leaves no 200, and Telegram delivers the update again. A delivery
repeated while the update is in flight waits for the same handling; one repeated after it is
handled gets 200 at once. An update not handled within ``ANSWER_WITHIN_S`` (a vendor slower
than its own time-outs) gets 503, so that Telegram asks again later rather than forget it.

Each update holds one of Telegram's connections while it is handled, vendor waits included, so
setWebhook asks for ``max_connections=100`` (the most Telegram allows): like getUpdates' window
of 100, at most that many updates are in flight at once. It also serves:

- ``GET /healthz``: liveness (the process and its event loop answer);
- ``GET /readyz``: readiness (the database answers a query; the vendor is reachable: circuit not
  open and our credentials accepted); 503 naming the failing part otherwise.

Why the secret: the webhook URL is public. Telegram sends back the ``secret_token`` we gave
setWebhook in ``X-Telegram-Bot-Api-Secret-Token``; a request without it (or with another) gets
403 and is never parsed, so nobody else can post a forged update (a fake "I agree", say).

On shutdown the webhook is left set: Telegram keeps the updates that arrive meanwhile and
delivers them when the bot is back (deleting it would only make them wait unasked).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.config import Settings
from bot.runtime.asgi import BodyError, decode_json_object, serving
from bot.runtime.services import Services
from bot.store.base import Store

if TYPE_CHECKING:  # bot/runtime/updates.py starts the webhook: only the types go this way
    from bot.runtime.updates import Deliver, HandledTracker, Readiness

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_UPDATE_BYTES = 1024 * 1024  # a Telegram update is a few kB; refuse anything absurd
# Telegram opens at most this many connections to a webhook at once (its maximum).
MAX_CONNECTIONS = 100
# How long a delivery waits for its update to be handled before asking Telegram to try again.
ANSWER_WITHIN_S = 50.0


SetWebhook = Callable[..., Awaitable[Any]]


def create_webhook_app(
    path: str,
    secret: str,
    tracker: HandledTracker,
    deliver: Deliver,
    ready: Readiness,
    *,
    answer_within_s: float = ANSWER_WITHIN_S,
) -> Starlette:
    """The webhook endpoint at ``path`` (POST), and the two health routes."""
    expected = secret.encode()

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, expected):
            log.warning("webhook.refused", extra={"reason": "secret"})
            return Response(status_code=403)
        update = _decode(await request.body())
        if update is None:
            log.warning("webhook.refused", extra={"reason": "not an update"})
            return Response(status_code=400)
        update_id = update["update_id"]
        if tracker.take(update_id):
            await deliver(update)
        try:
            await asyncio.wait_for(tracker.wait_handled(update_id), answer_within_s)
        except TimeoutError:
            log.warning("webhook.not_yet_handled", extra={"update_id": update_id})
            return Response(status_code=503)
        return Response(status_code=200)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        checks = await ready()
        ok = all(checks.values())
        return JSONResponse(
            {"status": "ready" if ok else "not ready", "checks": checks},
            status_code=200 if ok else 503,
        )

    return Starlette(
        routes=[
            Route(path, receive, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
        ],
        max_body_size=MAX_UPDATE_BYTES,
    )


def _decode(body: bytes) -> dict[str, Any] | None:
    """The JSON object in ``body`` if it looks like an update, else ``None``."""
    try:
        data = decode_json_object(body)
    except BodyError:
        return None
    if not isinstance(data.get("update_id"), int):
        return None
    return data


async def readiness(services: Services) -> dict[str, bool]:
    """Each dependency: does it answer now?"""
    return {
        "database": await database_ready(services.store),
        "vendor": await _vendor_ready(services),
    }


async def database_ready(store: Store) -> bool:
    """Does the database answer now? (also the update fan-out's, bot/runtime/fanout.py)"""
    try:
        await store.get_language(0)  # a real round trip, reading one indexed row
    except Exception as exc:  # any failure means not ready; the type is enough to look into
        log.warning("readyz.database", extra={"error": type(exc).__name__})
        return False
    return True


async def _vendor_ready(services: Services) -> bool:
    breaker = services.breaker
    return True if breaker is None else await breaker.ready()


@contextlib.asynccontextmanager
async def serving_webhook(
    settings: Settings,
    tracker: HandledTracker,
    deliver: Deliver,
    ready: Readiness,
    set_webhook: SetWebhook,
) -> AsyncIterator[str]:
    """Serve the webhook, then tell Telegram where it is (``set_webhook`` takes the Bot API's
    setWebhook parameters); stop serving on exit. Yields the local URL served on."""
    assert settings.webhook_url and settings.webhook_secret  # checked by Settings
    secret = settings.webhook_secret.get_secret_value()
    app = create_webhook_app(settings.webhook_path, secret, tracker, deliver, ready)
    async with serving(app, settings.webhook_listen, settings.webhook_port) as local_url:
        await set_webhook(
            url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
            max_connections=MAX_CONNECTIONS,
        )
        log.info("webhook.set", extra={"listen": local_url, "path": settings.webhook_path})
        yield local_url
