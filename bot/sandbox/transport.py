"""The in-process sandbox's transport: the network failures an ASGI app cannot produce.

``httpx.ASGITransport`` calls the sandbox app directly. There is no socket, so no connection can
be refused or time out, and httpx's timeouts (which socket reads enforce) never fire. This
wrapper adds both, so that the in-process vendor fails the way a remote one does:

- a connect fault queued on :class:`ConnectFaults` for an endpoint raises ``httpx.ConnectError``
  (connection refused) or ``httpx.ConnectTimeout`` before the sandbox sees the call, which is
  therefore not counted in ``Sandbox.calls``: it never arrived;
- the request's read timeout (the client's ``httpx.Timeout``) bounds the wait for the answer and
  raises ``httpx.ReadTimeout`` as a socket read would. The sandbox is cancelled mid-call, like a
  server whose client hung up (a delay fault longer than the timeout is how tests get one).

This emulates the network and says so (docs/reliability.md). A sandbox served over loopback
(``python -m bot sandbox``) has real sockets instead.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import StrEnum

import httpx
from starlette.types import ASGIApp


class ConnectFault(StrEnum):
    REFUSED = "refused"  # httpx.ConnectError, as from a closed port
    TIMEOUT = "timeout"  # httpx.ConnectTimeout, as from a host that drops the SYN


@dataclass(slots=True)
class _Queued:
    endpoint: str
    fault: ConnectFault
    times: int  # -1: until cleared


class ConnectFaults:
    """Connect failures to inject, per endpoint name (``"*"``: any), in the order added."""

    def __init__(self) -> None:
        self._queue: list[_Queued] = []

    def add(self, endpoint: str, fault: ConnectFault, *, times: int = 1) -> None:
        if times == 0 or times < -1:
            raise ValueError("times must be positive, or -1 for 'until cleared'")
        self._queue.append(_Queued(endpoint, fault, times))

    def clear(self) -> int:
        count = len(self._queue)
        self._queue.clear()
        return count

    def take(self, endpoint: str) -> ConnectFault | None:
        for index, queued in enumerate(self._queue):
            if queued.endpoint in (endpoint, "*"):
                if queued.times > 0:
                    queued.times -= 1
                    if queued.times == 0:
                        del self._queue[index]
                return queued.fault
        return None


class SandboxTransport(httpx.AsyncBaseTransport):
    """``httpx.ASGITransport`` to the sandbox app, plus connect faults and the read timeout."""

    def __init__(self, app: ASGIApp, faults: ConnectFaults) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self.faults = faults

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        # Every vendor endpoint's name is the last segment of its path.
        fault = self.faults.take(request.url.path.rsplit("/", 1)[-1])
        if fault is ConnectFault.REFUSED:
            raise httpx.ConnectError("[Errno 111] Connection refused (injected)", request=request)
        if fault is ConnectFault.TIMEOUT:
            raise httpx.ConnectTimeout("connect timed out (injected)", request=request)
        timeouts = request.extensions.get("timeout", {})
        try:
            async with asyncio.timeout(timeouts.get("read")):
                return await self._inner.handle_async_request(request)
        except TimeoutError:
            raise httpx.ReadTimeout("read timed out", request=request) from None

    async def aclose(self) -> None:
        await self._inner.aclose()
