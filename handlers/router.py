"""The one place that maps Telegram updates to the machine's events and steps.

Flow state lives in the store (one row per chat), not in PTB's ConversationHandler, so a check
survives a restart and two instances can share it. Every update: load the chat's check, expire
it if it idled out, then hand the message or button to the module of the current step. What a
step does with a message it did not ask for is the machine's table (bot/check/machine.py:
``on_input``); which step a button belongs to is handlers/callbacks.py's ``ACTION_STEP``.

    /start ─► LANGUAGE ─pick─► CONSENT ─agree─► AADHAAR ─valid─► CAPTCHA ─right─► OTP ─► result
                                 └─no─► end        ▲  (no captcha step: straight to OTP) │
                                                   └─────────── Resend OTP ──────────────┘

docs/flow.md has the full state diagram (Mermaid), with every failure edge.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.capacity.waiting_room import RoomCall
from bot.check.machine import DELETE_EDITS, HINTS, Event, Input, Reaction, on_input
from bot.check.outcomes import Outcome
from bot.check.state import Step
from bot.domain.aadhaar import looks_like_aadhaar
from bot.runtime.services import BotContext
from handlers import (
    aadhaar,
    access,
    agents,
    assisted,
    captcha,
    commands,
    consent,
    history,
    language,
    number_guard,
    otp,
    outcomes,
    prompts,
    references,
    rights,
    start,
    stats,
    waiting,
)
from handlers.callbacks import (
    ACTION_STEP,
    ANY_TIME,
    BETWEEN_CHECKS,
    NO_CHECK,
    Action,
    Callback,
    decode,
)
from handlers.number_guard import delete_sensitive, number_text
from handlers.turn import Turn

log = logging.getLogger(__name__)

TurnHandler = Callable[[Turn], Awaitable[None]]
PRIVATE = filters.ChatType.PRIVATE

# Who may use which command: bot/domain/roles.py (checked in _command, for every command).
COMMANDS: dict[str, TurnHandler] = {
    "start": start.start,  # citizens check, staff choose whose check, invite links enrol
    "cancel": commands.cancel,
    "help": commands.help_,
    "privacy": rights.privacy,
    "language": commands.change_language,
    "forget": rights.forget,
    "history": history.show,
    "invite": agents.invite,
    "agents": agents.list_agents,
    "revoke": agents.revoke,
    "stats": stats.stats,
    "export": stats.export,
    "lookup": references.lookup,
    "erase": references.erase,
}


async def _load(update: Update, context: BotContext) -> Turn:
    """The update's turn; one applied to the check already (Telegram delivers it again when the
    process that handled it died before confirming it, bot/runtime/updates.py) stops here: the user
    may not have seen the answer, so the current step's question is asked again, nothing else."""
    turn = await Turn.load(update, context)
    if turn.replayed:
        log.info("update.replayed", extra={"update_id": update.update_id})
        await turn.answer_callback()
        await prompts.reprompt(turn)
        raise ApplicationHandlerStop
    return turn


def _command(
    name: str, handler: TurnHandler
) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    async def callback(update: Update, context: BotContext) -> None:
        turn = await _load(update, context)
        if await number_guard.refuse_command(turn, name):
            return
        if await access.allowed(turn, name):
            await handler(turn)

    callback.__doc__ = handler.__doc__
    return callback


async def _expired(turn: Turn) -> bool:
    """An idle check is over; say so once and forget it."""
    state = turn.state
    if state is None or state.expires_at > turn.now:
        return False
    await turn.remove_buttons(state.prompt_message_id)
    await turn.end_check(Outcome.EXPIRED)
    await turn.say("check-expired", buttons=outcomes.again_buttons(turn, "start-again-button"))
    return True


async def on_message(update: Update, context: BotContext) -> None:
    """Any new message in a private chat that is not a command (forwarded ones too). A number
    in a caption or file name is read as if typed."""
    turn = await _load(update, context)
    message = update.effective_message
    assert message is not None
    number = number_text(message)
    text = message.text if message.text is not None else number
    state = turn.state
    if state is None:
        if number is not None:
            await delete_sensitive(turn, "number-outside-check", kept=("idle-hint",))
        else:
            await turn.say("idle-hint")
        return
    if await _expired(turn):
        if number is not None and not await turn.delete_incoming():
            await turn.say("aadhaar-delete-failed")
        return
    answer = on_input(state.step, _input_kind(text))
    if answer.reaction is Reaction.DELETE:  # typing a number is not consent, a photo may show one
        await delete_sensitive(turn, answer.key, kept=(answer.kept,))
    elif answer.reaction is Reaction.HINT or text is None:
        await turn.say(HINTS[state.step])
    elif answer.reaction is Reaction.NUMBER_AGAIN:
        # At the captcha a number is the number typed again (after a restart, or corrected):
        # deleted first like any, never sent to the vendor as a captcha.
        await aadhaar.on_text(turn, text)
    else:
        await STEP_TEXT[state.step](turn, text)


def _input_kind(text: str | None) -> Input:
    if text is None:
        return Input.MEDIA
    return Input.NUMBER if looks_like_aadhaar(text) else Input.TEXT


# The step's own reader of what the user typed (the machine's Reaction.STEP).
STEP_TEXT: dict[Step, Callable[[Turn, str], Awaitable[None]]] = {
    Step.WAITING: waiting.on_text,
    Step.AADHAAR: aadhaar.on_text,
    Step.CAPTCHA: otp.on_captcha_text,
    Step.OTP: otp.on_text,
}


async def on_edited(update: Update, context: BotContext) -> None:
    """Edits are not answers; an edit that holds a number (or any edit at the number and OTP
    steps) is deleted all the same."""
    turn = await _load(update, context)
    sensitive = turn.state is not None and turn.state.step in DELETE_EDITS
    if sensitive or number_text(update.effective_message) is not None:
        await delete_sensitive(turn, "edited-ignored", kept=("edited-ignored",))
    else:
        await turn.say("edited-ignored")


async def on_callback(update: Update, context: BotContext) -> None:
    """An inline button. Stale, forged and garbage payloads all get "this step has passed"; a
    button of the open check whose step has passed also gets that step's question again (after
    a restart, or a double tap, the user may still hold one)."""
    query = update.callback_query
    assert query is not None
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:  # our buttons live in private chats only
        with contextlib.suppress(TelegramError):
            await query.answer()
        return
    turn = await _load(update, context)
    callback = decode(query.data)
    if callback is None or not _is_current(turn, callback):
        await turn.answer_callback("stale-button")
        if callback is not None and _of_open_check(turn, callback) and not await _expired(turn):
            await prompts.reprompt(turn)
        return
    if await _expired(turn):
        await turn.answer_callback()
        return
    await _dispatch_button(turn, callback)


def _of_open_check(turn: Turn, callback: Callback) -> bool:
    state = turn.state
    return state is not None and callback.check_id == state.check_id and _own(turn)


def _own(turn: Turn) -> bool:
    """The tap is the chat's own user's, and so is the open check. In a private chat the user
    is the chat: another user's tap can only be a forged update."""
    owner = turn.state.user_id if turn.state else turn.chat_id
    return turn.user_id == turn.chat_id == owner


def _is_current(turn: Turn, callback: Callback) -> bool:
    state = turn.state
    if not _own(turn):
        return False
    if callback.action in ANY_TIME:
        return callback.check_id == NO_CHECK
    if callback.action in BETWEEN_CHECKS:
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
        await language.on_pick(turn, callback.arg, reprompt=prompts.reprompt)
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
        await language.begin(turn, Event.CHECK_AGAIN)
    elif action in (Action.ASSIST, Action.OWN_CHECK):
        await assisted.on_choice(turn, action)
    elif action is Action.NEXT_CUSTOMER:
        await assisted.next_customer(turn)
    elif action is Action.LEAVE_LINE:
        await waiting.on_leave(turn)
    elif action is Action.REJOIN:
        await waiting.on_rejoin(turn)
    elif action in ANY_TIME:
        await references.on_button(turn, action, callback.arg)


async def in_group(update: Update, context: BotContext) -> None:
    """Private chats only: a number typed in a group is seen by everyone."""
    turn = await _load(update, context)
    if number_text(update.effective_message) is not None:
        # Works only where the bot is an admin; try anyway.
        await delete_sensitive(turn, "group-refused", kept=("group-refused",))
    else:
        await turn.say("group-refused")


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(TypeHandler(RoomCall, waiting.on_room_call))  # the waiting room's
    for name, handler in COMMANDS.items():
        application.add_handler(CommandHandler(name, _command(name, handler), filters=PRIVATE))
    group_start = CommandHandler(list(COMMANDS), in_group, filters=~PRIVATE)
    application.add_handler(group_start)
    application.add_handler(
        MessageHandler(~PRIVATE & filters.UpdateType.MESSAGES & ~filters.COMMAND, _group_numbers)
    )
    application.add_handler(CallbackQueryHandler(on_callback))
    application.add_handler(MessageHandler(PRIVATE & filters.UpdateType.EDITED_MESSAGE, on_edited))
    application.add_handler(MessageHandler(PRIVATE & filters.UpdateType.MESSAGE, on_message))


async def _group_numbers(update: Update, context: BotContext) -> None:
    """In a group, stay silent unless someone posts (or edits in) what looks like an Aadhaar
    number, in a text, a caption or a file name. Where the bot is an admin it sees every post."""
    if number_text(update.effective_message) is not None:
        await in_group(update, context)
