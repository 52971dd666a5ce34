"""Step 5 — the OTP: generate (once per user action, never retried blindly), then verify.

The captcha's text, typed at the captcha step, is read here: it goes to generate-otp with the
number. What a failed call does is the vendor-outcome table (bot/check/vendor_policy.py).

The OTP message is deleted at once, checked against ``^\\d{6}$`` locally, and never stored.
Validity (10 minutes) is a stored timestamp, so it survives a restart.
"""

from __future__ import annotations

import math

from bot.check.machine import Event
from bot.check.outcomes import Outcome
from bot.check.state import Mode
from bot.check.vendor_policy import Call, Move, Rule, retry_end, rule
from bot.domain.aadhaar import mask_last4
from bot.domain.otp import parse_captcha, parse_otp
from bot.domain.policy import (
    captcha_session_expired,
    daily_otp_cap_reached,
    india_day_start,
    next_india_midnight,
    otp_expired,
    resend_unlocks_at,
)
from bot.vendor.types import VendorError
from handlers import captcha, outcomes, result
from handlers.callbacks import Action
from handlers.turn import Turn


async def daily_cap_reached(turn: Turn) -> bool:
    """At most N OTP requests per Telegram user per day (IST): no flooding a citizen's phone.

    Not for an agent's checks for customers: each is a different customer's number, and the
    agent's own daily cap on checks bounds them instead (handlers/assisted.py)."""
    if turn.state is not None and turn.state.mode is Mode.ASSISTED:
        return False
    now = turn.now
    count = await turn.services.store.count_otp_requests(turn.user_id, india_day_start(now))
    if not daily_otp_cap_reached(count, turn.services.limits):
        return False
    turn.services.held.drop(turn.chat_id)
    resets = next_india_midnight(now)
    await turn.end_check(Outcome.DAILY_CAP)
    await turn.say(
        "daily-cap-reached",
        limit=turn.services.limits.daily_otp_requests,
        time=turn.services.translator.format_datetime(turn.language, resets),
    )
    return True


async def _count_otp_request(turn: Turn) -> None:
    """Note an OTP request for the user's daily cap. A customer's OTP in an assisted check is
    not the agent's: counting it would use up the agent's own allowance (and /privacy would
    show it as theirs), while the agent's daily cap on checks already bounds those."""
    if turn.state is None or turn.state.mode is not Mode.ASSISTED:
        await turn.services.store.add_otp_request(turn.user_id, turn.now)


async def request_otp(
    turn: Turn, number: str, *, session_id: str | None, captcha_text: str | None
) -> None:
    state = turn.state
    assert state is not None
    try:
        async with turn.vendor_call("generate-otp"):
            sent = await turn.services.vendor.generate_otp(
                number, session_id=session_id, captcha=captcha_text
            )
    except VendorError as exc:
        enabled = turn.services.vendor.captcha_enabled
        found = rule(Call.GENERATE, exc.outcome, captcha_enabled=enabled)
        if found.counts_otp_request:  # it may have reached UIDAI and sent an SMS
            await _count_otp_request(turn)
        await _generate_failed(turn, found, exc)
        return
    turn.services.held.drop(turn.chat_id)  # generate-otp is done: the number is not needed again
    await turn.go(
        Event.OTP_SENT,
        reference_id=sent.reference_id,
        otp_sent_at=turn.now,
        vendor_session_id=None,
        wrong_otps=0,
    )
    await _count_otp_request(turn)
    await turn.remove_buttons(state.prompt_message_id)
    # Both warn against OTP fraud; the customer's says to tell it only to the agent with them.
    message = await turn.say(
        "otp-sent-assisted" if state.mode is Mode.ASSISTED else "otp-sent",
        masked=mask_last4(state.last4 or ""),
        buttons=[[turn.button("otp-resend-button", Action.RESEND_OTP)]],
    )
    await turn.remember_prompt(message)


async def _generate_failed(turn: Turn, found: Rule, error: VendorError) -> None:
    assert turn.state is not None
    if await outcomes.carry_out(turn, found, error):
        return
    if found.move is Move.WRONG_CAPTCHA:
        await captcha.on_wrong(turn)
    elif found.move is Move.FRESH_PICTURE:
        await captcha.fresh(turn, found.key)
    elif found.move is Move.RETRY_PICTURE:
        attempts = turn.state.generate_attempts + 1
        await turn.save(turn.state.evolve(generate_attempts=attempts))
        if attempts < turn.services.limits.max_generate_attempts:
            await captcha.fresh(turn, found.key)
            return
        await outcomes.carry_out(turn, retry_end(error.outcome), error)


async def on_captcha_text(turn: Turn, text: str) -> None:
    """The captcha's text, typed at the captcha step: with the held number, to generate-otp."""
    state = turn.state
    assert state is not None
    typed = parse_captcha(text)
    if typed is None:
        await turn.say("captcha-bad-format")
        return
    number = turn.services.held.get(turn.chat_id, state.check_id)
    if number is None:
        await turn.remove_buttons(state.prompt_message_id)
        await turn.go(Event.NUMBER_LOST, vendor_session_id=None, prompt_message_id=None)
        await turn.say("number-lost")
        return
    if state.vendor_session_id is None or captcha_session_expired(
        state, turn.now, turn.services.limits
    ):
        await captcha.fresh(turn, "captcha-session-expired")
        return
    await request_otp(turn, number, session_id=state.vendor_session_id, captcha_text=typed)


async def on_text(turn: Turn, text: str) -> None:
    """The user typed at the OTP step: delete it first, then check expiry, format, and verify."""
    state = turn.state
    assert state is not None
    deleted = await turn.delete_incoming()
    warning = [] if deleted else ["aadhaar-delete-failed"]
    limits = turn.services.limits
    if otp_expired(state, turn.now, limits):
        expired = ("otp-expired", *warning, "otp-not-arriving")
        await outcomes.end_with(turn, Outcome.OTP_EXPIRED, *expired)
        return
    code = parse_otp(text)
    if code is None or state.reference_id is None:
        await turn.say("otp-bad-format", *warning)
        return
    try:
        async with turn.vendor_call("verify-otp"):
            seeding = await turn.services.vendor.verify_otp(state.reference_id, code)
    except VendorError as exc:
        await _verify_failed(turn, exc, warning)
        return
    if warning:
        await turn.say(*warning)
    await turn.remove_buttons(state.prompt_message_id)
    await result.show(turn, seeding)


async def _verify_failed(turn: Turn, error: VendorError, warning: list[str]) -> None:
    state = turn.state
    assert state is not None
    found = rule(Call.VERIFY, error.outcome)
    if found.move is not Move.WRONG_OTP:
        await outcomes.carry_out(turn, found, error, *warning)
        return
    wrong = state.wrong_otps + 1
    limit = turn.services.limits.max_wrong_otps
    if wrong >= limit:
        await outcomes.end_with(turn, Outcome.OTP_FAILED, "otp-too-many", *warning)
        return
    await turn.go(Event.OTP_RETRY, wrong_otps=wrong)
    await turn.say(found.key, *warning, left=limit - wrong)


async def on_resend(turn: Turn) -> None:
    """ "Resend OTP": after the cooldown, and at most twice. A new OTP needs a new generate-otp,
    which needs the number — dropped after the first one — so the user types it again."""
    state = turn.state
    assert state is not None
    limits = turn.services.limits
    unlocks = resend_unlocks_at(state, limits)
    if unlocks is None:
        await turn.answer_callback("otp-resend-none-left", alert=True)
        return
    if turn.now < unlocks:
        seconds = math.ceil((unlocks - turn.now).total_seconds())
        await turn.answer_callback("otp-resend-wait", alert=True, seconds=seconds)
        return
    await turn.answer_callback()
    await turn.remove_buttons(state.prompt_message_id)
    await turn.go(
        Event.RESEND,
        resends=state.resends + 1,
        reference_id=None,
        otp_sent_at=None,
        prompt_message_id=None,  # its buttons are gone, and the next prompt has none
    )
    await turn.say("otp-resend-send-number", "otp-not-arriving")
