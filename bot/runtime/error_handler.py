"""The last line of defence: log what failed (type and update id, never content), tell the user."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import TelegramError

from bot.runtime.services import BotContext

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    # The exception's message may quote user input: log its type only, plus where it happened.
    log.error(
        "update.failed",
        extra={"update_id": update_id, "error": type(error).__name__, "where": _where(error)},
    )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != "private":
        return
    services = context.services
    language = await services.store.get_language(update.effective_chat.id) or "en"
    with contextlib.suppress(TelegramError):  # nothing more we can do; already logged
        await context.bot.send_message(
            update.effective_chat.id, services.translator.t(language, "error-generic")
        )


def _where(error: BaseException | None) -> str | None:
    """File and line of the innermost frame: enough to find the bug, no local values."""
    tb = error.__traceback__ if error else None
    if tb is None:
        return None
    while tb.tb_next is not None:
        tb = tb.tb_next
    return f"{tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}"
