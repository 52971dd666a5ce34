"""What the user is told for each vendor outcome that is not a result, and what happens next."""

from __future__ import annotations

from bot.domain.flow import Step
from bot.domain.outcomes import Outcome
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


def again_buttons(turn: Turn) -> Buttons:
    return [[turn.button("check-again-button", Action.CHECK_AGAIN)]]


async def report_failure(turn: Turn, outcome: Outcome, *, step: Step, final: bool = False) -> None:
    """Tell the user what went wrong and what to do.

    Before the captcha (``step`` is AADHAAR) nothing is lost by staying: the user may simply send
    the number again later. From the captcha on, a failure that the user cannot fix ends the
    check (``final``); the check log records the outcome.
    """
    key = FAILURE_KEYS.get(outcome, "error-service")
    if outcome is Outcome.MOBILE_NOT_LINKED:
        final = True
    if not final and step is Step.AADHAAR:
        turn.services.held.drop(turn.chat_id)
        await turn.say(key)
        return
    if turn.state is not None:
        await turn.remove_buttons(turn.state.prompt_message_id)
    await turn.end_check(outcome.value)
    await turn.say(key, buttons=again_buttons(turn))
