"""What the agent, not the customer, sees during an assisted check.

An assisted check runs in the customer's language (``FlowState.language``): the notice, the
prompts and the result card are for the customer, who reads them on the agent's phone or has
them read out. The agent's own controls — the instruction, the attestation buttons, "Next
customer" — are in the agent's language, kept in ``notes.agent_language``. For a self-service
check all of this is simply the user's language.
"""

from __future__ import annotations

from typing import Any

from bot.check.state import FlowState, Mode
from handlers.callbacks import NO_CHECK, Action, encode
from handlers.turn import Turn

# What the agent attested, stored in ConsentRecord.attestation: stable codes an auditor can
# query (the wording the agent saw is the attestation button's text in their language).
ATTESTED_AGREED = "agent-attests-customer-read-or-heard-the-notice-and-agreed"
ATTESTED_DECLINED = "agent-attests-customer-read-or-heard-the-notice-and-declined"


def _check(turn: Turn) -> FlowState | None:
    """The open check, or the one this turn just ended."""
    return turn.state or turn.ended


def is_assisted(turn: Turn) -> bool:
    check = _check(turn)
    return check is not None and check.mode is Mode.ASSISTED


def agent_language(turn: Turn) -> str:
    check = _check(turn)
    if check is None or check.mode is not Mode.ASSISTED:
        return turn.language
    return check.notes.agent_language or turn.language


def agent_t(turn: Turn, key: str, **args: Any) -> str:
    return turn.services.translator.t(agent_language(turn), key, **args)


def agent_button(turn: Turn, key: str, action: Action, arg: str = "") -> tuple[str, str]:
    """Like ``Turn.button``, labelled in the agent's language."""
    check_id = turn.state.check_id if turn.state else NO_CHECK
    return agent_t(turn, key), encode(action, check_id, arg)


def attestation(turn: Turn, outcome: str) -> str | None:
    """The agent's attestation for a consent record (None for a self-service check)."""
    if not is_assisted(turn):
        return None
    return ATTESTED_AGREED if outcome == "given" else ATTESTED_DECLINED
