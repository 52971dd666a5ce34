"""/start, /cancel, /help, /privacy, /language, /forget — each works at every step."""

from __future__ import annotations

from bot.domain.flow import Step
from handlers import language, prompts
from handlers.callbacks import Action
from handlers.turn import Turn


async def start(turn: Turn) -> None:
    """/start: a new check, always from the language picker (an open one is cancelled)."""
    if turn.state is not None:
        await turn.remove_buttons(turn.state.prompt_message_id)
        await turn.end_check("cancelled")
    await language.begin(turn)


async def cancel(turn: Turn) -> None:
    if turn.state is None:
        await turn.say("nothing-to-cancel")
        return
    await turn.remove_buttons(turn.state.prompt_message_id)
    await turn.end_check("cancelled")
    await turn.say("cancelled", buttons=[[turn.button("start-again-button", Action.CHECK_AGAIN)]])


async def help_(turn: Turn) -> None:
    await turn.say("help-text")
    if turn.state is not None and turn.state.step is not Step.LANGUAGE:
        await prompts.reprompt(turn)


async def privacy(turn: Turn) -> None:
    settings = turn.services.settings
    await turn.say(
        "privacy-text",
        checkDays=settings.check_log_retention_days,
        consentDays=settings.consent_retention_days,
        grievance=settings.grievance_contact,
    )


async def change_language(turn: Turn) -> None:
    """/language: the picker, without losing the step the user is at."""
    await language.show_picker(turn)


async def forget(turn: Turn) -> None:
    """/forget (DPDP withdrawal and erasure): stop any check, delete the user's data, keep the
    consent records as proof, marked withdrawn."""
    if turn.state is not None:
        await turn.remove_buttons(turn.state.prompt_message_id)
    turn.services.held.drop(turn.chat_id)
    await turn.services.store.forget_user(turn.user_id, turn.chat_id, turn.now)
    turn.state = None
    await turn.say("forget-done")
