"""The step modules' decisions, without HTTP: a Turn around a recording bot double, a store in
memory and a scripted vendor (conftest.py). Each test runs in milliseconds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from bot.check.outcomes import Outcome
from bot.check.state import FlowState, Step
from bot.vendor.types import Captcha, OtpSent, SeedingResult, VendorError
from handlers import aadhaar, captcha, otp
from handlers.callbacks import Action
from testing.check_double import CHAT, CheckWorld

NUMBER = "234123412346"  # a test vector of python-stdnum, not a person's number
PICTURE = Captcha("sess-1", b"\xff\xd8jpeg")
MakeState = Callable[..., FlowState]


def at_captcha(world: CheckWorld, state_at: MakeState, **changes: Any) -> FlowState:
    state = state_at(Step.CAPTCHA, vendor_session_id="sess-1", **changes).evolve(
        notes=state_at(Step.CAPTCHA).notes.evolve(session_at=world.clock.now())
    )
    world.services.held.hold(CHAT, state.check_id, NUMBER)
    return state


def saved(world: CheckWorld) -> FlowState | None:
    return world.store.flows.get(CHAT)


def said_after_save(world: CheckWorld) -> bool:
    """Save before you speak: the step's new state is saved before the first message."""
    calls = world.bot.calls
    first = next(i for i, c in enumerate(calls) if c.method in ("send_message", "send_photo"))
    state = saved(world)
    return state is not None and any(
        c.method == "save_flow" and c.text == state.step.value for c in calls[:first]
    )


def fail(outcome: Outcome) -> VendorError:
    return VendorError(outcome, endpoint="generate-otp")


async def test_a_valid_number_is_deleted_held_and_the_captcha_shown(
    world: CheckWorld, state_at: MakeState
) -> None:
    world.vendor.script = [PICTURE]
    turn = world.turn(state_at(Step.AADHAAR), text=NUMBER)

    await aadhaar.on_text(turn, NUMBER)

    assert world.bot.methods()[0] == "delete_message"  # first of all
    assert world.vendor.calls == ["initiate-session"]
    state = saved(world)
    assert state is not None and state.step is Step.CAPTCHA and state.last4 == "2346"
    assert state.notes.session_at == world.clock.now()
    assert world.services.held.get(CHAT, state.check_id) == NUMBER
    assert world.bot.texts[-1] == "aadhaar-received\n\ncaptcha-prompt"
    assert said_after_save(world)


async def test_an_invalid_number_costs_no_vendor_call(
    world: CheckWorld, state_at: MakeState
) -> None:
    turn = world.turn(state_at(Step.AADHAAR), text="234123412345")

    await aadhaar.on_text(turn, "234123412345")

    assert world.vendor.calls == []
    assert world.bot.texts == ["aadhaar-bad-checksum"]
    assert saved(world) is None  # nothing to save: the step stays


async def test_a_wrong_captcha_gets_a_fresh_picture(world: CheckWorld, state_at: MakeState) -> None:
    world.vendor.script = [fail(Outcome.INVALID_CAPTCHA), PICTURE]
    turn = world.turn(at_captcha(world, state_at))

    await otp.on_captcha_text(turn, "AB12C")

    assert world.vendor.calls == ["generate-otp", "reload-captcha"]
    state = saved(world)
    assert state is not None and state.step is Step.CAPTCHA and state.wrong_captchas == 1
    assert world.bot.texts == ["captcha-wrong\n\ncaptcha-prompt"]
    assert said_after_save(world)


async def test_the_third_wrong_captcha_ends_the_check(
    world: CheckWorld, state_at: MakeState
) -> None:
    world.vendor.script = [fail(Outcome.INVALID_CAPTCHA)]
    turn = world.turn(at_captcha(world, state_at, wrong_captchas=2))

    await otp.on_captcha_text(turn, "AB12C")

    assert saved(world) is None  # the flow row is gone
    assert [r.outcome for r in world.store.log] == [Outcome.CAPTCHA_FAILED.value]
    assert world.bot.texts == ["captcha-too-many"]
    assert world.bot.sent[-1].buttons[0].startswith(f"{Action.CHECK_AGAIN.value}|")
    assert world.services.held.get(CHAT, "chk1") is None


async def test_no_answer_to_generate_otp_counts_and_retries(
    world: CheckWorld, state_at: MakeState
) -> None:
    world.vendor.script = [fail(Outcome.NO_ANSWER), PICTURE]
    turn = world.turn(at_captcha(world, state_at))

    await otp.on_captcha_text(turn, "AB12C")

    assert len(world.store.otp_requests) == 1  # an SMS may have gone: it counts
    state = saved(world)
    assert state is not None and state.generate_attempts == 1 and state.step is Step.CAPTCHA
    assert world.bot.texts == ["error-no-answer\n\ncaptcha-prompt"]


async def test_uidai_rejecting_the_number_asks_for_it_again(
    world: CheckWorld, state_at: MakeState
) -> None:
    world.vendor.script = [fail(Outcome.INVALID_AADHAAR)]
    turn = world.turn(at_captcha(world, state_at))

    await otp.on_captcha_text(turn, "AB12C")

    state = saved(world)
    assert state is not None and state.step is Step.AADHAAR and state.vendor_session_id is None
    assert world.services.held.get(CHAT, "chk1") is None
    assert world.bot.texts == ["error-invalid-aadhaar"]
    assert said_after_save(world)


async def test_a_number_lost_in_a_restart_is_asked_for(
    world: CheckWorld, state_at: MakeState
) -> None:
    state = at_captcha(world, state_at)
    world.services.held.drop(CHAT)

    await otp.on_captcha_text(world.turn(state), "AB12C")

    assert world.vendor.calls == []
    stored = saved(world)
    assert stored is not None and stored.step is Step.AADHAAR
    assert world.bot.texts == ["number-lost"]


async def test_the_otp_is_sent_and_the_number_dropped(
    world: CheckWorld, state_at: MakeState
) -> None:
    world.vendor.script = [OtpSent("ref-1")]
    turn = world.turn(at_captcha(world, state_at))

    await otp.on_captcha_text(turn, "AB12C")

    state = saved(world)
    assert state is not None and state.step is Step.OTP and state.reference_id == "ref-1"
    assert world.services.held.get(CHAT, "chk1") is None
    assert world.bot.texts == ["otp-sent"]
    assert world.bot.sent[-1].buttons[0].startswith(f"{Action.RESEND_OTP.value}|")


def at_otp(world: CheckWorld, state_at: MakeState, **changes: Any) -> FlowState:
    return state_at(Step.OTP, reference_id="ref-1", otp_sent_at=world.clock.now(), **changes)


async def test_a_wrong_otp_is_counted(world: CheckWorld, state_at: MakeState) -> None:
    world.vendor.script = [fail(Outcome.INVALID_OTP)]

    await otp.on_text(world.turn(at_otp(world, state_at), text="123456"), "123456")

    assert world.bot.methods()[0] == "delete_message"
    state = saved(world)
    assert state is not None and state.step is Step.OTP and state.wrong_otps == 1
    assert world.bot.texts == ["otp-wrong"]


async def test_the_third_wrong_otp_ends_the_check(world: CheckWorld, state_at: MakeState) -> None:
    world.vendor.script = [fail(Outcome.INVALID_OTP)]

    await otp.on_text(world.turn(at_otp(world, state_at, wrong_otps=2)), "123456")

    assert [r.outcome for r in world.store.log] == ["otp_failed"]
    assert world.bot.texts == ["otp-too-many"]


async def test_an_expired_otp_ends_without_a_vendor_call(
    world: CheckWorld, state_at: MakeState
) -> None:
    state = at_otp(world, state_at)
    world.clock.advance(600)

    await otp.on_text(world.turn(state), "123456")

    assert world.vendor.calls == []
    assert [r.outcome for r in world.store.log] == ["otp_expired"]
    assert world.bot.texts == ["otp-expired\n\notp-not-arriving"]


async def test_a_busy_vendor_keeps_the_otp(world: CheckWorld, state_at: MakeState) -> None:
    world.vendor.script = [fail(Outcome.UPSTREAM_UNAVAILABLE)]

    await otp.on_text(world.turn(at_otp(world, state_at)), "123456")

    assert world.store.log == [] and world.bot.texts == ["error-verify-retry"]


async def test_the_result_card_ends_the_check(world: CheckWorld, state_at: MakeState) -> None:
    world.vendor.script = [SeedingResult("J&K BANK", "Active", date(2024, 3, 1))]

    await otp.on_text(world.turn(at_otp(world, state_at)), "123456")

    assert saved(world) is None
    record = world.store.log[0]
    assert (record.outcome, record.bank_name, record.last4) == ("active", "J&K BANK", "2346")
    assert record.reference_sha256 is not None
    assert "result-status" in world.bot.texts[-1]


async def test_new_picture_button_reloads_within_the_session(
    world: CheckWorld, state_at: MakeState
) -> None:
    world.vendor.script = [PICTURE]

    await captcha.fresh(world.turn(at_captcha(world, state_at)), "captcha-fresh")

    assert world.vendor.calls == ["reload-captcha"]
    assert world.bot.texts == ["captcha-fresh\n\ncaptcha-prompt"]
    assert world.bot.methods()[-2:] == ["send_photo", "save_flow"]  # the prompt's id, noted
