"""The vendor circuit breaker: its state machine, purely (a fake clock, no I/O), then the
wrapper around a vendor, then end to end (the user is told at once, and when to come back)."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from bot.check.outcomes import Outcome
from bot.check.state import Step
from bot.vendor.breaker import BreakerMachine, BreakerOpen, BreakerState, CircuitBreaker, Ticket
from bot.vendor.types import Captcha, OtpSent, SeedingResult, VendorError
from testing.clock import FakeClock
from testing.harness import ACTIVE, CAPTCHA, GOOD_OTP, en, running_harness

OPEN_FOR = timedelta(seconds=60)


def machine(clock: FakeClock, threshold: int = 3) -> BreakerMachine:
    return BreakerMachine(clock, failure_threshold=threshold, open_for=OPEN_FOR)


def fail(breaker: BreakerMachine, times: int = 1) -> None:
    for _ in range(times):
        breaker.record(breaker.admit(), failed=True)


# ------------------------------------------------------------------ the state machine


def test_closed_until_enough_failures_in_a_row() -> None:
    clock = FakeClock()
    breaker = machine(clock)
    fail(breaker, 2)
    breaker.record(breaker.admit(), failed=False)  # a success resets the count
    fail(breaker, 2)
    assert breaker.state is BreakerState.CLOSED and breaker.failures == 2
    fail(breaker)
    assert breaker.state is BreakerState.OPEN
    assert breaker.retry_at == clock.now() + OPEN_FOR


def test_open_refuses_with_the_time_to_come_back() -> None:
    clock = FakeClock()
    breaker = machine(clock)
    fail(breaker, 3)
    clock.advance(20)
    with pytest.raises(BreakerOpen) as refused:
        breaker.admit()
    assert refused.value.retry_after == 40
    assert refused.value.retry_at == breaker.retry_at


def test_one_probe_after_the_wait_closes_it() -> None:
    clock = FakeClock()
    breaker = machine(clock)
    fail(breaker, 3)
    clock.advance(60)
    probe = breaker.admit()
    assert probe.probe and breaker.state is BreakerState.HALF_OPEN
    with pytest.raises(BreakerOpen):  # only one probe at a time
        breaker.admit()
    breaker.record(probe, failed=False)
    assert breaker.state is BreakerState.CLOSED and breaker.failures == 0
    assert breaker.admit() == Ticket(probe=False)


def test_a_failed_probe_opens_it_again_for_the_whole_wait() -> None:
    clock = FakeClock()
    breaker = machine(clock)
    fail(breaker, 3)
    clock.advance(61)
    probe = breaker.admit()
    clock.advance(5)
    breaker.record(probe, failed=True)
    assert breaker.state is BreakerState.OPEN
    assert breaker.retry_at == clock.now() + OPEN_FOR


def test_late_results_of_calls_from_before_do_not_decide() -> None:
    clock = FakeClock()
    breaker = machine(clock, threshold=1)
    early = breaker.admit()  # started while closed, ends after the breaker opened
    fail(breaker)
    breaker.record(early, failed=False)
    assert breaker.state is BreakerState.OPEN
    clock.advance(60)
    probe = breaker.admit()
    breaker.record(early, failed=True)  # still not the probe
    assert breaker.state is BreakerState.HALF_OPEN
    breaker.record(probe, failed=False)
    assert breaker.state is BreakerState.CLOSED


def test_an_abandoned_probe_lets_the_next_call_probe() -> None:
    clock = FakeClock()
    breaker = machine(clock, threshold=1)
    fail(breaker)
    clock.advance(60)
    breaker.release(breaker.admit())
    assert breaker.state is BreakerState.OPEN
    assert breaker.admit().probe


def test_state_changes_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    breaker = machine(clock, threshold=1)
    with caplog.at_level(logging.INFO, logger="bot.vendor.breaker"):
        fail(breaker)
        clock.advance(60)
        breaker.record(breaker.admit(), failed=False)
    changes = [
        (r.levelname, r.__dict__["was"], r.__dict__["state"])
        for r in caplog.records
        if r.getMessage() == "vendor.breaker"
    ]
    assert changes == [
        ("WARNING", "closed", "open"),
        ("INFO", "open", "half_open"),
        ("INFO", "half_open", "closed"),
    ]


@pytest.mark.parametrize(
    ("threshold", "open_for"), [(0, OPEN_FOR), (1, timedelta(0)), (1, timedelta(seconds=-1))]
)
def test_nonsense_settings_are_refused(threshold: int, open_for: timedelta) -> None:
    with pytest.raises(ValueError):
        BreakerMachine(FakeClock(), failure_threshold=threshold, open_for=open_for)


# ------------------------------------------------------------------ the wrapper


class ScriptedVendor:
    """Answers initiate-session with the next scripted outcome (SUCCESS: a captcha)."""

    captcha_enabled = True

    def __init__(self, *outcomes: Outcome) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0

    async def initiate_session(self) -> Captcha:
        self.calls += 1
        outcome = self.outcomes.pop(0)
        if outcome is Outcome.SUCCESS:
            return Captcha("s", b"jpeg")
        raise VendorError(outcome, endpoint="initiate-session")

    async def reload_captcha(self, session_id: str) -> Captcha:
        raise NotImplementedError

    async def generate_otp(
        self, aadhaar_number: str, *, session_id: str | None, captcha: str | None
    ) -> OtpSent:
        raise NotImplementedError

    async def verify_otp(self, reference_id: str, otp: str) -> SeedingResult:
        raise NotImplementedError

    async def aclose(self) -> None:
        pass

    async def ping(self) -> None:
        pass


@pytest.mark.parametrize(
    ("outcome", "counts"),
    [
        (Outcome.UPSTREAM_UNAVAILABLE, True),
        (Outcome.NO_ANSWER, True),
        (Outcome.RATE_LIMITED, False),
        (Outcome.INVALID_CAPTCHA, False),
        (Outcome.CREDENTIALS_REJECTED, False),
        (Outcome.UNKNOWN, False),
    ],
)
async def test_only_an_absent_vendor_counts_as_a_failure(outcome: Outcome, counts: bool) -> None:
    inner = ScriptedVendor(outcome, outcome)
    breaker = CircuitBreaker(inner, machine(FakeClock(), threshold=2))
    for _ in range(2):
        with pytest.raises(VendorError):
            await breaker.initiate_session()
    assert breaker.state == ("open" if counts else "closed")


async def test_an_open_breaker_answers_at_once_without_calling() -> None:
    clock = FakeClock()
    inner = ScriptedVendor(Outcome.UPSTREAM_UNAVAILABLE, Outcome.SUCCESS)
    breaker = CircuitBreaker(inner, machine(clock, threshold=1))
    with pytest.raises(VendorError):
        await breaker.initiate_session()
    clock.advance(15)
    with pytest.raises(VendorError) as refused:
        await breaker.initiate_session()
    assert refused.value.outcome is Outcome.CIRCUIT_OPEN and refused.value.retry_after == 45
    assert inner.calls == 1
    assert not await breaker.ready()
    clock.advance(45)
    assert await breaker.initiate_session() == Captcha("s", b"jpeg")  # the probe
    assert breaker.state == "closed" and await breaker.ready()


# ------------------------------------------------------------------ end to end


@pytest.mark.parametrize(("opened_after", "back"), [(0, "12:02"), (15, "12:03")])
async def test_users_are_told_at_once_and_when_to_come_back(
    tmp_path: Path, opened_after: int, back: str
) -> None:
    async with running_harness(tmp_path, vendor_breaker_failures=2, vendor_breaker_open_s=120) as h:
        h.clock.advance(opened_after)  # the breaker opens at 12:00:00 (or 12:00:15) in India
        h.sandbox.add_fault("initiate-session", times=-1, status=500, json={"detail": "oops"})
        first, second, third = h.chat(), h.chat(), h.chat()
        for chat in (first, second):
            await chat.start_and_consent()
            assert en("error-upstream-unavailable") in (await chat.send(ACTIVE))[-1].text
        assert h.app.services.breaker is not None and h.app.services.breaker.state == "open"
        calls = h.sandbox.calls["initiate-session"]

        await third.start_and_consent()
        h.clock.advance(30)
        replies = await third.send(ACTIVE)
        # Open for 120 s: back at 12:02:00 in India, or at 12:02:15, shown rounded up to 12:03
        # (times are shown to the minute, and "after 12:02" would be too early).
        shown = f"15 Jan 2026, {back}\u202fpm"
        assert [m.text for m in replies] == [en("error-paused", time=shown)]
        assert h.sandbox.calls["initiate-session"] == calls, "not called while open"
        state = await h.app.services.store.get_flow(third.chat_id)
        assert state is not None and state.step is Step.AADHAAR

        h.sandbox.clear_faults()
        h.clock.advance(90)
        assert any(m.kind == "photo" for m in await third.send(ACTIVE)), "the probe went through"
        assert h.app.services.breaker.state == "closed"


async def test_an_open_breaker_keeps_the_otp_step(tmp_path: Path) -> None:
    async with running_harness(tmp_path, vendor_breaker_failures=1) as h:
        chat = h.chat("hi")
        await chat.start_and_consent("hi")
        await chat.send(ACTIVE)
        await chat.send(CAPTCHA)
        h.sandbox.add_fault("verify-otp", times=-1, status=503, json={"detail": "down"})
        await chat.send(GOOD_OTP)  # the failure that opens it
        replies = await chat.send(GOOD_OTP)
        [reply] = replies
        assert reply.text.startswith("आधार सेवा अभी उपलब्ध नहीं है।")
        assert "ओटीपी" in reply.text
        state = await h.app.services.store.get_flow(chat.chat_id)
        assert state is not None and state.step is Step.OTP
