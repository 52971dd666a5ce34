"""A circuit breaker around the vendor: when UIDAI or NPCI (behind the vendor) are down, stop
calling, and tell users at once when to come back.

Why: each call into a dead upstream holds a user for up to the read timeout, or for three sends
with backoff, and adds load to a service that is already failing. After ``failure_threshold``
calls in a row found the vendor unavailable or silent, the breaker *opens*: calls fail at once
with ``Outcome.CIRCUIT_OPEN`` and the time to come back. Once ``open_for`` has passed, the next
call goes through as the single *probe* (half-open; calls meanwhile are still refused); the
probe's answer closes the breaker, or opens it for another ``open_for``.

Only ``UPSTREAM_UNAVAILABLE`` and ``NO_ANSWER`` count as failures: any other answer (a wrong
captcha, rate limited, bad credentials...) shows that the vendor is there. One call here is one
client call, the client's own retries included.

:class:`BreakerMachine` is the state machine: pure, its time from the injected clock, no I/O but
one log line per state change. :class:`CircuitBreaker` wraps a :class:`SeedingVendor` with it;
its ``state`` ("closed", "open", "half_open") is what metrics export.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol, TypeVar

from bot.check.outcomes import Outcome
from bot.clock import Clock
from bot.vendor.types import Captcha, OtpSent, SeedingResult, SeedingVendor, VendorError

log = logging.getLogger(__name__)

_T = TypeVar("_T")

FAILURES = frozenset({Outcome.UPSTREAM_UNAVAILABLE, Outcome.NO_ANSWER})


class BreakerState(StrEnum):
    CLOSED = "closed"  # calls go through; failures in a row are counted
    OPEN = "open"  # calls are refused until retry_at
    HALF_OPEN = "half_open"  # one probe call is out; the others are refused


@dataclass(frozen=True, slots=True)
class Ticket:
    """A call let through. Only the probe's result decides a half-open breaker."""

    probe: bool


class BreakerOpen(Exception):
    """The call was not let through; ``retry_at`` is when the breaker will let one through."""

    def __init__(self, retry_at: datetime, retry_after: float) -> None:
        super().__init__(f"vendor circuit open until {retry_at.isoformat()}")
        self.retry_at = retry_at
        self.retry_after = retry_after


class BreakerMachine:
    """The breaker's states and transitions, with no I/O (time from ``clock``)."""

    def __init__(self, clock: Clock, *, failure_threshold: int, open_for: timedelta) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if open_for <= timedelta(0):
            raise ValueError("open_for must be positive")
        self.clock = clock
        self.failure_threshold = failure_threshold
        self.open_for = open_for
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._retry_at: datetime | None = None

    @property
    def state(self) -> BreakerState:
        return self._state

    @property
    def failures(self) -> int:
        """Failures in a row while closed."""
        return self._failures

    @property
    def retry_at(self) -> datetime | None:
        """While open: when the probe may go; while half-open: when it may go again if the
        current probe fails. ``None`` while closed."""
        return self._retry_at

    def admit(self) -> Ticket:
        """Let a call through, or raise :class:`BreakerOpen`."""
        now = self.clock.now()
        if self._state is BreakerState.CLOSED:
            return Ticket(probe=False)
        assert self._retry_at is not None
        if self._state is BreakerState.OPEN and now >= self._retry_at:
            self._move(BreakerState.HALF_OPEN, retry_at=now + self.open_for)
            return Ticket(probe=True)
        retry_at = self._retry_at
        raise BreakerOpen(retry_at, max(0.0, (retry_at - now).total_seconds()))

    def record(self, ticket: Ticket, *, failed: bool) -> None:
        """The result of a call let through by :meth:`admit`."""
        if self._state is BreakerState.CLOSED:
            self._failures = self._failures + 1 if failed else 0
            if self._failures >= self.failure_threshold:
                self._open()
        elif self._state is BreakerState.HALF_OPEN and ticket.probe:
            if failed:
                self._open()
            else:
                self._failures = 0
                self._move(BreakerState.CLOSED, retry_at=None)
        # Otherwise a call that started before the breaker opened ends late: it decides
        # nothing (the probe does).

    def release(self, ticket: Ticket) -> None:
        """A call let through ended without a vendor answer (cancelled, or misuse that was never
        sent): a probe's place goes to the next call."""
        if ticket.probe and self._state is BreakerState.HALF_OPEN:
            self._move(BreakerState.OPEN, retry_at=self.clock.now())

    def _open(self) -> None:
        self._move(BreakerState.OPEN, retry_at=self.clock.now() + self.open_for)

    def _move(self, state: BreakerState, *, retry_at: datetime | None) -> None:
        was, self._state, self._retry_at = self._state, state, retry_at
        log.log(
            logging.WARNING if state is BreakerState.OPEN else logging.INFO,
            "vendor.breaker",
            extra={
                "state": state.value,
                "was": was.value,
                "failures": self._failures,
                "retry_at": retry_at.isoformat() if retry_at else None,
            },
        )


class PingableVendor(SeedingVendor, Protocol):
    async def ping(self) -> None:
        """Make sure the vendor takes our credentials (may authorize); raise VendorError."""


class CircuitBreaker:
    """A :class:`SeedingVendor` that stops calling ``inner`` while it keeps failing."""

    def __init__(self, inner: PingableVendor, machine: BreakerMachine) -> None:
        self.inner = inner
        self.machine = machine
        self.captcha_enabled = inner.captcha_enabled

    @property
    def state(self) -> str:
        """``"closed"``, ``"open"`` or ``"half_open"`` (for metrics)."""
        return self.machine.state.value

    async def initiate_session(self) -> Captcha:
        return await self._guarded("initiate-session", self.inner.initiate_session)

    async def reload_captcha(self, session_id: str) -> Captcha:
        return await self._guarded("reload-captcha", lambda: self.inner.reload_captcha(session_id))

    async def generate_otp(
        self, aadhaar_number: str, *, session_id: str | None, captcha: str | None
    ) -> OtpSent:
        return await self._guarded(
            "generate-otp",
            lambda: self.inner.generate_otp(aadhaar_number, session_id=session_id, captcha=captcha),
        )

    async def verify_otp(self, reference_id: str, otp: str) -> SeedingResult:
        return await self._guarded("verify-otp", lambda: self.inner.verify_otp(reference_id, otp))

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def ready(self) -> bool:
        """For /readyz: not open, and the vendor takes our credentials. Cheap: the client
        authorizes only when its cached token is stale, so probes do not hammer the vendor."""
        if self.machine.state is BreakerState.OPEN:
            return False
        try:
            await self.inner.ping()
        except VendorError:
            return False
        return True

    async def _guarded(self, endpoint: str, call: Callable[[], Awaitable[_T]]) -> _T:
        try:
            ticket = self.machine.admit()
        except BreakerOpen as refused:
            log.info(
                "vendor.refused",
                extra={"endpoint": endpoint, "retry_at": refused.retry_at.isoformat()},
            )
            raise VendorError(
                Outcome.CIRCUIT_OPEN, endpoint=endpoint, retry_after=refused.retry_after
            ) from None
        try:
            result = await call()
        except VendorError as error:
            self.machine.record(ticket, failed=error.outcome in FAILURES)
            raise
        except BaseException:
            self.machine.release(ticket)
            raise
        self.machine.record(ticket, failed=False)
        return result
