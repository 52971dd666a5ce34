"""What each step asks for, said again: after /language, and in answer to unexpected input."""

from __future__ import annotations

from bot.check.state import Step
from handlers.turn import Turn

STEP_HINTS: dict[Step, str] = {
    Step.LANGUAGE: "hint-language",
    Step.CONSENT: "hint-consent",
    Step.WAITING: "waiting-hint",
    Step.AADHAAR: "hint-aadhaar",
    Step.CAPTCHA: "hint-captcha",
    Step.OTP: "hint-otp",
}


async def reprompt(turn: Turn) -> None:
    """Repeat the current step's question in the (possibly new) language."""
    from handlers import consent, language  # the steps import this module

    state = turn.state
    if state is None:
        await turn.say("idle-hint")
    elif state.step is Step.LANGUAGE:
        await language.show_picker(turn)
    elif state.step is Step.CONSENT:
        await turn.remove_buttons(state.prompt_message_id)
        await consent.show_notice(turn)
    elif state.step is Step.AADHAAR:
        await turn.say("aadhaar-prompt")
    else:
        await turn.say(STEP_HINTS[state.step])
