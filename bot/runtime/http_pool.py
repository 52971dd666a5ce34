"""An HTTP transport for many requests in flight at once: several small httpx pools, not one big.

httpcore's connection pool scans every connection on each request and each response (and, for
idle ones, counts the idle ones again: quadratic), so its CPU cost per request grows with the
pool. With one pool of a thousand connections, a thousand users waiting on a 1 s vendor at once
spent more CPU in that scan than in everything else. Here each pool (a *shard*) holds at most
``SHARD_CONNECTIONS``; a request goes to the first shard with a free connection, and a new
shard is opened only when all are busy. A handful of users never opens a second shard.

Measured in a 200-user burst with a 1 s vendor (bench/README.md): httpx's default pool holds
100 connections, so the 101st call waited for a whole vendor round trip; shards of 64 spent a
quarter of the bot's CPU in that scan (32-38 ms per check), shards of 8 took 27 ms per check,
and 23 ms once they shared one TLS context.
"""

from __future__ import annotations

import ssl

import httpx

SHARD_CONNECTIONS = 8
# Idle connections are dropped before common servers drop them (uvicorn, and so the sandbox:
# 5 s): reusing one the server is closing at that moment fails a call that cannot be sent
# again (generate-otp may have reached UIDAI), seen as a few "no answer" in 1,000 checks.
KEEPALIVE_S = 4.0


class ShardedTransport(httpx.AsyncBaseTransport):
    """Up to ``max_connections`` connections, in shards of ``shard_connections``."""

    def __init__(
        self, max_connections: int = 1024, shard_connections: int = SHARD_CONNECTIONS
    ) -> None:
        if max_connections < 1 or shard_connections < 1:
            raise ValueError("connection counts must be positive")
        self._shard_connections = min(shard_connections, max_connections)
        self._max_shards = -(-max_connections // self._shard_connections)
        self._shards: list[httpx.AsyncHTTPTransport] = []
        self._in_flight: list[int] = []
        # One TLS context for all shards: making one loads the CA bundle (~10 ms of CPU).
        self._ssl: ssl.SSLContext | None = None

    def _pick(self) -> int:
        for index, busy in enumerate(self._in_flight):
            if busy < self._shard_connections:
                return index
        if len(self._shards) < self._max_shards:
            limits = httpx.Limits(
                max_connections=self._shard_connections,
                max_keepalive_connections=self._shard_connections,
                keepalive_expiry=KEEPALIVE_S,
            )
            if self._ssl is None:
                self._ssl = httpx.create_ssl_context()
            self._shards.append(httpx.AsyncHTTPTransport(limits=limits, verify=self._ssl))
            self._in_flight.append(0)
            return len(self._shards) - 1
        # All shards full: queue on the least busy one (its own pool makes the request wait).
        return min(range(len(self._shards)), key=self._in_flight.__getitem__)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        index = self._pick()
        self._in_flight[index] += 1
        try:
            response = await self._shards[index].handle_async_request(request)
            # The connection stays busy until the body is read: read it here, so that the
            # shard's count is right (vendor answers are small JSON).
            await response.aread()
        finally:
            self._in_flight[index] -= 1
        return response

    async def aclose(self) -> None:
        for shard in self._shards:
            await shard.aclose()
        self._shards.clear()
        self._in_flight.clear()

    @property
    def shards(self) -> int:
        return len(self._shards)
