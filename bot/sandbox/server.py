"""Serving the sandbox over real HTTP: in the caller's event loop (tests, demo) or as a process.

The serving itself is bot/runtime/asgi.py's, shared with the webhook server and the fake
Telegram server: uvicorn leaves logging alone and writes no access log (the vendor's query
strings carry Aadhaar numbers and OTPs).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.clock import Clock, SystemClock
from bot.runtime import asgi
from bot.runtime.asgi import serving
from bot.sandbox.config import SandboxConfig
from bot.sandbox.routes import create_sandbox_app

__all__ = ["running_sandbox", "serve_forever", "serving"]


@asynccontextmanager
async def running_sandbox(
    config: SandboxConfig | None = None,
    clock: Clock | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> AsyncIterator[str]:
    """A fresh sandbox on loopback: ``async with running_sandbox(cfg, clock) as base_url``.

    ``port=0`` picks a free port. To also reach the :class:`~bot.sandbox.app.Sandbox` object,
    build the app with :func:`create_sandbox_app` and use :func:`serving`.
    """
    app = create_sandbox_app(config or SandboxConfig(), clock or SystemClock())
    async with serving(app, host, port) as base_url:
        yield base_url


def serve_forever(config: SandboxConfig, host: str, port: int) -> None:
    """Run the sandbox until SIGINT/SIGTERM (``python -m bot sandbox --port N``)."""
    asgi.serve_forever(create_sandbox_app(config, SystemClock()), host, port)
