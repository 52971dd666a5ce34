"""Admins enrol field agents with one-time invite links, list them and revoke them.

``/invite [name]`` makes a link ``https://t.me/<bot>?start=<token>`` that works once, until
``INVITE_VALID_HOURS`` have passed; the store keeps only the token's hash. Whoever opens it
first becomes an agent (``/start <token>`` arrives here through handlers/start.py). ``/agents``
lists the active agents; ``/revoke AGENT_ID`` ends an agent's access, and any customer check
they have open. Enrolment and revocation update that chat's command menu at once.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import timedelta
from typing import Any

from telegram.error import TelegramError

from bot.check.state import Mode
from bot.domain.invites import invite_link, looks_like_token, new_token, token_hash
from bot.domain.policy import INDIA, india_day_start
from bot.domain.roles import Role
from bot.i18n.translator import DEFAULT_LANGUAGE
from bot.store.base import Agent, Invite
from handlers import access
from handlers.number_guard import holds_twelve_digits, refuse_number, shown_id
from handlers.paging import send_pages
from handlers.turn import Turn, escape

log = logging.getLogger(__name__)

LABEL_LIMIT = 64  # an invite's name for the agent, shown in /agents
_USER_ID = re.compile(r"[0-9]{1,15}")


def user_id_arg(turn: Turn) -> int | None:
    """The one numeric argument of a command (a Telegram user id), or None."""
    args = turn.context.args or []
    if len(args) != 1 or not _USER_ID.fullmatch(args[0]):
        return None
    return int(args[0])


async def invite(turn: Turn) -> None:
    """/invite [name]: a one-time enrolment link for a new agent."""
    label = " ".join(turn.context.args or []).strip() or None
    if label is not None and len(label) > LABEL_LIMIT:
        await turn.say("invite-label-too-long", limit=LABEL_LIMIT)
        return
    if label is not None and holds_twelve_digits(label):  # never stored, never shown back
        await refuse_number(turn, "invite")
        return
    token = new_token()
    expires = turn.now + timedelta(hours=turn.services.settings.invite_valid_hours)
    await turn.services.store.create_invite(
        Invite(token_hash(token), turn.user_id, turn.now, expires, label)
    )
    log.info("invite.created", extra={"admin_id": turn.user_id})
    when = turn.services.translator.format_datetime(turn.language, expires)
    link = invite_link(turn.context.bot.username, token)
    lines = [turn.t("invite-created", link=escape(link), time=when)]
    if label is not None:
        lines.append(turn.t("invite-label", label=escape(label)))
    await turn.send("\n\n".join(lines))


async def redeem(turn: Turn, payload: str) -> None:
    """``/start <token>``: enrol the user if the link is unused and unexpired."""
    if await access.role_of(turn.services, turn.user_id) is not Role.CITIZEN:
        await turn.say("invite-already-staff")  # the link stays unused for its real owner
        return
    agent: Agent | None = None
    if looks_like_token(payload):
        agent = await turn.services.store.redeem_invite(token_hash(payload), turn.user_id, turn.now)
    if agent is None:
        log.warning("invite.refused", extra={"user_id": turn.user_id})
        await turn.say("invite-invalid")
        return
    log.info("agent.enrolled", extra={"agent_id": agent.user_id, "invited_by": agent.invited_by})
    await access.set_menu(turn.context.bot, turn.services, turn.user_id)
    await turn.say("invite-welcome")
    await tell(turn, agent.invited_by, "invite-used", agent=shown_id(turn.user_id))


async def list_agents(turn: Turn) -> None:
    """/agents: the active agents, with their checks today."""
    agents = await turn.services.store.list_agents()
    if not agents:
        await turn.say("agents-none")
        return
    day_start = india_day_start(turn.now)
    today = await turn.services.store.checks_between(day_start, day_start + timedelta(days=1))
    checks = Counter(record.agent_id for record in today)
    translator = turn.services.translator
    lines = [turn.t("agents-title", count=len(agents))]
    for agent in agents:
        since = agent.enrolled_at.astimezone(INDIA).date()
        lines.append(
            turn.t(
                "agents-line",
                agent=shown_id(agent.user_id),
                label=escape(agent.label) if agent.label else turn.t("agents-no-label"),
                date=translator.format_date(turn.language, since),
                checks=checks[agent.user_id],
            )
        )
    lines += ["", turn.t("agents-footer")]
    await send_pages(turn, "\n".join(lines))


async def revoke(turn: Turn) -> None:
    """/revoke AGENT_ID: no more checks for customers; an open one is stopped."""
    agent_id = user_id_arg(turn)
    if agent_id is None:
        await turn.say("revoke-usage")
        return
    services = turn.services
    if not await services.store.revoke_agent(agent_id, by=turn.user_id, at=turn.now):
        await turn.say("revoke-not-agent", agent=shown_id(agent_id))
        return
    log.info("agent.revoked", extra={"agent_id": agent_id, "admin_id": turn.user_id})
    open_check = await services.store.get_flow(agent_id)  # their private chat's check
    if open_check is not None and open_check.mode is Mode.ASSISTED:
        services.held.drop(agent_id)
        await services.store.delete_flow(agent_id)
    await access.set_menu(turn.context.bot, services, agent_id)
    await turn.say("revoke-done", agent=shown_id(agent_id))
    await tell(turn, agent_id, "revoke-notice")


async def tell(turn: Turn, user_id: int, key: str, **args: Any) -> None:
    """A note to someone else's private chat, in their language. They may have blocked the bot
    or never opened a chat with it: that is logged, never an error for the one acting."""
    language = await turn.services.store.get_language(user_id) or DEFAULT_LANGUAGE
    try:
        await turn.context.bot.send_message(
            user_id, turn.services.translator.t(language, key, **args), parse_mode="HTML"
        )
    except TelegramError as exc:
        error = type(exc).__name__
        log.info("notice.not_delivered", extra={"user_id": user_id, "key": key, "error": error})
