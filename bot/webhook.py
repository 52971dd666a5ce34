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
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.sandbox.server import serving
from bot.services import SeedingApplication, Services

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_UPDATE_BYTES = 1024 * 1024  # a Telegram update is a few kB; refuse anything absurd
LOCAL_URL = "webhook_local_url"  # Services.extras key: where the server listens (tests)
# Telegram opens at most this many connections to a webhook at once.
MAX_CONNECTIONS = 100


def create_webhook_app(application: SeedingApplication, *, path: str, secret: str) -> Starlette:
    """The webhook endpoint at ``path`` (POST), and the two health routes."""
    expected = secret.encode()

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, expected):
            log.warning("webhook.refused", extra={"reason": "secret"})
            return Response(status_code=403)
        update = _parse(await request.body(), application)
        if update is None:
            log.warning("webhook.refused", extra={"reason": "not an update"})
            return Response(status_code=400)
        await application.update_queue.put(update)
        return Response(status_code=200)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        checks = await readiness(application.services)
        ready = all(checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    return Starlette(
        routes=[
            Route(path, receive, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
        ],
        max_body_size=MAX_UPDATE_BYTES,
    )


def _parse(body: bytes, application: SeedingApplication) -> Update | None:
    """The Update in ``body``, or ``None`` for anything that is not one."""
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return None
        return Update.de_json(data, application.bot)
    except (ValueError, TypeError, KeyError, AttributeError):  # malformed JSON or fields
        return None


async def readiness(services: Services) -> dict[str, bool]:
    """Each dependency: does it answer now?"""
    return {"database": await _database_ready(services), "vendor": await _vendor_ready(services)}


async def _database_ready(services: Services) -> bool:
    try:
        await services.store.get_language(0)  # a real round trip, reading one indexed row
    except Exception as exc:  # any failure means not ready; the type is enough to look into
        log.warning("readyz.database", extra={"error": type(exc).__name__})
        return False
    return True


async def _vendor_ready(services: Services) -> bool:
    breaker = services.breaker
    return True if breaker is None else await breaker.ready()


@contextlib.asynccontextmanager
async def receiving_webhook(application: SeedingApplication) -> AsyncIterator[None]:
    """Serve the webhook, then tell Telegram where it is; stop serving on exit."""
    settings = application.services.settings
    assert settings.webhook_url and settings.webhook_secret  # checked by Settings
    secret = settings.webhook_secret.get_secret_value()
    app = create_webhook_app(application, path=settings.webhook_path, secret=secret)
    async with serving(app, settings.webhook_listen, settings.webhook_port) as local_url:
        application.services.extras[LOCAL_URL] = local_url
        await application.bot.set_webhook(
            url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
            max_connections=min(MAX_CONNECTIONS, settings.max_concurrent_updates),
        )
        log.info("webhook.set", extra={"listen": local_url, "path": settings.webhook_path})
        yield
