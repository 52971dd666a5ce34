"""The vendor client's connections (bot/runtime/http_pool.py): small pools, opened only as
needed."""

from __future__ import annotations

import asyncio

import httpx

from bot.clock import SystemClock
from bot.runtime.http_pool import ShardedTransport
from bot.sandbox import SandboxConfig, running_sandbox


async def test_a_second_pool_opens_only_when_the_first_is_full() -> None:
    config = SandboxConfig(latency_ms=200)
    async with running_sandbox(config, SystemClock()) as url:
        transport = ShardedTransport(max_connections=4, shard_connections=2)
        async with httpx.AsyncClient(base_url=url, transport=transport) as client:
            first = await client.post("/v1/authorize", data={"client_id": "x"})
            assert transport.shards == 1  # one call at a time: one pool

            answers = await asyncio.gather(
                *(client.post("/v1/authorize", data={"client_id": "x"}) for _ in range(4))
            )
            assert transport.shards == 2  # four at once, two per pool
            assert {a.status_code for a in answers} == {first.status_code}
            assert all(a.content for a in answers)  # bodies were read in full
