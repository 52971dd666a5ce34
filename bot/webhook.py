"""Webhook mode (BOT_MODE=webhook): Telegram posts each update to us instead of us polling.

A small Starlette app served by uvicorn in the bot's own event loop, python-telegram-bot's
documented custom-webhook pattern: an update is checked, parsed and put on
``application.update_queue``, where the same processing as in polling mode picks it up. It also
serves:

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

import contextlib
import hmac
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.config import Settings
from bot.sandbox.server import serving
from bot.services import SeedingApplication, Services
from bot.store.base import Store

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_UPDATE_BYTES = 1024 * 1024  # a Telegram update is a few kB; refuse anything absurd
LOCAL_URL = "webhook_local_url"  # Services.extras key: where the server listens (tests)
# Telegram opens at most this many connections to a webhook at once.
MAX_CONNECTIONS = 100


# Hands one update (decoded JSON, its update_id checked) on to be handled.
Deliver = Callable[[Mapping[str, Any]], Awaitable[None]]
Readiness = Callable[[], Awaitable[dict[str, bool]]]
SetWebhook = Callable[..., Awaitable[Any]]


def create_webhook_app(path: str, secret: str, deliver: Deliver, ready: Readiness) -> Starlette:
    """The webhook endpoint at ``path`` (POST), and the two health routes."""
    expected = secret.encode()

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, expected):
            log.warning("webhook.refused", extra={"reason": "secret"})
            return Response(status_code=403)
        update = _decode(await request.body())
        if update is not None:
            try:
                await deliver(update)
            except (ValueError, TypeError, KeyError, AttributeError):  # malformed fields
                update = None
        if update is None:
            log.warning("webhook.refused", extra={"reason": "not an update"})
            return Response(status_code=400)
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
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return None
    return data


async def readiness(services: Services) -> dict[str, bool]:
    """Each dependency: does it answer now?"""
    return {
        "database": await database_ready(services.store),
        "vendor": await _vendor_ready(services),
    }


async def database_ready(store: Store) -> bool:
    """Does the database answer now? (also the dispatcher's, bot/dispatcher.py)"""
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
    settings: Settings, deliver: Deliver, ready: Readiness, set_webhook: SetWebhook
) -> AsyncIterator[str]:
    """Serve the webhook, then tell Telegram where it is (``set_webhook`` takes the Bot API's
    setWebhook parameters); stop serving on exit. Yields the local URL served on."""
    assert settings.webhook_url and settings.webhook_secret  # checked by Settings
    secret = settings.webhook_secret.get_secret_value()
    app = create_webhook_app(settings.webhook_path, secret, deliver, ready)
    async with serving(app, settings.webhook_listen, settings.webhook_port) as local_url:
        await set_webhook(
            url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
            max_connections=min(MAX_CONNECTIONS, settings.max_concurrent_updates),
        )
        log.info("webhook.set", extra={"listen": local_url, "path": settings.webhook_path})
        yield local_url


@contextlib.asynccontextmanager
async def receiving_webhook(application: SeedingApplication) -> AsyncIterator[None]:
    """The webhook of a bot in one process: updates go on ``application.update_queue``."""
    services = application.services

    async def deliver(data: Mapping[str, Any]) -> None:
        await application.update_queue.put(Update.de_json(dict(data), application.bot))

    async def ready() -> dict[str, bool]:
        return await readiness(services)

    async with serving_webhook(
        services.settings, deliver, ready, application.bot.set_webhook
    ) as local_url:
        services.extras[LOCAL_URL] = local_url
        yield
