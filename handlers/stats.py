"""/stats and /export, for operators.

``/stats`` shows today and the last 7 days (``/stats FROM TO``: those days) — the same text
``python -m bot report`` prints, from the same function (bot/operator/reports.py) — then the chart
of the last 14 days (or of FROM TO) as a photo (bot/operator/chart.py). ``/stats agents [FROM TO]``
lists the agents, those who need a look first (bot/operator/agents_report.py). ``/export FROM TO``
sends the check log of those days as a CSV document: never more than the last four digits.
"""

from __future__ import annotations

import logging
from datetime import date

from telegram.constants import ChatAction, ParseMode

from bot.capacity.usage import capacity_text
from bot.operator.agents_report import agent_activity, render_agents
from bot.operator.chart import chart_png
from bot.operator.reports import (
    FIRST_REPORT_DAY,
    LAST_REPORT_DAY,
    Period,
    chart_period,
    checks_csv,
    csv_filename,
    daily_stats,
    in_report_range,
    india_today,
    parse_days,
    report_text,
    standard_periods,
)
from handlers import waiting
from handlers.paging import send_pages
from handlers.turn import Turn

log = logging.getLogger(__name__)

# Telegram takes documents up to 50 MB from a bot; a bigger export is for the command line.
DOCUMENT_LIMIT = 49 * 1024 * 1024


async def _period(turn: Turn, usage_key: str, words: list[str] | None = None) -> Period | None:
    """FROM TO from ``words`` (the command's arguments), or None after telling the user what
    is wrong."""
    days = parse_days(turn.context.args or [] if words is None else words)
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
    args = turn.context.args or []
    if args[:1] == ["agents"]:
        await stats_agents(turn, args[1:])
        return
    today = india_today(turn.now)
    if args:
        period = await _period(turn, "stats-usage")
        if period is None:
            return
        periods: tuple[Period, ...] = (period,)
        chart = chart_period(today, period)
    else:
        periods = standard_periods(today)
        chart = chart_period(today)
    services = turn.services
    text = await report_text(services.store, periods, services.translator, turn.language)
    if not args:  # today's budget: a range of past days has no "today"
        capacity = await capacity_text(
            services.store,
            services.settings.effective_plan,
            services.capacity,
            services.translator,
            today,
            turn.language,
        )
        text = f"{text}\n\n{capacity}"
    await send_pages(turn, text + await waiting.stats_line(turn))
    async with turn.typing(ChatAction.UPLOAD_PHOTO):
        records = await services.store.checks_between(chart.start, chart.end)
        png = await chart_png(
            daily_stats(records, chart), services.translator, turn.language, chart
        )
        await turn.context.bot.send_photo(turn.chat_id, photo=png)


async def stats_agents(turn: Turn, words: list[str]) -> None:
    """Each active agent's checks in the period (default: the last 7 days), the outcome mix
    and the last activity, those needing a look first."""
    today = india_today(turn.now)
    if words:
        period = await _period(turn, "stats-agents-usage", words)
        if period is None:
            return
    else:
        period = standard_periods(today)[1]
    store = turn.services.store
    agents = await store.list_agents()
    records = await store.checks_between(period.start, period.end)
    last_checks = {}
    for agent in agents:
        last = await store.checks_by_agent(agent.user_id, 1)
        if last:
            last_checks[agent.user_id] = last[0].at
    rows = agent_activity(agents, records, last_checks, period, today)
    await send_pages(turn, render_agents(rows, period, turn.services.translator, turn.language))


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
