"""The end-to-end scenarios: isolation, cost, memory and start-up, over real loopback HTTP.

Each run starts fresh processes (``bench.procs.running_rig``), warms the bot up with one check
(imports, connections, the vendor token), then measures.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.procs import Rig, running_rig
from bench.report import Report, percentile
from bench.users import Crowd, CrowdResult, Step

IDLE_SETTLE_S = 1.0
RSS_SAMPLE_S = 0.05


@dataclass
class Plan:
    """What to run and how big."""

    runs: int = 3
    sizes: tuple[int, ...] = (1, 50, 200, 1000)
    vendor_latency_ms: int = 1000
    checks: int = 2000
    concurrency: int = 200
    latency_users: int = 200
    think_s: tuple[float, float] = (1.0, 3.0)
    settle_s: float = IDLE_SETTLE_S  # before reading an "idle" RSS
    within_s: float = 300.0
    bot_settings: dict[str, str] = field(default_factory=dict)


@dataclass
class _Samples:
    startup_s: list[float] = field(default_factory=list)
    idle_kib: list[float] = field(default_factory=list)


class Scenarios:
    def __init__(self, plan: Plan, report: Report) -> None:
        self.plan = plan
        self.report = report
        self.samples = _Samples()
        self._next_chat = 10_000_000

    def _chats(self, count: int) -> int:
        first = self._next_chat
        self._next_chat += count + 1
        return first

    @contextlib.asynccontextmanager
    async def _rig(self, latency_ms: int) -> AsyncIterator[Rig]:
        with tempfile.TemporaryDirectory(prefix="seeding-bench-") as tmp:
            async with running_rig(
                Path(tmp), latency_ms=latency_ms, bot_settings=self.plan.bot_settings
            ) as rig:
                self.samples.startup_s.append(rig.startup_s)
                await asyncio.sleep(self.plan.settle_s)
                self.samples.idle_kib.append(rig.rss())
                await self._crowd(rig, 1, latency_ms)  # warm-up
                yield rig

    async def _crowd(
        self,
        rig: Rig,
        total: int,
        latency_ms: int,
        concurrency: int | None = None,
        think_s: tuple[float, float] | None = None,
    ) -> CrowdResult:
        crowd = Crowd(
            rig.telegram,
            first_chat=self._chats(total),
            total=total,
            concurrency=concurrency,
            vendor_latency_s=latency_ms / 1000,
            think_s=think_s,
        )
        result = await crowd.run(self.plan.within_s)
        failures = result.failures
        if len(failures) * 10 > total:  # a broken set-up, not a slow bot: stop here
            raise RuntimeError(
                f"{len(failures)} of {total} checks failed, e.g. {failures[:3]}\n"
                f"bot log:\n{rig.bot.log_tail()}"
            )
        if failures:
            self.report.notes.append(
                f"{len(failures)} of {total} checks ended in an error message, e.g. {failures[0]}"
            )
        return result

    async def isolation(self) -> None:
        """N users at once, each vendor call 1 s: time until all have their result."""
        latency = self.plan.vendor_latency_ms
        for size in self.plan.sizes:
            walls: list[float] = []
            p50: list[float] = []
            p99: list[float] = []
            per_user_kib: list[float] = []
            for _ in range(self.plan.runs):
                async with self._rig(latency) as rig:
                    before = rig.rss()
                    async with _peak_rss(rig) as peak:
                        result = await self._crowd(rig, size, latency)
                walls.append(result.wall_s)
                p50.append(percentile(result.latencies_s, 0.50) * 1000)
                p99.append(percentile(result.latencies_s, 0.99) * 1000)
                per_user_kib.append(max(peak[0] - before, 0) / size)
            key = f"isolation.{size}"
            name = f"isolation: {size} users in lock-step"
            self.report.add(f"{key}.wall_s", f"{name}, all done", "s", walls)
            self.report.add(f"{key}.p50_ms", f"{name}, update p50 (burst)", "ms", p50)
            self.report.add(f"{key}.p99_ms", f"{name}, update p99 (burst)", "ms", p99)
            if size == max(self.plan.sizes):
                self.report.add(
                    "memory.kib_per_user_in_flight",
                    f"memory: peak PSS per user, {size} users in lock-step",
                    "KiB",
                    per_user_kib,
                )
        one = "isolation.1.wall_s" if 1 in self.plan.sizes else None
        for size in self.plan.sizes:
            if one is not None and size != 1:
                self.report.derive(
                    f"isolation.{size}.ratio",
                    f"isolation: {size} users ÷ one user's time",
                    "×",
                    [f"isolation.{size}.wall_s", one],
                    lambda many, single: many / single,
                )

    async def memory(self) -> None:
        """Memory per user waiting mid-check: users stop at the captcha (shown, not yet typed:
        their number is held in memory), and the bot's memory is read once all are there.

        Read against a bot that already has a tenth as many users waiting, not an idle one:
        what the first users cost once (caches filled, connection pools grown, and, with
        workers, the pages they share with the dispatcher copied as they are first written)
        is not what each further user costs."""
        users = max(self.plan.sizes)
        per_user: list[float] = []
        for _ in range(self.plan.runs):
            async with self._rig(0) as rig:
                await self._waiting(rig, max(users // 10, 1))
                before = rig.rss()
                await self._waiting(rig, users)
                per_user.append(max(rig.rss() - before, 0) / users)
        self.report.add(
            "memory.kib_per_waiting_user",
            f"memory: PSS per user waiting mid-check ({users} at the captcha)",
            "KiB",
            per_user,
        )

    async def _waiting(self, rig: Rig, users: int) -> None:
        """``users`` new users, each stopped at the captcha; returns once the bot is settled."""
        first = self._chats(users)
        crowd = Crowd(rig.telegram, first_chat=first, total=users, stop_at=Step.CAPTCHA)
        await crowd.run(self.plan.within_s)
        await asyncio.sleep(self.plan.settle_s)

    async def latency(self) -> None:
        """Users who read and type (think times), each vendor call 1 s: how long the bot takes
        to answer one update, the vendor's latency taken off, with this many mid-check."""
        users, latency = self.plan.latency_users, self.plan.vendor_latency_ms
        p50: list[float] = []
        p99: list[float] = []
        for _ in range(self.plan.runs):
            async with self._rig(latency) as rig:
                result = await self._crowd(rig, users, latency, think_s=self.plan.think_s)
            p50.append(percentile(result.latencies_s, 0.50) * 1000)
            p99.append(percentile(result.latencies_s, 0.99) * 1000)
        low, high = self.plan.think_s
        name = f"latency: {users} users mid-check, typing {low:g}–{high:g} s"
        self.report.add(f"latency.{users}.p50_ms", f"{name}, update p50", "ms", p50)
        self.report.add(f"latency.{users}.p99_ms", f"{name}, update p99", "ms", p99)

    async def cost(self) -> None:
        """No added latency: bot CPU per check, throughput, per-update latency at saturation."""
        cpu_ms: list[float] = []
        rate: list[float] = []
        p50: list[float] = []
        p99: list[float] = []
        for _ in range(self.plan.runs):
            async with self._rig(0) as rig:
                before = rig.cpu()
                result = await self._crowd(rig, self.plan.checks, 0, self.plan.concurrency)
                used = rig.cpu() - before
            cpu_ms.append(used * 1000 / result.done)
            rate.append(result.done / result.wall_s if result.wall_s else 0.0)
            p50.append(percentile(result.latencies_s, 0.50) * 1000)
            p99.append(percentile(result.latencies_s, 0.99) * 1000)
        users = self.plan.concurrency
        self.report.add("cost.cpu_ms_per_check", "cost: bot CPU per completed check", "ms", cpu_ms)
        self.report.derive(
            "cost.checks_per_s_2_cores",
            "cost: checks/s the bot's CPU allows on 2 cores",
            "checks/s",
            ["cost.cpu_ms_per_check"],
            lambda ms: 2 * 1000 / ms,
        )
        self.report.add(
            "cost.checks_per_s",
            f"cost: checks/s measured ({users} users, fakes on the same 2 cores)",
            "checks/s",
            rate,
        )
        self.report.add("cost.p50_ms", f"cost: update p50 at saturation ({users} users)", "ms", p50)
        self.report.add("cost.p99_ms", f"cost: update p99 at saturation ({users} users)", "ms", p99)

    def startup(self) -> None:
        """Every rig started so far: spawn to first getUpdates, and idle memory after start-up."""
        samples = self.samples
        self.report.add("startup.s", "start-up: process start to first getUpdates", "s",
                        samples.startup_s)  # fmt: skip
        self.report.add(
            "memory.idle_mib",
            "memory: idle PSS after start-up (all processes)",
            "MiB",
            [kib / 1024 for kib in samples.idle_kib],
        )


@contextlib.asynccontextmanager
async def _peak_rss(rig: Rig) -> AsyncIterator[list[int]]:
    """Samples the bot's RSS while the block runs; yields a one-item list holding the peak."""
    peak = [rig.rss()]

    async def sample() -> None:
        while True:
            peak[0] = max(peak[0], rig.rss())
            await asyncio.sleep(RSS_SAMPLE_S)

    task = asyncio.create_task(sample())
    try:
        yield peak
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        peak[0] = max(peak[0], rig.rss())
