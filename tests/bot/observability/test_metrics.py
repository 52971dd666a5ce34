"""The Prometheus endpoint (METRICS_PORT): every documented metric is there and moves."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.runtime.concurrency import OffSlotVendor, PerChatUpdateProcessor, off_slot
from testing.harness import running_harness

README = Path(__file__).resolve().parent.parent.parent.parent / "README.md"
DOCUMENTED = (
    "seedingbot_checks_started_total",
    "seedingbot_checks_finished_total",
    "seedingbot_vendor_call_seconds",
    "seedingbot_update_seconds",
    "seedingbot_vendor_pacing_queue",
    "seedingbot_vendor_circuit_state",
    "seedingbot_leader",
    "seedingbot_updates_in_flight",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def _scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"http://127.0.0.1:{port}/metrics")
    assert response.status_code == 200
    return _samples(response.text)


async def test_a_check_shows_in_the_metrics(tmp_path: Path) -> None:
    port = _free_port()
    async with running_harness(tmp_path, metrics_port=port) as h:
        before = await _scrape(port)
        await h.chat().check()
        after = await _scrape(port)

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert delta("seedingbot_checks_started_total", mode="self") == 1
    assert delta("seedingbot_checks_finished_total", outcome="active") == 1
    for step in ("initiate-session", "generate-otp", "verify-otp"):
        assert delta("seedingbot_vendor_call_seconds_count", step=step, outcome="success") == 1
    assert delta("seedingbot_update_seconds_count") >= 6  # /start, 2 buttons, 3 texts
    assert after[("seedingbot_vendor_pacing_queue", ())] == 0
    assert after[("seedingbot_vendor_circuit_state", (("state", "closed"),))] == 1
    assert after[("seedingbot_vendor_circuit_state", (("state", "open"),))] == 0
    assert after[("seedingbot_leader", ())] == 1  # SQLite: the only instance
    names = {name for name, _ in after}
    for name in DOCUMENTED:
        assert any(n.startswith(name) for n in names), name


async def test_metrics_are_off_by_default_and_documented(tmp_path: Path) -> None:
    async with running_harness(tmp_path) as h:
        assert h.settings.metrics_port == 0
    readme = README.read_text()
    for name in DOCUMENTED:
        assert f"`{name}" in readme, f"README does not document {name}"


async def test_off_slot_lets_other_updates_run_while_one_waits() -> None:
    """With one running slot, an update waiting in ``off_slot`` does not block another."""
    import asyncio

    processor = PerChatUpdateProcessor(1)
    waiting = asyncio.Event()
    release = asyncio.Event()
    order: list[str] = []

    async def slow() -> None:
        async with off_slot():
            waiting.set()
            await release.wait()
        order.append("slow done")

    async def quick() -> None:
        order.append("quick done")
        release.set()

    first = asyncio.create_task(processor.do_process_update(object(), slow()))
    await waiting.wait()
    await asyncio.wait_for(processor.do_process_update(object(), quick()), timeout=2)
    await asyncio.wait_for(first, timeout=2)
    assert order == ["quick done", "slow done"]
    assert OffSlotVendor.__doc__  # the vendor wrapper exists for app.py to use
