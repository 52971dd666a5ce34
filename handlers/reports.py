"""/stats and /export, for operators.

``/stats`` shows today and the last 7 days (``/stats FROM TO``: those days) — the same text
``python -m bot report`` prints, from the same function (bot/reports.py). ``/export FROM TO``
sends the check log of those days as a CSV document: never more than the last four digits.
"""

from __future__ import annotations

import logging
from datetime import date

from telegram.constants import ChatAction, ParseMode

from bot.reports import (
    FIRST_REPORT_DAY,
    LAST_REPORT_DAY,
    Period,
    checks_csv,
    csv_filename,
    in_report_range,
    india_today,
    parse_days,
    report_text,
    standard_periods,
)
from handlers.paging import send_pages
from handlers.turn import Turn

log = logging.getLogger(__name__)

# Telegram takes documents up to 50 MB from a bot; a bigger export is for the command line.
DOCUMENT_LIMIT = 49 * 1024 * 1024


async def _period(turn: Turn, usage_key: str) -> Period | None:
    """FROM TO from the command's arguments, or None after telling the user what is wrong."""
    days = parse_days(turn.context.args or [])
    if days is None:
        await turn.say(usage_key)
        return None
    first, last = days
    if not in_report_range(first, last):
        await turn.say(
            "period-range", first=_day(turn, FIRST_REPORT_DAY), last=_day(turn, LAST_REPORT_DAY)
        )
        return None
    if first > last:
        await turn.say("period-order")
        return None
    return Period(first, last)


async def stats(turn: Turn) -> None:
    if turn.context.args:
        period = await _period(turn, "stats-usage")
        if period is None:
            return
        periods: tuple[Period, ...] = (period,)
    else:
        periods = standard_periods(india_today(turn.now))
    services = turn.services
    text = await report_text(services.store, periods, services.translator, turn.language)
    await send_pages(turn, text)


async def export(turn: Turn) -> None:
    period = await _period(turn, "export-usage")
    if period is None:
        return
    records = await turn.services.store.checks_between(period.start, period.end)
    data = checks_csv(records)
    if len(data) > DOCUMENT_LIMIT:
        await turn.say("export-too-large")
        return
    log.info("export.sent", extra={"admin_id": turn.user_id, "rows": len(records)})
    async with turn.typing(ChatAction.UPLOAD_DOCUMENT):
        await turn.context.bot.send_document(
            turn.chat_id,
            document=data,
            filename=csv_filename(period.first, period.last),
            caption=turn.t(
                "export-caption",
                first=_day(turn, period.first),
                last=_day(turn, period.last),
                count=len(records),
            ),
            parse_mode=ParseMode.HTML,
        )


def _day(turn: Turn, day: date) -> str:
    return turn.services.translator.format_date(turn.language, day)
