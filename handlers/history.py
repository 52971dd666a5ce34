"""/history: the last checks an agent ran for customers — time, masked number, outcome, bank.

Nothing more: no customer name, no status detail, no language, and never more than the last four
digits. An agent sees their own; an admin also anyone's (``/history AGENT_ID``).
"""

from __future__ import annotations

from bot.domain.aadhaar import mask_last4
from bot.domain.roles import Role
from bot.operator.reports import outcome_label
from bot.store.base import CheckRecord
from handlers import access, agents
from handlers.number_guard import shown_id
from handlers.paging import send_pages
from handlers.turn import Turn, escape

HISTORY_LIMIT = 20


async def show(turn: Turn) -> None:
    agent_id = turn.user_id
    if turn.context.args:
        if await access.role_of(turn.services, turn.user_id) is not Role.ADMIN:
            await access.refuse(turn, "history", Role.ADMIN)  # another agent's: admins only
            return
        asked = agents.user_id_arg(turn)
        if asked is None:
            await turn.say("history-usage")
            return
        agent_id = asked
    records = await turn.services.store.checks_by_agent(agent_id, HISTORY_LIMIT)
    if not records:
        await turn.say("history-none", agent=shown_id(agent_id))
        return
    lines = [turn.t("history-title", agent=shown_id(agent_id), count=len(records))]
    lines += [_line(turn, record) for record in records]
    await send_pages(turn, "\n".join(lines))


def _line(turn: Turn, record: CheckRecord) -> str:
    translator = turn.services.translator
    fields = (
        translator.format_datetime(turn.language, record.at),
        mask_last4(record.last4) if record.last4 else turn.t("history-no-number"),
        outcome_label(translator, turn.language, record.outcome),
        escape(record.bank_name) if record.bank_name else turn.t("history-no-bank"),
    )
    return " · ".join(fields)
