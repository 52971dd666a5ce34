"""Serving an ASGI app with uvicorn inside our own event loop, and decoding request bodies.

Shared by the webhook server (bot/runtime/webhook.py), the vendor sandbox (bot/sandbox/) and the
fake Telegram server of the tests (testing/fake_telegram/), so that all three start, stop and read
requests the same way.

Serving (``start_serving``, ``serving``, ``serve_forever``):

- the listening socket is bound before uvicorn starts, so the port is known at once (``port=0``
  picks a free one), a bind failure is an ``OSError`` here, and no client races the start-up
  (connections wait in the backlog);
- uvicorn leaves logging alone (``log_config=None``: the bot's handlers and their redaction filter
  stay in charge) and writes no access log: access lines carry query strings, and the vendor's
  carry Aadhaar numbers and OTPs;
- stopping takes milliseconds, not uvicorn's 100 ms ticks and sleeps (a test suite starts
  hundreds of servers): ``Server.exit_now`` wakes its main loop, and its shutdown waits for the
  requests in flight themselves (bounded by ``grace_s``, then cancelled);
- signals stay with the host process unless the server owns it (``serve_forever``).

Decoding (``decode_form``, ``decode_json_object``): urlencoded and multipart/form-data bodies
(files included) with the standard library, so no python-multipart; a JSON body as an object.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.policy
import json
import re
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.types import ASGIApp

from bot.runtime.event_loop import event_loop_factory

LISTEN_BACKLOG = 2048
"""Room for a benchmark's burst of connections before the kernel refuses any."""
SHUTDOWN_GRACE_S = 5.0
"""How long a stopping server waits for the requests in flight before cancelling them."""


# ---- serving ---------------------------------------------------------------------------------


class Server(uvicorn.Server):
    """uvicorn, adapted to run inside someone else's event loop and to stop at once:

    - ``exit_now`` wakes the main loop instead of waiting for its next tick;
    - ``shutdown`` calls ``on_shutdown`` first (a server with long polls releases them there,
      else it would wait them out), then waits for the in-flight requests themselves, not in
      100 ms steps;
    - signals are left to the host process unless ``handle_signals``.
    """

    def __init__(
        self,
        config: uvicorn.Config,
        *,
        on_shutdown: Callable[[], None] | None = None,
        handle_signals: bool = False,
    ) -> None:
        super().__init__(config)
        self._on_shutdown = on_shutdown
        self._handle_signals = handle_signals
        self._wake = asyncio.Event()

    def exit_now(self) -> None:
        self.should_exit = True
        self._wake.set()

    async def main_loop(self) -> None:
        """uvicorn's loop (a tick every 100 ms: headers, signals), but wakeable."""
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.1):
                    await self._wake.wait()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if self._handle_signals:
            with super().capture_signals():
                yield
        else:
            yield

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """uvicorn's graceful shutdown, minus its fixed sleep and polling: stop accepting,
        close idle keep-alive connections, let the requests in flight answer (their
        connections close after the answer), cancel what is still running after
        ``timeout_graceful_shutdown``.

        After ``connection.shutdown()`` no connection starts another request, so the in-flight
        tasks seen here are all there are."""
        if self._on_shutdown is not None:
            self._on_shutdown()
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        if in_flight := list(self.server_state.tasks):
            _, late = await asyncio.wait(in_flight, timeout=self.config.timeout_graceful_shutdown)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
        for server in self.servers:
            await server.wait_closed()
        await asyncio.sleep(0)  # let the closed transports' connection_lost callbacks run
        await self.lifespan.shutdown()


def listen(host: str, port: int) -> socket.socket:
    """A listening socket, bound before uvicorn starts (see the module's docstring)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(LISTEN_BACKLOG)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


@dataclass
class Served:
    """A server running in this event loop: ``url`` is its root, ``stop()`` ends it."""

    server: Server
    task: asyncio.Task[None]
    host: str
    port: int

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def stop(self) -> None:
        self.server.exit_now()
        await self.task


def start_serving(
    app: ASGIApp,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    on_shutdown: Callable[[], None] | None = None,
    handle_signals: bool = False,
    grace_s: float = SHUTDOWN_GRACE_S,
    log_config: dict[str, Any] | None = None,
) -> Served:
    """Serve ``app`` in the running event loop until ``stop()``; ``port=0`` picks a free port.
    ``log_config`` is uvicorn's (``None``: leave logging alone)."""
    sock = listen(host, port)
    config = uvicorn.Config(
        app,
        backlog=LISTEN_BACKLOG,
        access_log=False,
        log_level="warning",
        log_config=log_config,
        lifespan="off",
        proxy_headers=False,  # one middleware less per request: none of ours reads the client
        timeout_graceful_shutdown=max(1, round(grace_s)),
    )
    config.load()
    server = Server(config, on_shutdown=on_shutdown, handle_signals=handle_signals)
    bound = int(sock.getsockname()[1])
    task = asyncio.create_task(server.serve(sockets=[sock]), name=f"asgi:{host}:{bound}")
    return Served(server, task, host, bound)


@contextlib.asynccontextmanager
async def serving(
    app: ASGIApp, host: str = "127.0.0.1", port: int = 0, *, grace_s: float = SHUTDOWN_GRACE_S
) -> AsyncIterator[str]:
    """``async with serving(app) as url``: ``app`` served in this event loop, stopped on exit."""
    served = start_serving(app, host, port, grace_s=grace_s)
    try:
        yield served.url
    finally:
        await served.stop()


def serve_forever(
    app: ASGIApp,
    host: str,
    port: int,
    *,
    ready: Callable[[Served], None] | None = None,
    on_shutdown: Callable[[], None] | None = None,
    grace_s: float = SHUTDOWN_GRACE_S,
    log_config: dict[str, Any] | None = None,
) -> None:
    """Serve ``app`` in this process until SIGINT/SIGTERM; ``ready`` is called once it
    listens. The other arguments are :func:`start_serving`'s."""

    async def main() -> None:
        served = start_serving(
            app,
            host,
            port,
            on_shutdown=on_shutdown,
            handle_signals=True,
            grace_s=grace_s,
            log_config=log_config,
        )
        if ready is not None:
            ready(served)
        await served.task  # ends when a signal makes uvicorn shut down

    with (
        contextlib.suppress(KeyboardInterrupt),
        asyncio.Runner(loop_factory=event_loop_factory()) as runner,
    ):
        runner.run(main())


# ---- decoding --------------------------------------------------------------------------------


class BodyError(ValueError):
    """A request body that cannot be what its content type says."""


@dataclass(frozen=True, slots=True)
class FormFile:
    """A file part of a multipart body, byte-exact."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Form:
    """The fields of a form body (the last value of a repeated name), and its file parts."""

    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, FormFile] = field(default_factory=dict)

    def texts(self) -> dict[str, str]:
        """Every part as text, file parts included (for a client that sends a value as a
        file, as ``httpx.post(files=...)`` does)."""
        as_text = {name: part.data.decode("utf-8", "replace") for name, part in self.files.items()}
        return {**self.fields, **as_text}


def media_type(content_type: str) -> str:
    """``multipart/form-data`` of ``multipart/form-data; boundary=…``, lower case."""
    return content_type.partition(";")[0].strip().lower()


def decode_form(content_type: str, body: bytes) -> Form:
    """An urlencoded or multipart/form-data body; any other body (JSON, none) has no fields.
    Text that is not UTF-8 is kept with replacement characters rather than refused."""
    kind = media_type(content_type)
    if kind == "application/x-www-form-urlencoded":
        return Form(dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)))
    if kind == "multipart/form-data":
        return _multipart(content_type, body)
    return Form()


def decode_json_object(body: bytes) -> dict[str, Any]:
    """A JSON body that must be an object (an empty body is ``{}``)."""
    try:
        decoded = json.loads(body or b"{}")
    except ValueError:
        raise BodyError("not JSON") from None
    if not isinstance(decoded, dict):
        raise BodyError("not a JSON object")
    return decoded


def _multipart(content_type: str, body: bytes) -> Form:
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    form = Form()
    if not message.is_multipart():
        return form
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_param("filename", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            continue
        name = _html5_unescape(name)
        if isinstance(filename, str):
            kind = part.get("content-type", "application/octet-stream")
            form.files[name] = FormFile(_html5_unescape(filename), str(kind), payload)
        else:
            form.fields[name] = payload.decode("utf-8", "replace")
    return form


def _html5_unescape(value: str) -> str:
    """Undoes the HTML5 escaping of a form's names (httpx writes ``"`` as %22, controls as %XX)."""
    return re.sub(r"%(22|[01][0-9A-F])", lambda m: chr(int(m[1], 16)), value)
