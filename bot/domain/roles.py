"""Who may do what: three roles, each with the commands of the one below it and its own.

Admins are the operators named in ``ADMIN_IDS`` (configuration is their source of truth); agents
are enrolled through one-time invite links and stored in the database; everyone else is a
citizen checking their own number. The same table drives the refusals and the per-chat command
menus, so a command is never shown to someone it would refuse.
"""

from __future__ import annotations

from enum import IntEnum


class Role(IntEnum):
    """Ordered: a higher role can do everything a lower one can."""

    CITIZEN = 0
    AGENT = 1
    ADMIN = 2


# In menu order. Every command is private-chat only (router.py).
EVERYONE_COMMANDS = ("start", "cancel", "language", "help", "privacy", "forget")
AGENT_COMMANDS = ("history",)
ADMIN_COMMANDS = ("invite", "agents", "revoke", "stats", "export", "lookup", "erase")

_REQUIRED: dict[str, Role] = {
    **dict.fromkeys(EVERYONE_COMMANDS, Role.CITIZEN),
    **dict.fromkeys(AGENT_COMMANDS, Role.AGENT),
    **dict.fromkeys(ADMIN_COMMANDS, Role.ADMIN),
}


def required_role(command: str) -> Role:
    """The least role that may use ``command`` (unknown commands: admins only, to be safe)."""
    return _REQUIRED.get(command, Role.ADMIN)


def commands_for(role: Role) -> tuple[str, ...]:
    """The command menu of ``role``, in order."""
    return tuple(command for command, needed in _REQUIRED.items() if needed <= role)


def role_for(user_id: int, *, admin_ids: tuple[int, ...], active_agent: bool) -> Role:
    if user_id in admin_ids:
        return Role.ADMIN
    return Role.AGENT if active_agent else Role.CITIZEN
