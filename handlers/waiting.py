"""The waiting room as the citizen sees it (bot/capacity/waiting_room.py decides who goes when).

After "I agree", a citizen who cannot start at once is told their place in line and an honest
estimate, before being asked for their number; that message is edited (not repeated) as the line
moves, and carries a "Leave the line" button (``/cancel`` works too). A number typed while
waiting is deleted at once as always and held in memory for the turn, so nobody types it twice
(after a restart it is gone, and the turn asks for it). When the turn comes the bot messages
them (a new message: an edit would not notify) and the check goes on. A citizen called who
does not answer within ``WAITING_ROOM_NO_SHOW_S`` loses the turn, is told, and may rejoin at
the back. When the plan's daily budget is spent, a citizen who starts is told at once, before
consent, when checks resume.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import TypeHandler

from bot.capacity.waiting_room import NO_SHOW, TURN, RoomCall, WaitingRoom, worker_activity
from bot.check.machine import Event
from bot.check.outcomes import Outcome
from bot.check.state import FlowState, Mode, Step
from bot.domain.aadhaar import check_aadhaar, looks_like_aadhaar
from bot.domain.waiting import Standing
from bot.runtime.leader import Leadership
from bot.runtime.services import BotContext, SeedingApplication
from bot.store.base import LineEntry
from handlers import aadhaar, outcomes
from handlers.callbacks import Action, encode
from handlers.turn import Turn

log = logging.getLogger(__name__)

TURN_SAVED_WITHIN = timedelta(seconds=30)


def _room(turn: Turn) -> WaitingRoom | None:
    room = turn.services.waiting
    return room if room is not None and room.limited else None


def place_text(t: Callable[..., str], standing: Standing) -> str:
    """The place message's text; ``t`` translates in the citizen's language."""
    return t("waiting-place", place=standing.place, minutes=standing.minutes)


async def stats_line(turn: Turn) -> str:
    """For /stats: today's vendor budget left and the line now ("" when the plan is open)."""
    room = _room(turn)
    if room is None or room.capacity.checks_per_day is None:
        return ""
    await room.resumes_at()  # counts today's admissions
    line = sum(e.called_at is None for e in await turn.services.store.line(room.lane))
    return "\n\n" + turn.t("waiting-stats", left=room.budget or 0, waiting=line)


# ---------------------------------------------------------------- arriving
async def budget_spent(turn: Turn) -> bool:
    """At the start of a check, before consent: if today's vendor budget is spent, say when
    checks resume and start nothing."""
    room = _room(turn)
    if room is None:
        return False
    resumes = await room.resumes_at()
    if resumes is None:
        return False
    when = turn.services.translator.format_datetime(turn.language, resumes)
    await turn.say("waiting-budget-spent", time=when)
    return True


async def wait_in_line(turn: Turn) -> bool:
    """Consent is given: start now if the plan allows, else take a place in line and say so
    (True: the check waits; the caller asks for no number)."""
    room = _room(turn)
    state = turn.state
    if room is None or state is None:
        return False
    if await room.admit_now(turn.chat_id, assisted=state.mode is Mode.ASSISTED):
        return False
    await _join(turn, room, intro=("consent-recorded",))
    return True


async def _join(turn: Turn, room: WaitingRoom, intro: tuple[str, ...] = ()) -> None:
    state = turn.state
    assert state is not None
    notes = state.notes.evolve(missed=False, in_line=True)
    event = Event.REJOIN if state.step is Step.WAITING else Event.LINE_BUSY
    await turn.go(event, notes=notes, prompt_message_id=None)
    await turn.services.store.join_line(
        LineEntry(
            chat_id=turn.chat_id,
            user_id=state.user_id,
            check_id=state.check_id,
            lane=room.lane_of(turn.chat_id),
            priority=room.priority(state.mode is Mode.ASSISTED),
            language=turn.language,
            joined_at=turn.now,
        )
    )
    standing = await room.standing_of(turn.chat_id) or Standing(1, 0)
    text = "\n\n".join([*(turn.t(key) for key in intro), place_text(turn.t, standing)])
    message = await turn.send(text, [[turn.button("waiting-leave-button", Action.LEAVE_LINE)]])
    room.showed(turn.chat_id, standing)
    await turn.services.store.set_line_message(turn.chat_id, message.message_id)
    await turn.remember_prompt(message)


# ---------------------------------------------------------------- while waiting
async def on_text(turn: Turn, text: str) -> None:
    """Anything typed while waiting. A number is deleted at once and, if valid, kept in
    memory for the turn; anything else gets where they stand."""
    state = turn.state
    assert state is not None
    if state.notes.missed:
        if looks_like_aadhaar(text) and not await turn.delete_incoming():
            await turn.say("aadhaar-delete-failed")
        await _say_missed(turn)
        return
    if not looks_like_aadhaar(text):
        await turn.say("waiting-hint")
        return
    deleted = await turn.delete_incoming()
    warning = [] if deleted else ["aadhaar-delete-failed"]
    check = check_aadhaar(text)
    if check.number is None:
        assert check.problem is not None
        key = aadhaar.PROBLEM_KEYS[check.problem]
        await turn.say(key, *warning, "waiting-hint", count=check.digit_count)
        return
    turn.services.held.hold(
        turn.chat_id, state.check_id, check.number, ttl=turn.services.limits.waiting_expiry
    )
    await turn.say("waiting-number-kept", *warning)


async def on_leave(turn: Turn) -> None:
    """The "Leave the line" button (``/cancel`` does the same)."""
    await turn.answer_callback()
    state = turn.state
    assert state is not None
    await turn.remove_buttons(state.prompt_message_id)
    await turn.end_check(Outcome.LEFT_LINE)
    await turn.say("waiting-left", buttons=outcomes.again_buttons(turn, "start-again-button"))


async def on_rejoin(turn: Turn) -> None:
    """ "Join the line again", after a missed turn: at the back."""
    await turn.answer_callback()
    room = _room(turn)
    state = turn.state
    assert state is not None
    await turn.remove_buttons(state.prompt_message_id)
    if room is None:  # no line any more (the plan changed): straight on
        await turn.go(Event.LINE_GONE, prompt_message_id=None)
        await turn.say("aadhaar-prompt")
        return
    await _join(turn, room)


async def leave_line(turn: Turn) -> None:
    """The check ends (cancelled, a new /start, expired…): give up its place, if it had one."""
    state = turn.state
    if state is not None and state.notes.in_line:
        await turn.services.store.leave_line(turn.chat_id)


async def _say_missed(turn: Turn) -> None:
    minutes = max(1, turn.services.settings.waiting_room_no_show_s // 60)
    message = await turn.say(
        "waiting-no-show",
        minutes=minutes,
        buttons=[[turn.button("waiting-rejoin-button", Action.REJOIN)]],
    )
    await turn.remember_prompt(message)


# ---------------------------------------------------------------- the room's calls
async def on_room_call(update: RoomCall, context: BotContext) -> None:
    """A turn, or a missed one, in the chat's order (bot/capacity/waiting_room.py)."""
    turn = await Turn.load(update, context)
    state = turn.state
    store = turn.services.store
    if state is None or state.check_id != update.check_id:
        await store.leave_line(turn.chat_id)  # left meanwhile: nothing to say
        return
    if update.kind == TURN and state.step is Step.WAITING:
        await _your_turn(turn)
    elif update.kind == NO_SHOW:
        entry = await store.line_entry(turn.chat_id)
        called = entry.called_at if entry is not None else None
        if state.step is Step.AADHAAR and called is not None and _untouched(state, called):
            await _missed(turn)
        else:  # the check moved on after the turn: the place has served its purpose
            await store.leave_line(turn.chat_id)


def _untouched(state: FlowState, called: datetime) -> bool:
    """Nothing was saved since the turn was given: the save that gave it follows the call by
    the moment the call waits in the update queue, a citizen's answer by far more."""
    return state.updated_at <= called + TURN_SAVED_WITHIN


async def _your_turn(turn: Turn) -> None:
    state = turn.state
    assert state is not None
    await turn.remove_buttons(state.prompt_message_id)
    number = turn.services.held.get(turn.chat_id, state.check_id)
    await turn.go(Event.TURN, prompt_message_id=None)
    if number is None:
        await turn.say("waiting-turn", "aadhaar-prompt")
        return
    if not turn.services.vendor.captcha_enabled:
        await turn.say("waiting-turn")  # the OTP follows; its message says so
    await aadhaar.accept(turn, number, [], lead=turn.t("waiting-turn"))


async def _missed(turn: Turn) -> None:
    state = turn.state
    assert state is not None
    await turn.services.store.leave_line(turn.chat_id)
    turn.services.held.drop(turn.chat_id)
    await turn.go(Event.NO_SHOW, notes=state.notes.evolve(missed=True), prompt_message_id=None)
    await _say_missed(turn)


# ---------------------------------------------------------------- wiring
@contextlib.asynccontextmanager
async def serving(
    application: SeedingApplication, leadership: object, *, worker: bool
) -> AsyncIterator[None]:
    """Connect the room to this application and run its ticks while the bot runs."""
    services = application.services
    room = services.waiting
    if room is None or not room.limited:
        yield
        return

    async def call(kind: str, entry: LineEntry) -> None:
        await application.update_queue.put(RoomCall(kind, entry))

    async def announce(entry: LineEntry, standing: Standing) -> None:
        translator = services.translator
        if entry.message_id is None:
            return
        label = translator.t(entry.language, "waiting-leave-button")
        leave = encode(Action.LEAVE_LINE, entry.check_id)
        with contextlib.suppress(TelegramError):  # gone, or unchanged: the next tick says it
            await application.bot.edit_message_text(
                place_text(lambda key, **a: translator.t(entry.language, key, **a), standing),
                chat_id=entry.chat_id,
                message_id=entry.message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=InlineKeyboardMarkup(
                    [[InlineKeyboardButton(label, callback_data=leave)]]
                ),
            )

    room.call, room.announce = call, announce
    limiter = application.bot.rate_limiter
    backlog = getattr(limiter, "backlog_s", None)
    if backlog is not None:
        room.send_backlog = backlog
    if isinstance(leadership, Leadership):
        room.active = lambda: leadership.is_leader
    elif worker and services.settings.uses_postgres:
        seen, room.active = worker_activity(services.clock)

        async def note_update(_update: object, _context: object) -> None:
            seen()

        application.add_handler(TypeHandler(object, note_update), group=-1)
    async with room.ticking(services.settings.waiting_room_tick_s):
        yield
