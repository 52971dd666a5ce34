"""Prometheus metrics: what an operator watches (README "Metrics" lists every name).

Cheap on the hot path: counters and histograms are plain increments (a few microseconds, no
I/O); values that already live somewhere (the pacer's queue, the circuit breaker's state,
leadership, updates in flight) are read only when Prometheus scrapes, by :class:`_Live`.
Counters and histograms live in this module's own registry, once per process, and count even
when no endpoint serves them (METRICS_PORT=0): the increment costs less than a check for it.

Labels are closed sets (steps, outcomes, modes), never a user, chat or number.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.check.outcomes import Outcome
from bot.vendor.types import Captcha, OtpSent, SeedingResult, SeedingVendor, VendorError

log = logging.getLogger(__name__)

_T = TypeVar("_T")

REGISTRY = CollectorRegistry(auto_describe=True)

CHECKS_STARTED = Counter(
    "seedingbot_checks_started",
    "Checks begun (a language picker shown for a new check), by mode (self, assisted).",
    ["mode"],
    registry=REGISTRY,
)
CHECKS_FINISHED = Counter(
    "seedingbot_checks_finished",
    "Checks ended, by outcome (active, inactive, not_seeded, otp_failed, expired, cancelled, "
    "vendor failures...).",
    ["outcome"],
    registry=REGISTRY,
)
VENDOR_SECONDS = Histogram(
    "seedingbot_vendor_call_seconds",
    "Vendor calls as a step sees them (retries and pacing included), by step and outcome.",
    ["step", "outcome"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 20, 30, 60),
    registry=REGISTRY,
)
UPDATE_SECONDS = Histogram(
    "seedingbot_update_seconds",
    "Handling of one update, from the bot taking it to its last answer (vendor waits included).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
    registry=REGISTRY,
)


WAITING_ADMISSIONS = Counter(
    "seedingbot_waiting_admissions",
    "Checks given their start by the waiting room (straight in, or their turn in line).",
    registry=REGISTRY,
)
WAITING_SECONDS = Histogram(
    "seedingbot_waiting_seconds",
    "How long a check waited in line for its turn (0 for those who went straight in).",
    buckets=(0, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600),
    registry=REGISTRY,
)


def admitted(waited_s: float) -> None:
    WAITING_ADMISSIONS.inc()
    WAITING_SECONDS.observe(waited_s)


def check_started(mode: str) -> None:
    CHECKS_STARTED.labels(mode).inc()


def check_finished(outcome: Outcome) -> None:
    CHECKS_FINISHED.labels(outcome.value).inc()


def update_handled(seconds: float) -> None:
    UPDATE_SECONDS.observe(seconds)


class MeteredVendor:
    """A :class:`SeedingVendor` that times each call into ``seedingbot_vendor_call_seconds``."""

    def __init__(self, inner: SeedingVendor) -> None:
        self.inner = inner
        self.captcha_enabled = inner.captcha_enabled

    async def initiate_session(self) -> Captcha:
        return await _timed("initiate-session", self.inner.initiate_session)

    async def reload_captcha(self, session_id: str) -> Captcha:
        return await _timed("reload-captcha", lambda: self.inner.reload_captcha(session_id))

    async def generate_otp(
        self, aadhaar_number: str, *, session_id: str | None, captcha: str | None
    ) -> OtpSent:
        return await _timed(
            "generate-otp",
            lambda: self.inner.generate_otp(aadhaar_number, session_id=session_id, captcha=captcha),
        )

    async def verify_otp(self, reference_id: str, otp: str) -> SeedingResult:
        return await _timed("verify-otp", lambda: self.inner.verify_otp(reference_id, otp))

    async def aclose(self) -> None:
        await self.inner.aclose()


async def _timed(step: str, call: Callable[[], Awaitable[_T]]) -> _T:
    started = time.perf_counter()
    outcome = "success"
    try:
        return await call()
    except VendorError as error:
        outcome = error.outcome.value
        raise
    finally:
        VENDOR_SECONDS.labels(step, outcome).observe(time.perf_counter() - started)


@dataclass
class LiveValues:
    """Where the scrape-time values come from (each optional: None leaves the metric out)."""

    pacing_queue: Callable[[], int] | None = None
    circuit_state: Callable[[], str] | None = None  # "closed", "open" or "half_open"
    leader: Callable[[], bool] | None = None
    updates_in_flight: Callable[[], int] | None = None
    waiting_line: Callable[[], int] | None = None
    budget_left: Callable[[], int | None] | None = None  # None: the plan has no daily limit


CIRCUIT_STATES = ("closed", "open", "half_open")


class _Live(Collector):
    def __init__(self, values: LiveValues) -> None:
        self.values = values

    def collect(self) -> Iterator[Metric]:
        v = self.values
        if v.pacing_queue is not None:
            yield _gauge(
                "seedingbot_vendor_pacing_queue",
                "Vendor calls waiting for the plan's rate limit right now.",
                v.pacing_queue(),
            )
        if v.circuit_state is not None:
            family = GaugeMetricFamily(
                "seedingbot_vendor_circuit_state",
                "The vendor circuit breaker: 1 for its current state (closed, open, half_open).",
                labels=["state"],
            )
            current = v.circuit_state()
            for state in CIRCUIT_STATES:
                family.add_metric([state], 1.0 if state == current else 0.0)
            yield family
        if v.leader is not None:
            yield _gauge(
                "seedingbot_leader",
                "1 while this instance takes updates (always, with SQLite); 0 on standby.",
                1.0 if v.leader() else 0.0,
            )
        if v.updates_in_flight is not None:
            yield _gauge(
                "seedingbot_updates_in_flight",
                "Updates taken and not yet fully handled (waiting on the vendor included).",
                v.updates_in_flight(),
            )
        if v.waiting_line is not None:
            yield _gauge(
                "seedingbot_waiting_line",
                "Citizens waiting in line for their turn (this process's lane).",
                v.waiting_line(),
            )
        if v.budget_left is not None and (left := v.budget_left()) is not None:
            yield _gauge(
                "seedingbot_vendor_budget_left",
                "Checks left in today's vendor budget (this process's share; India time).",
                left,
            )


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


@contextlib.contextmanager
def serving_metrics(port: int, host: str, values: LiveValues) -> Iterator[int | None]:
    """Serve ``/metrics`` on ``host:port`` while the block runs (port 0 from settings: off).
    Yields the port served on, or None when off."""
    if not port:
        yield None
        return
    live = _Live(values)
    REGISTRY.register(live)
    try:
        server, thread = start_http_server(port, addr=host, registry=REGISTRY)
    except BaseException:
        REGISTRY.unregister(live)
        raise
    log.info("metrics.serving", extra={"port": port})
    try:
        yield int(server.server_port)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        REGISTRY.unregister(live)
