"""The one place that maps Telegram updates to steps.

Flow state lives in the store (one row per chat), not in PTB's ConversationHandler, so a check
survives a restart and two instances can share it. Every update: load the chat's check, expire
it if it idled out, then hand the message or button to the module of the current step.

    /start ─► LANGUAGE ─pick─► CONSENT ─agree─► AADHAAR ─valid─► CAPTCHA ─right─► OTP ─► result
                                 └─no─► end        ▲  (no captcha step: straight to OTP) │
                                                   └─────────── Resend OTP ──────────────┘

docs/flow.md has the full state diagram (Mermaid), with every failure edge.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.domain.aadhaar import looks_like_aadhaar
from bot.domain.flow import Step
from bot.services import BotContext
from handlers import aadhaar, captcha, commands, consent, language, otp, prompts
from handlers.callbacks import ACTION_STEP, NO_CHECK, Action, Callback, decode
from handlers.turn import Turn

log = logging.getLogger(__name__)

TurnHandler = Callable[[Turn], Awaitable[None]]
PRIVATE = filters.ChatType.PRIVATE

COMMANDS: dict[str, TurnHandler] = {
    "start": commands.start,
    "cancel": commands.cancel,
    "help": commands.help_,
    "privacy": commands.privacy,
    "language": commands.change_language,
    "forget": commands.forget,
}


def _command(handler: TurnHandler) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    async def callback(update: Update, context: BotContext) -> None:
        turn = await Turn.load(update, context)
        await handler(turn)

    callback.__doc__ = handler.__doc__
    return callback


async def _expired(turn: Turn) -> bool:
    """An idle check is over; say so once and forget it."""
    state = turn.state
    if state is None or state.expires_at > turn.now:
        return False
    await turn.remove_buttons(state.prompt_message_id)
    await turn.end_check("expired")
    await turn.say(
        "check-expired", buttons=[[turn.button("start-again-button", Action.CHECK_AGAIN)]]
    )
    return True


async def on_message(update: Update, context: BotContext) -> None:
    """Any new message in a private chat that is not a command."""
    turn = await Turn.load(update, context)
    message = update.effective_message
    assert message is not None
    text = message.text
    state = turn.state
    if state is None:
        if text and looks_like_aadhaar(text):
            await turn.delete_incoming()
            await turn.say("number-outside-check")
        else:
            await turn.say("idle-hint")
        return
    if await _expired(turn):
        if text and looks_like_aadhaar(text):
            await turn.delete_incoming()
        return
    if text is not None:
        await _on_text(turn, state.step, text)
    else:
        await _on_other(turn, state.step)


async def _on_text(turn: Turn, step: Step, text: str) -> None:
    if step is Step.AADHAAR:
        await aadhaar.on_text(turn, text)
    elif step is Step.CAPTCHA:
        await captcha.on_text(turn, text)
    elif step is Step.OTP:
        await otp.on_text(turn, text)
    elif looks_like_aadhaar(text):  # typing a number is not consent
        await turn.delete_incoming()
        await turn.say("hint-consent-number" if step is Step.CONSENT else "number-outside-check")
    else:
        await turn.say(prompts.STEP_HINTS[step])


async def _on_other(turn: Turn, step: Step) -> None:
    """A sticker, photo, voice note, document… A photo at the Aadhaar or OTP step may show the
    card or the SMS: it is deleted like a typed number would be."""
    if step in (Step.AADHAAR, Step.OTP):
        await turn.delete_incoming()
        await turn.say("hint-aadhaar-media" if step is Step.AADHAAR else "hint-otp")
        return
    await turn.say(prompts.STEP_HINTS[step])


async def on_edited(update: Update, context: BotContext) -> None:
    """Edits are not answers; an edit that holds a number (or any edit at the number and OTP
    steps) is deleted all the same."""
    turn = await Turn.load(update, context)
    message = update.effective_message
    text = message.text if message else None
    sensitive = turn.state is not None and turn.state.step in (Step.AADHAAR, Step.OTP)
    if sensitive or (text and looks_like_aadhaar(text)):
        await turn.delete_incoming()
    await turn.say("edited-ignored")


async def on_callback(update: Update, context: BotContext) -> None:
    """An inline button. Stale, forged and garbage payloads all get "this step has passed"."""
    query = update.callback_query
    assert query is not None
    turn = await Turn.load(update, context)
    callback = decode(query.data)
    if callback is None or not _is_current(turn, callback):
        await turn.answer_callback("stale-button")
        return
    if await _expired(turn):
        await turn.answer_callback()
        return
    await _dispatch_button(turn, callback)


def _is_current(turn: Turn, callback: Callback) -> bool:
    state = turn.state
    if callback.action is Action.CHECK_AGAIN:
        return state is None
    if state is None:
        return callback.action is Action.LANGUAGE and callback.check_id == NO_CHECK
    if callback.check_id != state.check_id:
        return False
    expected = ACTION_STEP[callback.action]
    return expected is None or expected is state.step


async def _dispatch_button(turn: Turn, callback: Callback) -> None:
    action = callback.action
    if action is Action.LANGUAGE:
        await language.on_pick(turn, callback.arg)
    elif action is Action.AGREE:
        await consent.on_agree(turn)
    elif action is Action.DECLINE:
        await consent.on_decline(turn)
    elif action is Action.TOGGLE_ENGLISH:
        await consent.on_toggle_english(turn)
    elif action is Action.NEW_CAPTCHA:
        await captcha.on_new_captcha(turn)
    elif action is Action.RESEND_OTP:
        await otp.on_resend(turn)
    elif action is Action.CHECK_AGAIN:
        await turn.answer_callback()
        await language.begin(turn)


async def in_group(update: Update, context: BotContext) -> None:
    """Private chats only: a number typed in a group is seen by everyone."""
    turn = await Turn.load(update, context)
    message = update.effective_message
    if message is not None and message.text and looks_like_aadhaar(message.text):
        await turn.delete_incoming()  # works only where the bot is an admin; try anyway
    await turn.say("group-refused")


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    for name, handler in COMMANDS.items():
        application.add_handler(CommandHandler(name, _command(handler), filters=PRIVATE))
    group_start = CommandHandler(list(COMMANDS), in_group, filters=~PRIVATE)
    application.add_handler(group_start)
    application.add_handler(
        MessageHandler(
            ~PRIVATE & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, _group_numbers
        )
    )
    application.add_handler(CallbackQueryHandler(on_callback))
    application.add_handler(MessageHandler(PRIVATE & filters.UpdateType.EDITED_MESSAGE, on_edited))
    application.add_handler(MessageHandler(PRIVATE & filters.UpdateType.MESSAGE, on_message))


async def _group_numbers(update: Update, context: BotContext) -> None:
    """In a group, stay silent unless someone posts what looks like an Aadhaar number."""
    message = update.effective_message
    if message is not None and message.text and looks_like_aadhaar(message.text):
        await in_group(update, context)
