"""What each step asks for, said again: after /language, /help, a stale button or a replayed
update. The hints themselves are the machine's (bot/check/machine.py: ``HINTS``)."""

from __future__ import annotations

from bot.check.machine import HINTS
from bot.check.state import Step
from handlers import consent, language
from handlers.turn import Turn


async def reprompt(turn: Turn) -> None:
    """Repeat the current step's question in the (possibly new) language."""
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
        await turn.say(HINTS[state.step])
