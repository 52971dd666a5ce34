"""Serving the sandbox over real HTTP: in the caller's event loop (tests, demo) or as a process.

Both ways pass ``log_config=None`` so uvicorn leaves logging alone (the bot's handlers, with their
redaction filter, stay in charge) and ``access_log=False``, because access lines carry query
strings and the vendor's query strings carry Aadhaar numbers and OTPs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.applications import Starlette

from bot.clock import Clock, SystemClock
from bot.sandbox.app import create_sandbox_app
from bot.sandbox.config import SandboxConfig

LISTEN_BACKLOG = 2048
"""Room for a benchmark's burst of connections before the kernel refuses any."""
SHUTDOWN_GRACE_S = 5.0
"""How long a stopping sandbox waits for in-flight calls before cancelling them."""


def _uvicorn_config(app: Starlette, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="off",
        proxy_headers=False,  # one middleware less per call: the sandbox reads no client address
        access_log=False,
        log_config=None,
        log_level="warning",
        backlog=LISTEN_BACKLOG,
    )


@asynccontextmanager
async def serving(app: Starlette, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Serve ``app`` in the running event loop; yields its base URL.

    Drives uvicorn's ``startup`` directly (and stops it with :func:`_stop`) instead of
    ``serve()``: ``serve()`` would take over SIGINT/SIGTERM of the embedding process and poll
    for exit every 100 ms.
    """
    config = _uvicorn_config(app, host, port)
    config.load()
    server = uvicorn.Server(config)
    server.lifespan = config.lifespan_class(config)
    try:
        await server.startup()
    except SystemExit as exc:  # uvicorn exits the process when it cannot bind
        raise OSError(f"could not listen on {host}:{port}") from exc
    try:
        bound_port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://{host}:{bound_port}"
    finally:
        await _stop(server)


async def _stop(server: uvicorn.Server, grace_s: float = SHUTDOWN_GRACE_S) -> None:
    """uvicorn's graceful shutdown without its fixed 100 ms pause (a test suite starts hundreds
    of sandboxes): stop listening, close idle connections, let in-flight calls finish (bounded
    by ``grace_s``), then cancel what is left so no task outlives the sandbox.

    After ``connection.shutdown()`` no connection starts another call (an idle one is closed,
    a busy one closes after its response), so the in-flight tasks seen here are all there are.
    """
    for listener in server.servers:
        listener.close()
    for connection in list(server.server_state.connections):
        connection.shutdown()
    in_flight = set(server.server_state.tasks)
    if in_flight:
        _, overdue = await asyncio.wait(in_flight, timeout=grace_s)
        for task in overdue:
            task.cancel()
        if overdue:
            await asyncio.wait(overdue)
    for listener in server.servers:
        await listener.wait_closed()


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
    app = create_sandbox_app(config, SystemClock())
    uvicorn.Server(_uvicorn_config(app, host, port)).run()
