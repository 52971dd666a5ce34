"""Assisted checks: a field agent checks a customer's number, in person, on the agent's phone.

An agent's (or admin's) ``/start`` (handlers/start.py) offers "Check for a customer" or "Check
my own number". For a customer: the agent picks the customer's language, the consent notice is
shown in it for the agent to read out or hand over, and the agent attests the customer's answer
with a button (handlers/consent.py records the agent's id and the attestation). Then the usual
steps run (``FlowState.mode`` ASSISTED, ``agent_id`` set) and the result card is the customer's.
"Next customer" starts a clean check at once: the flow row is new, nothing of the previous
customer is in it, and the agent's own language preference was never touched.

Each agent may run ``AGENT_DAILY_CHECKS`` checks for customers per day (IST); the per-user OTP
cap, made for one citizen's own number, does not apply to them (handlers/otp.py).
"""

from __future__ import annotations

import logging

from bot.check.machine import Event
from bot.check.state import Mode, Notes
from bot.domain.policy import agent_daily_cap_reached, india_day_start, next_india_midnight
from bot.domain.roles import Role
from handlers import access, commands, language, waiting
from handlers.callbacks import Action
from handlers.turn import Turn

log = logging.getLogger(__name__)


async def offer_choice(turn: Turn, role: Role) -> None:
    """An agent's or admin's /start (handlers/start.py): whose number to check."""
    # Their menu again: start-up could not set it if they had never opened this chat before.
    await access.set_menu(turn.context.bot, turn.services, turn.user_id, role)
    await commands.end_open_check(turn)
    await turn.say(
        "assist-choose",
        buttons=[
            [turn.button("assist-customer-button", Action.ASSIST)],
            [turn.button("assist-own-button", Action.OWN_CHECK)],
        ],
    )


async def on_choice(turn: Turn, action: Action) -> None:
    """ "Check for a customer" / "Check my own number"."""
    await turn.answer_callback()
    message = turn.update.effective_message
    await turn.remove_buttons(message.message_id if message else None)
    if action is Action.ASSIST:
        await begin(turn)
    else:
        await language.begin(turn, Event.OWN_CHECK)


async def next_customer(turn: Turn) -> None:
    """ "Next customer", under a customer's result (or the end of their check)."""
    await turn.answer_callback()
    await begin(turn, next_one=True)


async def begin(turn: Turn, *, next_one: bool = False) -> None:
    """A new check for a customer, at the customer's language picker. No check is open here
    (the buttons that lead here are valid only between checks)."""
    if await access.role_of(turn.services, turn.user_id) < Role.AGENT:
        await turn.say("assist-not-agent")  # revoked since the button was shown
        return
    if await _daily_cap_reached(turn) or await waiting.budget_spent(turn):
        return
    event = Event.NEXT_CUSTOMER if next_one else Event.ASSIST
    state = turn.new_state(event, mode=Mode.ASSISTED, agent_id=turn.user_id)
    # turn.language is the agent's own here: no check is open.
    await turn.save(state.evolve(notes=Notes(agent_language=turn.language)))
    message = await turn.send(turn.t("assist-language-prompt"), language.picker_buttons(turn))
    await turn.remember_prompt(message)


async def _daily_cap_reached(turn: Turn) -> bool:
    now = turn.now
    limits = turn.services.limits
    count = await turn.services.store.count_agent_checks(turn.user_id, india_day_start(now))
    if not agent_daily_cap_reached(count, limits):
        return False
    log.info("agent.daily_cap", extra={"agent_id": turn.user_id})
    resets = turn.services.translator.format_datetime(turn.language, next_india_midnight(now))
    await turn.say("agent-cap-reached", limit=limits.agent_daily_checks, time=resets)
    return True
