"""Step 3 — the Aadhaar number: deleted first, validated locally, never echoed, held only in memory.

A local failure costs no paid vendor call and sends no SMS. A valid number is held in process
memory (``HeldNumbers``) until generate-otp; only its last four digits reach the store.
"""

from __future__ import annotations

from bot.check.machine import Event
from bot.check.vendor_policy import Call, rule
from bot.domain.aadhaar import AadhaarProblem, check_aadhaar, last_four, mask_last4
from bot.vendor.types import VendorError
from handlers import captcha, otp, outcomes
from handlers.turn import Turn

PROBLEM_KEYS: dict[AadhaarProblem, str] = {
    AadhaarProblem.NOT_DIGITS: "aadhaar-not-digits",
    AadhaarProblem.WRONG_LENGTH: "aadhaar-wrong-length",
    AadhaarProblem.BAD_FIRST_DIGIT: "aadhaar-bad-first-digit",
    AadhaarProblem.PALINDROME: "aadhaar-palindrome",
    AadhaarProblem.BAD_CHECKSUM: "aadhaar-bad-checksum",
}


async def on_text(turn: Turn, text: str) -> None:
    """The user typed something at the Aadhaar step: delete it, then judge it."""
    deleted = await turn.delete_incoming()
    check = check_aadhaar(text)
    delete_warning = [] if deleted else ["aadhaar-delete-failed"]
    if check.number is None:
        assert check.problem is not None
        await turn.say(PROBLEM_KEYS[check.problem], *delete_warning, count=check.digit_count)
        return
    await accept(turn, check.number, delete_warning)


async def accept(
    turn: Turn, number: str, delete_warning: list[str], *, lead: str | None = None
) -> None:
    """A valid number (typed now, or kept while the citizen waited in line): on to the
    captcha, or straight to the OTP where the vendor asks for none. ``lead`` opens the
    captcha's caption (the waiting room's "your turn": one message, not two)."""
    assert turn.state is not None
    # Held unsaved until something is said or the captcha step saves it with its own changes
    # (one write, not two); the daily cap's end of the check logs it from memory.
    state = turn.state = turn.state.evolve(last4=last_four(number))
    if delete_warning:
        await turn.save(state)
        await turn.say(*delete_warning)
    if await otp.daily_cap_reached(turn):
        return
    if not turn.services.vendor.captcha_enabled:
        await turn.save(state)
        await otp.request_otp(turn, number, session_id=None, captcha_text=None)
        return
    try:
        async with turn.vendor_call("initiate-session"):
            session = await turn.services.vendor.initiate_session()
    except VendorError as exc:
        if not delete_warning:  # (else saved above)
            await turn.save(state)
        await outcomes.carry_out(turn, rule(Call.NUMBER, exc.outcome), exc)
        return
    turn.services.held.hold(turn.chat_id, state.check_id, number)
    received = turn.t("aadhaar-received", masked=mask_last4(state.last4 or ""))
    intro = f"{lead}\n\n{received}" if lead else received
    await captcha.show(turn, session, Event.VALID_NUMBER, intro=intro)
