"""The router turns a message into the machine's input for the current step (no HTTP)."""

from __future__ import annotations

from collections.abc import Callable

from bot.check.state import FlowState, Step
from handlers import router
from testing.check_double import CHAT, CheckWorld

MakeState = Callable[..., FlowState]


async def test_a_number_at_consent_is_deleted_not_taken_as_consent(
    world: CheckWorld, state_at: MakeState
) -> None:
    world.store.flows[CHAT] = state_at(Step.CONSENT, consent_id=None)

    await router.on_message(world.update("my number is 2341 2341 2346"), world.context)

    assert world.bot.methods() == ["delete_message", "send_message"]
    assert world.bot.texts == ["hint-consent-number"]
    assert world.store.flows[CHAT].step is Step.CONSENT


async def test_a_caption_at_the_otp_step_is_deleted(world: CheckWorld, state_at: MakeState) -> None:
    world.store.flows[CHAT] = state_at(Step.OTP, reference_id="r", otp_sent_at=world.clock.now())
    world.vendor.script = []

    await router.on_message(world.update(caption="the SMS"), world.context)

    assert world.bot.methods() == ["delete_message", "send_message"]
    assert world.bot.texts == ["hint-otp"]


async def test_text_at_the_picker_gets_its_hint(world: CheckWorld, state_at: MakeState) -> None:
    world.store.flows[CHAT] = state_at(Step.LANGUAGE, consent_id=None)

    await router.on_message(world.update("hello"), world.context)

    assert world.bot.methods() == ["send_message"]
    assert world.bot.texts == ["hint-language"]


async def test_an_idle_check_expires_first(world: CheckWorld, state_at: MakeState) -> None:
    world.store.flows[CHAT] = state_at(Step.AADHAAR).evolve(expires_at=world.clock.now())

    await router.on_message(world.update("hello"), world.context)

    assert CHAT not in world.store.flows
    assert [r.outcome for r in world.store.log] == ["expired"]
    assert world.bot.texts == ["check-expired"]
