"""The three processes of a benchmark run, and what the kernel says about the bot's.

The fake Telegram Bot API server (``python -m testing.fake_telegram``), the vendor sandbox and
the bot (``python -m bot …``) each run as their own process on loopback, as in production: the
bot is measured alone (its CPU time and RSS from ``/proc/<pid>/``), the fakes' costs stay out of
its figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from testing.fake_telegram import DEFAULT_TOKEN, FakeTelegramClient

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
CAPTCHA = "ABC123"  # SANDBOX_CAPTCHA_TEXT: the scripted users type it
SANDBOX_CREDENTIAL = "sandbox"
READY_WITHIN_S = 30.0
BENCH_WORKERS = 1


def free_port() -> int:
    """A port nobody listens on right now (the child binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the whole process (all threads), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the ")" closing the command name: state is field 3, utime 14 and stime 15 (1-based).
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_kib(pid: int) -> int:
    """Resident set size, from /proc/<pid>/statm (pages)."""
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KIB


def pss_kib(pid: int) -> int:
    """Proportional set size (each page shared by k processes counted 1/k in each), from
    /proc/<pid>/smaps_rollup; RSS where the kernel has no such file. Summed over a fan-out process
    and the workers forked from it, PSS counts their shared pages once, RSS once per process."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except FileNotFoundError:
        pass
    return rss_kib(pid)


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (a bot with BOT_WORKERS > 1 is a fan-out process and its
    workers), from /proc/<pid>/task/<tid>/children."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:  # the thread or process is gone
            continue
        for child in children:
            found.extend(process_tree(int(child)))
    return found


def tree_total(pid: int, measure: Callable[[int], float]) -> float:
    """``measure`` summed over the process and its descendants alive now."""
    total = 0.0
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            total += measure(member)
    return total


@dataclass
class Child:
    """One ``python -m …`` child process; its output goes to a log file."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    started_at: float  # time.time() just before it was spawned

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self, sig: signal.Signals = signal.SIGTERM, within_s: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(within_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


REPO_ROOT = Path(__file__).resolve().parent.parent


def spawn(
    name: str, args: list[str], env: Mapping[str, str], work_dir: Path, *, module: str = "bot"
) -> Child:
    """``python -m MODULE ARGS`` with ``env`` on top of ours, run in ``work_dir`` so that no
    developer's ``.env`` in the checkout leaks into the measured settings (the checkout is on
    PYTHONPATH: ``testing`` is not installed)."""
    log_path = work_dir / f"{name}.log"
    path = os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH")) if p)
    started = time.time()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            cwd=work_dir,
            env={**os.environ, "PYTHONPATH": path, **env},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return Child(name, process, log_path, started)


async def wait_listening(child: Child, port: int, within_s: float = READY_WITHIN_S) -> None:
    deadline = time.monotonic() + within_s
    while True:
        if child.process.poll() is not None:
            raise RuntimeError(f"{child.name} exited early:\n{child.log_tail()}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{child.name} not listening in {within_s} s") from None
            await asyncio.sleep(0.02)
        else:
            writer.close()
            await writer.wait_closed()
            return


@dataclass
class Rig:
    """The running processes of one benchmark run and the client that plays the users."""

    fake: Child
    sandbox: Child
    bot: Child
    telegram: FakeTelegramClient
    startup_s: float  # bot spawn to its first getUpdates, as the fake saw it
    sandbox_url: str = ""

    async def vendor_429s(self) -> int:
        """Calls the sandbox refused with 429 for the plan's limits so far (-1: a sandbox
        too old to count them)."""
        async with httpx.AsyncClient(base_url=self.sandbox_url) as client:
            answer = await client.get("/_sandbox/rate-limited")
        return int(answer.json()["rate_limited"]) if answer.status_code == 200 else -1

    def cpu(self) -> float:
        """The bot's CPU seconds so far, its workers' included (they live as long as it)."""
        return tree_total(self.bot.pid, cpu_seconds)

    def rss(self) -> int:
        """The bot's memory: the PSS of its process tree (its RSS when it is one process)."""
        return int(tree_total(self.bot.pid, pss_kib))


def bot_env(
    telegram_url: str, sandbox_url: str, database_url: str, extra: Mapping[str, str]
) -> dict[str, str]:
    """The bot's settings for a benchmark: no send limiter, no vendor pacing, the sandbox's
    credentials, and nothing read from a .env file of the working directory."""
    env = {
        "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
        "TELEGRAM_BASE_URL": f"{telegram_url}/bot",
        "TELEGRAM_SENDS_PER_SECOND": "0",
        "DEEPVUE_BASE_URL": sandbox_url,
        "DEEPVUE_CLIENT_ID": SANDBOX_CREDENTIAL,
        "DEEPVUE_CLIENT_SECRET": SANDBOX_CREDENTIAL,
        "DEEPVUE_PLAN": "unlimited",
        "DATABASE_URL": database_url,
        "OPERATOR_NAME": "Benchmark Test Bank",
        "GRIEVANCE_CONTACT": "grievance@bench.example",
        "DAILY_OTP_REQUESTS": "100",
        "LOG_LEVEL": "INFO",
        # One process: on these 2 cores, shared with the fakes, workers add throughput but
        # lengthen the latency tail (bench/README.md); --bot-env BOT_WORKERS=2 to compare.
        "BOT_WORKERS": str(BENCH_WORKERS),
    }
    env.update(extra)
    return env


@contextlib.asynccontextmanager
async def running_rig(
    work_dir: Path,
    *,
    latency_ms: int = 0,
    database_url: str | None = None,
    bot_settings: Mapping[str, str] | None = None,
    sandbox_plan: str = "unlimited",
) -> AsyncIterator[Rig]:
    """Start the fake Telegram, the sandbox and the bot; stop all three on exit."""
    fake_port, sandbox_port = free_port(), free_port()
    base = {"PYTHONUNBUFFERED": "1"}
    children: list[Child] = []
    try:
        fake_args = ["--port", str(fake_port)]
        fake = spawn("fake-telegram", fake_args, base, work_dir, module="testing.fake_telegram")
        children.append(fake)
        sandbox_env = {
            **base,
            "SANDBOX_LATENCY_MS": str(latency_ms),
            "SANDBOX_CAPTCHA_TEXT": CAPTCHA,
            "SANDBOX_PLAN": sandbox_plan,  # 429 over the plan's limits, as the vendor does
            "LOG_LEVEL": "WARNING",
        }
        sandbox = spawn("sandbox", ["sandbox", "--port", str(sandbox_port)], sandbox_env, work_dir)
        children.append(sandbox)
        await wait_listening(fake, fake_port)
        await wait_listening(sandbox, sandbox_port)
        telegram_url = f"http://127.0.0.1:{fake_port}"
        env = bot_env(
            telegram_url,
            f"http://127.0.0.1:{sandbox_port}",
            database_url or f"sqlite:///{work_dir / 'bot.db'}",
            {**base, **(bot_settings or {})},
        )
        bot = spawn("bot", ["run"], env, work_dir)
        children.append(bot)
        async with FakeTelegramClient(telegram_url) as telegram:
            first_poll = await _first_get_updates(telegram, bot)
            sandbox_url = f"http://127.0.0.1:{sandbox_port}"
            yield Rig(fake, sandbox, bot, telegram, first_poll - bot.started_at, sandbox_url)
    finally:
        for child in reversed(children):
            child.stop()


async def _first_get_updates(telegram: FakeTelegramClient, bot: Child) -> float:
    """The fake's wall-clock time of the bot's first getUpdates (the bot is then serving)."""
    deadline = time.monotonic() + READY_WITHIN_S
    while True:
        with contextlib.suppress(OSError, ValueError):
            calls = await telegram.calls("getUpdates")
            if calls:
                return float(calls[0]["at"])
        if bot.process.poll() is not None:
            raise RuntimeError(f"the bot exited during start-up:\n{bot.log_tail()}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"the bot did not poll in {READY_WITHIN_S} s:\n{bot.log_tail()}")
        await asyncio.sleep(0.01)
