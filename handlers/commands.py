"""/start, /cancel, /help, /language — each works at every step.

(Which /start runs: handlers/start.py. /privacy and /forget, the citizen's rights:
handlers/rights.py.)
"""

from __future__ import annotations

from bot.check.outcomes import Outcome
from bot.check.state import Step
from handlers import access, language, outcomes, prompts
from handlers.turn import Turn


async def start(turn: Turn) -> None:
    """/start: a new check, always from the language picker (an open one is cancelled)."""
    await end_open_check(turn)
    await language.begin(turn)


async def end_open_check(turn: Turn) -> None:
    """Cancel the chat's open check, if any (a new one is about to start)."""
    if turn.state is not None:
        await turn.remove_buttons(turn.state.prompt_message_id)
        await turn.end_check(Outcome.CANCELLED)


async def cancel(turn: Turn) -> None:
    if turn.state is None:
        await turn.say("nothing-to-cancel")
        return
    await end_open_check(turn)
    await turn.say("cancelled", buttons=outcomes.again_buttons(turn, "start-again-button"))


async def help_(turn: Turn) -> None:
    """How a check works, and for staff the commands of their role."""
    role = await access.role_of(turn.services, turn.user_id)
    await turn.say("help-text", *access.HELP_KEYS[role])
    if turn.state is not None and turn.state.step is not Step.LANGUAGE:
        await prompts.reprompt(turn)


async def change_language(turn: Turn) -> None:
    """/language: the picker, without losing the step the user is at."""
    await language.show_picker(turn)
