"""/start: who sends it decides what comes.

With a payload, an invite link was opened: enrolment as an agent (handlers/agents.py). A
citizen's /start opens their own check at once (handlers/commands.py); an agent's or admin's
offers the choice of whose number to check (handlers/assisted.py).
"""

from __future__ import annotations

from bot.domain.roles import Role
from handlers import access, agents, assisted, commands
from handlers.turn import Turn


async def start(turn: Turn) -> None:
    """/start, with or without an invite link's payload."""
    payload = turn.context.args or []
    if payload:
        await agents.redeem(turn, payload[0])
        return
    role = await access.role_of(turn.services, turn.user_id)
    if role is Role.CITIZEN:
        await commands.start(turn)
        return
    await assisted.offer_choice(turn, role)
