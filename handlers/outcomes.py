"""What the user is told for each vendor outcome that is not a result, and what happens next."""

from __future__ import annotations

import math
from datetime import timedelta

from bot.check.outcomes import Outcome
from bot.check.state import Step
from bot.vendor.types import VendorError
from handlers import agent_view
from handlers.callbacks import Action
from handlers.turn import Buttons, Turn

FAILURE_KEYS: dict[Outcome, str] = {
    Outcome.INVALID_AADHAAR: "error-invalid-aadhaar",
    Outcome.MOBILE_NOT_LINKED: "error-mobile-not-linked",
    Outcome.UPSTREAM_UNAVAILABLE: "error-upstream-unavailable",
    Outcome.NO_ANSWER: "error-no-answer",
    Outcome.RATE_LIMITED: "error-rate-limited",
    Outcome.CREDENTIALS_REJECTED: "error-service",
    Outcome.UNKNOWN: "error-service",
    Outcome.OTP_EXPIRED: "otp-expired",
    Outcome.SESSION_EXPIRED: "captcha-session-expired",
}


def again_buttons(turn: Turn, key: str = "check-again-button") -> Buttons:
    """What a check's end offers: the same kind of check again. After a customer's check that
    is "Next customer" (a clean assisted check at once), in the agent's language."""
    if agent_view.is_assisted(turn):
        return [[agent_view.agent_button(turn, "assist-next-button", Action.NEXT_CUSTOMER)]]
    return [[turn.button(key, Action.CHECK_AGAIN)]]


async def report_failure(
    turn: Turn, outcome: Outcome, *, step: Step, final: bool = False, key: str | None = None
) -> None:
    """Tell the user what went wrong and what to do (``key``: instead of the outcome's own).

    Before the captcha (``step`` is AADHAAR) nothing is lost by staying: the user may simply send
    the number again later. From the captcha on, a failure that the user cannot fix ends the
    check (``final``); the check log records the outcome.
    """
    key = key or FAILURE_KEYS.get(outcome, "error-service")
    if outcome is Outcome.MOBILE_NOT_LINKED:
        final = True
    if not final and step is Step.AADHAAR:
        turn.services.held.drop(turn.chat_id)
        await turn.say(key)
        return
    if turn.state is not None:
        await turn.remove_buttons(turn.state.prompt_message_id)
    await turn.end_check(outcome)
    await turn.say(key, buttons=again_buttons(turn))


async def report_vendor_error(turn: Turn, error: VendorError, *, step: Step) -> None:
    """A captcha-step call failed (initiate-session, reload-captcha).

    No OTP is involved in those calls, so a call that got no answer is told as "not available":
    the no-answer message speaks of an OTP that may still arrive.
    """
    if error.outcome is Outcome.CIRCUIT_OPEN:
        await report_paused(turn, error)
        return
    key = FAILURE_KEYS[Outcome.UPSTREAM_UNAVAILABLE] if error.outcome is Outcome.NO_ANSWER else None
    await report_failure(turn, error.outcome, step=step, key=key)


async def report_paused(
    turn: Turn, error: VendorError, *also: str, key: str = "error-paused"
) -> None:
    """The circuit breaker refused the call: nothing was sent and the check stays where it is.
    Say when to come back, in India's time and the user's language."""
    exact = turn.now + timedelta(seconds=math.ceil(error.retry_after or 0))
    # Times are shown to the minute: round up, so that "after 12:02" is never too early.
    retry_at = exact.replace(second=0, microsecond=0)
    if retry_at < exact:
        retry_at += timedelta(minutes=1)
    when = turn.services.translator.format_datetime(turn.language, retry_at)
    await turn.say(key, *also, time=when)
