"""Roles at the door: who may use a command, the polite refusal, and each role's command menu.

Admins are ``ADMIN_IDS``; agents are the active rows of the store's agent table; everyone else
is a citizen (bot/domain/roles.py). Every command a role may not use is refused politely and the
attempt is logged with the user id and the command name only (never the arguments: they may
hold anything). The menu Telegram shows is set per chat (``BotCommandScopeChat``) for each admin
and agent — at start-up, whenever someone is enrolled or revoked, and at a staff member's
/start — so nobody sees a command they cannot use; everyone else sees the default menu set in
bot/app.py.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.domain.roles import Role, commands_for, required_role, role_for
from bot.i18n.translator import DEFAULT_LANGUAGE
from bot.runtime.services import SeedingApplication, Services
from handlers.turn import Turn

log = logging.getLogger(__name__)

# What /help adds to the citizen's text for each role: the commands only that role has.
HELP_KEYS: dict[Role, tuple[str, ...]] = {
    Role.CITIZEN: (),
    Role.AGENT: ("help-agent",),
    Role.ADMIN: ("help-agent", "help-admin", "help-admin-rights"),
}


async def role_of(services: Services, user_id: int) -> Role:
    admin_ids = services.settings.admin_ids
    if user_id in admin_ids:
        return Role.ADMIN
    agent = await services.store.get_agent(user_id)
    return role_for(user_id, admin_ids=admin_ids, active_agent=agent is not None and agent.active)


async def allowed(turn: Turn, command: str) -> bool:
    """Whether the turn's user may use ``command``; if not, they are told so and it is logged."""
    needed = required_role(command)
    if needed is Role.CITIZEN or await role_of(turn.services, turn.user_id) >= needed:
        return True
    await refuse(turn, command, needed)
    return False


async def refuse(turn: Turn, command: str, needed: Role) -> None:
    log.warning("command.refused", extra={"user_id": turn.user_id, "command": command})
    await turn.say("refused-admin" if needed is Role.ADMIN else "refused-agent")


async def set_menu(bot: Bot, services: Services, user_id: int, role: Role | None = None) -> None:
    """Set the command menu of ``user_id``'s private chat for their role, in their language
    (a citizen's chat falls back to the default menu). A failure is logged, never raised:
    the menu is a convenience, and the commands check the role anyway."""
    if role is None:
        role = await role_of(services, user_id)
    scope = BotCommandScopeChat(user_id)  # a private chat's id is the user's id
    try:
        if role is Role.CITIZEN:
            await bot.delete_my_commands(scope=scope)
            return
        language = await services.store.get_language(user_id) or DEFAULT_LANGUAGE
        translator = services.translator
        commands = [BotCommand(c, translator.t(language, f"cmd-{c}")) for c in commands_for(role)]
        await bot.set_my_commands(commands, scope=scope)
    except TelegramError as exc:  # e.g. an admin who never opened a chat with the bot
        error = type(exc).__name__
        log.warning("commands.chat_not_set", extra={"user_id": user_id, "error": error})


async def refresh_staff_menu(turn: Turn) -> None:
    """After an admin or agent changed their language: the menu in the new language."""
    role = await role_of(turn.services, turn.user_id)
    if role is not Role.CITIZEN:
        await set_menu(turn.context.bot, turn.services, turn.user_id, role)


async def set_staff_menus(application: Any) -> None:
    """At start-up: every admin's and agent's menu, and the default menu back for revoked
    agents (in case their revocation's update failed)."""
    assert isinstance(application, SeedingApplication)
    services = application.services
    agents = await services.store.list_agents(include_revoked=True)
    for user_id in sorted(set(services.settings.admin_ids) | {a.user_id for a in agents}):
        await set_menu(application.bot, services, user_id)
