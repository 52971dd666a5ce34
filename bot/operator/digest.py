"""The weekly digest: every Monday from ``WEEKLY_DIGEST_HOUR`` (IST) on, each admin gets last
week's chart (Monday to Sunday) and a three-line summary in their language.

Once per week and admin, whatever happens: before sending, the sender records "week W, admin
A" in the store (:meth:`~bot.store.base.Store.claim_digest`, a row with a unique key), and only
the one that recorded it sends. So a restart does not send again, and neither does a second
instance. Only the leader tries (bot/runtime/leader.py; with SQLite there is one instance, and a
worker process has no leadership of its own: the record decides there too). A send that fails
for a passing reason gives the record back, and the next try (every :data:`CHECK_EVERY`) sends
it; one Telegram refuses (the admin blocked the bot or never opened the chat) keeps it:
retrying would not help.

A bot that was down on Monday morning sends last week's digest when it comes back, any time
until the next Monday's hour.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application

from bot.capacity.usage import capacity, render_capacity
from bot.check.outcomes import OutcomeGroup
from bot.domain.policy import INDIA
from bot.i18n.translator import DEFAULT_LANGUAGE, Translator
from bot.operator.chart import chart_png
from bot.operator.reports import DayStats, Period, PeriodStats, compute_stats, daily_stats
from bot.runtime.services import BotContext, SeedingApplication, Services

log = logging.getLogger(__name__)

JOB_NAME = "weekly-digest"
CHECK_EVERY = timedelta(minutes=10)
FIRST_CHECK = timedelta(seconds=30)  # after start-up: a restart on Monday catches up at once


def due_week(now: datetime, hour: int) -> date:
    """The Monday (IST) of the week whose digest is due at ``now``: last week from Monday
    ``hour``:00 on; the week before that until then."""
    local = now.astimezone(INDIA)
    monday = local.date() - timedelta(days=local.weekday())
    if local < datetime.combine(monday, time(hour), tzinfo=INDIA):
        monday -= timedelta(days=7)
    return monday - timedelta(days=7)


def week_period(monday: date) -> Period:
    return Period(monday, monday + timedelta(days=6))


@dataclass(frozen=True, slots=True)
class Digest:
    chart: bytes
    caption: str  # Telegram HTML


async def build_digest(services: Services, week: date, language: str) -> Digest:
    """The digest of the week starting ``week`` in ``language``."""
    period = week_period(week)
    records = await services.store.checks_between(period.start, period.end)
    days = daily_stats(records, period)
    translator = services.translator
    chart = await chart_png(days, translator, language, period)
    source = services.capacity
    plan = services.settings.effective_plan
    load = await capacity(plan, days, source, period)
    summary = digest_summary(compute_stats(records, period), days, translator, language, period)
    return Digest(chart, f"{summary}\n{render_capacity(load, translator, language, week=True)}")


def digest_summary(
    stats: PeriodStats,
    days: Sequence[DayStats],
    translator: Translator,
    language: str,
    period: Period,
) -> str:
    """The first two lines: what the checks came to, and how the service did."""

    def t(key: str, **args: object) -> str:
        return translator.t(language, key, **args)

    groups = {group: sum(dict(day.groups)[group] for day in days) for group in OutcomeGroup}
    first = t(
        "digest-checks",
        first=translator.format_date(language, period.first),
        last=translator.format_date(language, period.last),
        count=stats.total,
        active=groups[OutcomeGroup.ACTIVE],
        inactive=groups[OutcomeGroup.INACTIVE],
        not_seeded=groups[OutcomeGroup.NOT_SEEDED],
    )
    percent = f"{100 * stats.vendor_errors / stats.vendor_calls:.1f}" if stats.vendor_calls else "0"
    seconds = "-" if stats.median_ms is None else f"{stats.median_ms / 1000:.1f}"
    second = t(
        "digest-service",
        percent=percent,
        seconds=seconds,
        stopped=groups[OutcomeGroup.ABANDONED],
    )
    return f"{first}\n{second}"


def _is_leader(services: Services) -> bool:
    leadership = services.leadership
    return leadership is None or bool(leadership.is_leader)


async def send_digests(application: SeedingApplication) -> int:
    """One try: the due week's digest to every admin who has not had it. Returns how many
    were sent now."""
    services = application.services
    settings = services.settings
    if not settings.weekly_digest or not settings.admin_ids or not _is_leader(services):
        return 0
    now = services.clock.now()
    week = due_week(now, settings.weekly_digest_hour)
    sent = 0
    for admin_id in settings.admin_ids:
        if not await services.store.claim_digest(week, admin_id, now):
            continue
        language = await services.store.get_language(admin_id) or DEFAULT_LANGUAGE
        try:
            digest = await build_digest(services, week, language)
            await application.bot.send_photo(
                admin_id, photo=digest.chart, caption=digest.caption, parse_mode=ParseMode.HTML
            )
        except (Forbidden, BadRequest) as exc:  # blocked, or no such chat: a retry won't help
            log.warning("digest.not_delivered", extra={"admin_id": admin_id, "error": str(exc)})
            continue
        except Exception as exc:  # Telegram or the store failing now: the next try sends it
            await services.store.release_digest(week, admin_id)
            log.warning("digest.retry_later", extra={"admin_id": admin_id, "error": str(exc)})
            continue
        log.info("digest.sent", extra={"admin_id": admin_id, "week": week.isoformat()})
        sent += 1
    return sent


async def digest_job(context: BotContext) -> None:
    """The scheduled try; a failure is logged and the next try goes again."""
    application = context.application
    assert isinstance(application, SeedingApplication)
    try:
        await send_digests(application)
    except Exception as exc:  # the job must never stop the bot
        log.error("digest.failed", extra={"error": type(exc).__name__})


def schedule(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register the weekly digest's job (nothing when WEEKLY_DIGEST is off)."""
    assert isinstance(application, SeedingApplication)
    if not application.services.settings.weekly_digest:
        return
    job_queue = application.job_queue
    if job_queue is None:  # pragma: no cover - the job-queue extra is a dependency
        raise RuntimeError("python-telegram-bot's job-queue extra is not installed")
    job_queue.run_repeating(digest_job, interval=CHECK_EVERY, first=FIRST_CHECK, name=JOB_NAME)
