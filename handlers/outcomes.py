"""How a check's end is offered again, and the vendor-outcome moves every call shares: the
policy is a table (bot/check/vendor_policy.py); this module says it to the user."""

from __future__ import annotations

import math
from datetime import timedelta

from bot.check.machine import Event
from bot.check.outcomes import Outcome
from bot.check.vendor_policy import Move, Rule
from bot.vendor.types import VendorError
from handlers import agent_view
from handlers.callbacks import Action
from handlers.turn import Buttons, Turn


def again_buttons(turn: Turn, key: str = "check-again-button") -> Buttons:
    """What a check's end offers: the same kind of check again. After a customer's check that
    is "Next customer" (a clean assisted check at once), in the agent's language."""
    if agent_view.is_assisted(turn):
        return [[agent_view.agent_button(turn, "assist-next-button", Action.NEXT_CUSTOMER)]]
    return [[turn.button(key, Action.CHECK_AGAIN)]]


async def carry_out(turn: Turn, rule: Rule, error: VendorError, *also: str) -> bool:
    """Carry out the moves every vendor call shares (bot/check/vendor_policy.py); False for a
    move of the captcha or OTP step, which their module carries out. ``also``: said with it
    (the plea to delete a message the bot could not)."""
    also = also if rule.warn_undeleted else ()
    if rule.move is Move.PAUSE:
        await report_paused(turn, error, *also, key=rule.key)
    elif rule.move is Move.STAY:
        await turn.say(rule.key, *also)
    elif rule.move is Move.DROP_NUMBER:  # before the captcha: the user may simply send it again
        turn.services.held.drop(turn.chat_id)
        await turn.say(rule.key, *also)
    elif rule.move is Move.BACK_TO_NUMBER:
        assert turn.state is not None
        turn.services.held.drop(turn.chat_id)
        await turn.remove_buttons(turn.state.prompt_message_id)
        await turn.go(Event.NUMBER_REJECTED, vendor_session_id=None, prompt_message_id=None)
        await turn.say(rule.key, *also)
    elif rule.move is Move.END:
        await end_with(turn, error.outcome, rule.key, *also)
    else:
        return False
    return True


async def end_with(turn: Turn, outcome: Outcome, key: str, *also: str) -> None:
    """The check ends on ``outcome``: its buttons go, the log records it, the user is told."""
    if turn.state is not None:
        await turn.remove_buttons(turn.state.prompt_message_id)
    await turn.end_check(outcome)
    await turn.say(key, *also, buttons=again_buttons(turn))


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
