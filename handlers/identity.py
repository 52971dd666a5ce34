"""Who runs this bot and how to complain, as the notices, the result card and /privacy name them.

With a real vendor both are required settings (bot/config.py). With the sandbox they may be
unset, and then each language says so in its own words ("a test operator"), never an English
placeholder inside a Hindi sentence.
"""

from __future__ import annotations

from bot.runtime.services import Services
from handlers.turn import escape


def operator_name(services: Services, language: str) -> str:
    name = services.settings.operator_name
    return escape(name) if name else services.translator.t(language, "operator-placeholder")


def grievance_contact(services: Services, language: str) -> str:
    contact = services.settings.grievance_contact
    if contact:
        return escape(contact)
    return services.translator.t(language, "grievance-placeholder")
