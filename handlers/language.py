"""Step 1 — the language picker: each language in its own script, a likely one first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Message

from bot.check.machine import Event
from bot.check.state import Step
from handlers import access, agent_view, consent, waiting
from handlers.callbacks import Action
from handlers.turn import Buttons, Turn

BUTTONS_PER_ROW = 2


def picker_buttons(turn: Turn) -> Buttons:
    translator = turn.services.translator
    user = turn.update.effective_user
    first = translator.pick_first(user.language_code if user else None)
    codes = list(translator.codes)
    for preferred in (first, turn.language if turn.state else None):
        if preferred in codes:
            codes.remove(preferred)
            codes.insert(0, preferred)
    buttons = [turn.button("language-name", Action.LANGUAGE, code) for code in codes]
    # language-name is rendered in the turn's language: use each language's own name instead.
    named = [
        (translator.t(code, "language-name"), data)
        for code, (_, data) in zip(codes, buttons, strict=True)
    ]
    return [named[i : i + BUTTONS_PER_ROW] for i in range(0, len(named), BUTTONS_PER_ROW)]


async def begin(turn: Turn, event: Event = Event.START) -> None:
    """Start a new check at the picker (whatever was open is cancelled by the caller)."""
    if await waiting.budget_spent(turn):  # nothing can be checked today: say so before consent
        return
    await turn.save(turn.new_state(event))
    await turn.remember_prompt(await show_picker(turn))


async def show_picker(turn: Turn) -> Message:
    # The prompt is shown in English and in the hinted language: the user has not chosen yet.
    text = turn.t("language-prompt")
    english = turn.services.translator.t("en", "language-prompt")
    if english != text:
        text = f"{text}\n{english}"
    return await turn.send(text, picker_buttons(turn))


async def on_pick(turn: Turn, code: str, *, reprompt: Callable[[Turn], Awaitable[None]]) -> None:
    """A language button: store the choice; at the picker step go on to the consent notice,
    at any other step stay where the user was and repeat that step's prompt (``reprompt``:
    handlers/prompts.py, which knows every step's question)."""
    if not turn.services.translator.has(code):
        await turn.answer_callback("stale-button")
        return
    turn.language = code
    if not agent_view.is_assisted(turn):  # a customer's language is not the agent's preference
        await turn.services.store.set_language(turn.chat_id, code)
        await access.refresh_staff_menu(turn)
    await turn.answer_callback("language-chosen", language=turn.t("language-name"))
    state = turn.state
    if state is None:
        await turn.say("language-chosen", "idle-hint", language=turn.t("language-name"))
    elif state.step is Step.LANGUAGE:
        turn.state = state.evolve(language=code)  # saved by show_notice, with the step: one write
        await consent.show_notice(turn)
    else:
        await turn.save(state.evolve(language=code))
        await reprompt(turn)
    # Last: if the process dies before the next prompt is out, the picker still works.
    message = turn.update.effective_message
    await turn.remove_buttons(message.message_id if message else None)
