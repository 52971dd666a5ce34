"""The end-to-end scenarios: isolation, cost, memory and start-up, over real loopback HTTP.

Each run starts fresh processes (``testing.procs.running_rig``), warms the bot up with one check
(imports, connections, the vendor token), then measures.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.report import Report, percentile
from bench.surge import capacity_bound_s
from bot.domain.waiting import CALLS_PER_CHECK
from bot.vendor.config import plan_limits
from testing.procs import Rig, running_rig
from testing.users import Crowd, CrowdResult, Stage

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
    surge_users: int = 60
    surge_plan: str = "business"


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
    async def _rig(self, latency_ms: int, vendor_plan: str | None = None) -> AsyncIterator[Rig]:
        """The three processes; with a ``vendor_plan``, the bot paces to it and the sandbox
        refuses with 429 what the vendor would on it (else: unlimited), and the bot keeps to
        Telegram's limit as in production (TELEGRAM_SENDS_PER_SECOND's default, 30): the surge
        is measured at the limits the world imposes."""
        settings = self.plan.bot_settings
        if vendor_plan is not None:
            settings = {"DEEPVUE_PLAN": vendor_plan, "TELEGRAM_SENDS_PER_SECOND": "30", **settings}
        with tempfile.TemporaryDirectory(prefix="seeding-bench-") as tmp:
            async with running_rig(
                Path(tmp),
                latency_ms=latency_ms,
                bot_settings=settings,
                sandbox_plan=vendor_plan or "unlimited",
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
        *,
        bounces_expected: bool = False,
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
        # A broken set-up, not a slow bot: stop here (unless bounces are what is measured).
        if len(failures) * 10 > total and not bounces_expected:
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
        workers, the pages they share with the fan-out process copied as they are first written)
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
        crowd = Crowd(rig.telegram, first_chat=first, total=users, stop_at=Stage.CAPTCHA)
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

    async def surge(self) -> None:
        """N citizens at once on a vendor plan (the waiting room's case): everyone served,
        the last result beside the plan's capacity bound, each action's first answer, vendor
        429s, and the Bot API requests each check cost. One run: the plan's per-minute
        window makes it long (about two minutes for 60 citizens on the business plan)."""
        users, plan = self.plan.surge_users, self.plan.surge_plan
        latency = self.plan.vendor_latency_ms
        async with self._rig(latency, vendor_plan=plan) as rig:
            before = len(await rig.telegram.calls())
            result = await self._crowd(rig, users, latency, bounces_expected=True)
            # Everything the bot asked of the Bot API for the checks (its polling aside).
            requests = [
                c for c in (await rig.telegram.calls())[before:] if c["method"] != "getUpdates"
            ]
            refused = await rig.vendor_429s()
        served = result.done
        bounced = sum("Too many people" in u.failure for u in result.users)
        sends = sum(c["method"] in ("sendMessage", "sendPhoto") for c in requests)
        in_line = [u for u in result.users if u.in_line]
        # The warm-up check's three calls count: they share the plan's first minute.
        calls = (users + 1) * CALLS_PER_CHECK
        bound = capacity_bound_s(calls, plan_limits(plan), latency / 1000)
        name = f"surge: {users} citizens at once, {plan} plan"
        checks = max(served, 1)
        figures = (
            ("served", "served", "checks", served),
            ("unserved", "not served", "citizens", users - served),
            ("bounced", "bounced after typing a number", "citizens", bounced),
            ("in_line", "told a place in line", "citizens", len(in_line)),
            ("last_result_s", "time until the last result", "s", result.wall_s),
            ("bound_s", f"capacity bound ({calls} calls at the plan's rate)", "s", bound),
            ("first_answer_p50_ms", "first answer to an action, p50", "ms",
             percentile(result.latencies_s, 0.50) * 1000),
            ("first_answer_p99_ms", "first answer to an action, p99", "ms",
             percentile(result.latencies_s, 0.99) * 1000),
            ("vendor_429", "vendor 429s", "calls", refused),
            ("messages_per_check", "messages sent per check", "messages", sends / checks),
            ("requests_per_check", "Bot API requests per check", "requests",
             len(requests) / checks),
            ("place_edits_per_check", "place messages edited per check", "edits",
             sum(c["method"] == "editMessageText" for c in requests) / checks),
        )  # fmt: skip
        for key, label, unit, value in figures:
            self.report.add(f"surge.{key}", f"{name}, {label}", unit, [value])
        self.report.derive(
            "surge.ratio",
            f"{name}, last result ÷ capacity bound",
            "×",
            ["surge.last_result_s", "surge.bound_s"],
            lambda got, least: got / least,
        )

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
