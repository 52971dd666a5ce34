"""Operator reports over the check log: statistics and the CSV export.

One computation (:func:`compute_stats`) and one rendering (:func:`render_report`) serve both
``/stats`` in the bot and ``python -m bot report`` on the command line (:func:`report_text`), so
the two cannot drift. Days are Indian Standard Time days, as everywhere else in the bot.

Nothing here ever sees more than the last four digits of an Aadhaar number: the check log holds
no more, and the CSV shows them masked (``XXXX XXXX 1096``).
"""

from __future__ import annotations

import csv
import html
import io
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.check.outcomes import (
    NO_VENDOR_CALL,
    RESULTS,
    VENDOR_ERRORS,
    OutcomeGroup,
    group_of,
)
from bot.domain.aadhaar import mask_last4
from bot.domain.policy import INDIA
from bot.i18n.translator import Translator
from bot.store.base import CheckRecord, Store

#: The stored outcome strings of each kind (bot/check/outcomes.py has the one enum).
RESULT_OUTCOMES = frozenset(outcome.value for outcome in RESULTS)
VENDOR_ERROR_OUTCOMES = frozenset(outcome.value for outcome in VENDOR_ERRORS)
NO_VENDOR_CALL_OUTCOMES = frozenset(outcome.value for outcome in NO_VENDOR_CALL)

CSV_COLUMNS = ("time_ist", "agent_id", "aadhaar", "outcome", "bank", "status", "language")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The days a report can cover. Outside them a period's IST midnights do not exist as datetimes
# (year 1's first midnight is before UTC's year 1; the midnight after 9999-12-31 never comes),
# and no check can be there anyway: Aadhaar numbers exist since 2010.
FIRST_REPORT_DAY = date(2000, 1, 1)
LAST_REPORT_DAY = date(9998, 12, 31)
_TAGS = re.compile(r"</?b>")


def outcome_group(outcome: str) -> OutcomeGroup:
    """A stored outcome's chart group (the enum's own, or "stopped short" for an unknown one)."""
    return group_of(outcome)


class PeriodKind(StrEnum):
    TODAY = "today"
    WEEK = "week"  # the last 7 days, today included
    RANGE = "range"  # dates an operator asked for


@dataclass(frozen=True, slots=True)
class Period:
    """Whole IST days from ``first`` to ``last``, both included."""

    first: date
    last: date
    kind: PeriodKind = PeriodKind.RANGE

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), tzinfo=INDIA)

    @property
    def end(self) -> datetime:
        """Exclusive: midnight after ``last``."""
        return datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=INDIA)

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end


#: Days the chart shows when no period is asked for, and at the most (a year of bars is
#: already a pixel each).
CHART_DAYS = 14
MAX_CHART_DAYS = 366


def chart_period(today: date, asked: Period | None = None) -> Period:
    """The chart's period: the last ``CHART_DAYS`` days, today included, or the days asked
    for (their last ``MAX_CHART_DAYS`` at the most)."""
    if asked is None:
        return Period(today - timedelta(days=CHART_DAYS - 1), today)
    return Period(max(asked.first, asked.last - timedelta(days=MAX_CHART_DAYS - 1)), asked.last)


def india_today(now: datetime) -> date:
    return now.astimezone(INDIA).date()


def standard_periods(today: date) -> tuple[Period, ...]:
    """What ``/stats`` shows: today, and the last 7 days (today included)."""
    return (
        Period(today, today, PeriodKind.TODAY),
        Period(today - timedelta(days=6), today, PeriodKind.WEEK),
    )


def parse_day(text: str) -> date | None:
    """A ``YYYY-MM-DD`` date, or None (no other form: an operator's typo must not be guessed)."""
    if not _DAY.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def in_report_range(*days: date) -> bool:
    return all(FIRST_REPORT_DAY <= day <= LAST_REPORT_DAY for day in days)


def parse_days(words: Sequence[str]) -> tuple[date, date] | None:
    """Two ``YYYY-MM-DD`` dates (FROM TO), or None. Their order is the caller's to judge."""
    if len(words) != 2:
        return None
    first, last = parse_day(words[0]), parse_day(words[1])
    if first is None or last is None:
        return None
    return first, last


# ------------------------------------------------------------------ statistics


@dataclass(frozen=True, slots=True)
class PeriodStats:
    period: Period
    total: int
    by_outcome: tuple[tuple[str, int], ...]  # most frequent first
    by_agent: tuple[tuple[int | None, int], ...]  # None: self-service; most checks first
    vendor_calls: int  # checks that reached the vendor
    vendor_errors: int  # of those, the ones that ended in a vendor error
    results: int  # checks that ended with a result card
    median_ms: int | None  # median time from /start to the result card


def compute_stats(records: Iterable[CheckRecord], period: Period) -> PeriodStats:
    """The statistics of the checks in ``period`` (records outside it are ignored).

    A check reached the vendor when a valid number was typed (``last4`` is set) and no daily cap
    stopped it first. The median time counts result cards only: a failure's duration says
    nothing about how long a citizen waits for an answer.
    """
    chosen = [r for r in records if period.contains(r.at)]
    outcomes = Counter(r.outcome for r in chosen)
    agents = Counter(r.agent_id for r in chosen)
    vendor_calls = [
        r for r in chosen if r.last4 is not None and r.outcome not in NO_VENDOR_CALL_OUTCOMES
    ]
    durations = [
        r.duration_ms for r in chosen if r.outcome in RESULT_OUTCOMES and r.duration_ms is not None
    ]
    return PeriodStats(
        period=period,
        total=len(chosen),
        by_outcome=tuple(sorted(outcomes.items(), key=lambda item: (-item[1], item[0]))),
        by_agent=tuple(
            sorted(agents.items(), key=lambda item: (item[0] is None, -item[1], item[0] or 0))
        ),
        vendor_calls=len(vendor_calls),
        vendor_errors=sum(1 for r in vendor_calls if r.outcome in VENDOR_ERROR_OUTCOMES),
        results=sum(count for outcome, count in outcomes.items() if outcome in RESULT_OUTCOMES),
        median_ms=round(statistics.median(durations)) if durations else None,
    )


@dataclass(frozen=True, slots=True)
class DayStats:
    """One IST day of the chart: the day's statistics and its checks per outcome group."""

    stats: PeriodStats
    groups: tuple[tuple[OutcomeGroup, int], ...]  # every group, in OutcomeGroup's order

    @property
    def day(self) -> date:
        return self.stats.period.first

    @property
    def error_percent(self) -> float | None:
        calls = self.stats.vendor_calls
        return None if not calls else 100 * self.stats.vendor_errors / calls


def daily_stats(records: Sequence[CheckRecord], period: Period) -> tuple[DayStats, ...]:
    """The statistics of each day of ``period``, oldest first (empty days included)."""
    by_day: dict[date, list[CheckRecord]] = {}
    for record in records:
        if period.contains(record.at):
            by_day.setdefault(india_today(record.at), []).append(record)
    days = []
    day = period.first
    while day <= period.last:
        chosen = by_day.get(day, [])
        groups = Counter(outcome_group(r.outcome) for r in chosen)
        days.append(
            DayStats(
                compute_stats(chosen, Period(day, day)),
                tuple((group, groups[group]) for group in OutcomeGroup),
            )
        )
        day += timedelta(days=1)
    return tuple(days)


def outcome_label(translator: Translator, language: str, outcome: str) -> str:
    """An outcome code in words (unknown codes are shown as they are)."""
    return translator.t(language, "check-outcome", outcome=outcome)


def render_report(stats: Sequence[PeriodStats], translator: Translator, language: str) -> str:
    """The report as the bot sends it (Telegram HTML: only <b>, nothing to escape: every value
    is a number, a date or our own words)."""
    return "\n\n".join(_render_period(s, translator, language) for s in stats)


def _render_period(stats: PeriodStats, translator: Translator, language: str) -> str:
    def t(key: str, **args: object) -> str:
        return translator.t(language, key, **args)

    period = stats.period
    first = translator.format_date(language, period.first)
    last = translator.format_date(language, period.last)
    header = {
        PeriodKind.TODAY: t("stats-today", date=last),
        PeriodKind.WEEK: t("stats-week", first=first, last=last),
        PeriodKind.RANGE: t("stats-range", first=first, last=last),
    }[period.kind]
    if stats.total == 0:
        return f"{header}\n{t('stats-none')}"
    lines = [header, t("stats-total", count=stats.total), t("stats-by-outcome")]
    lines += [
        f"  {outcome_label(translator, language, code)}: {count}"
        for code, count in stats.by_outcome
    ]
    lines.append(t("stats-by-agent"))
    lines += [
        f"  {t('stats-self-service') if agent is None else agent}: {count}"
        for agent, count in stats.by_agent
    ]
    if stats.vendor_calls:
        percent = f"{100 * stats.vendor_errors / stats.vendor_calls:.1f}"
        lines.append(
            t(
                "stats-error-rate",
                percent=percent,
                errors=stats.vendor_errors,
                calls=stats.vendor_calls,
            )
        )
    else:
        lines.append(t("stats-no-vendor-calls"))
    if stats.median_ms is not None:
        seconds = f"{stats.median_ms / 1000:.1f}"
        lines.append(t("stats-median", seconds=seconds, count=stats.results))
    else:
        lines.append(t("stats-no-results"))
    return "\n".join(lines)


async def fetch_checks(store: Store, periods: Sequence[Period]) -> list[CheckRecord]:
    """Every check in any of ``periods``, with one query."""
    return await store.checks_between(min(p.start for p in periods), max(p.end for p in periods))


async def report_text(
    store: Store, periods: Sequence[Period], translator: Translator, language: str
) -> str:
    """The report for ``periods``: what /stats sends and ``python -m bot report`` prints."""
    records = await fetch_checks(store, periods)
    return render_report([compute_stats(records, p) for p in periods], translator, language)


def plain(text: str) -> str:
    """The report as a person reads it (what Telegram shows; what the command line prints)."""
    return html.unescape(_TAGS.sub("", text))


# ------------------------------------------------------------------ CSV


def _cell(value: str) -> str:
    """Spreadsheets run a cell that starts with = + - @ as a formula; bank names and statuses
    come from the vendor, so such a cell is quoted as text."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def checks_csv(records: Iterable[CheckRecord]) -> bytes:
    """The check log as CSV (UTF-8, RFC 4180 line ends): time in IST, agent, masked number,
    outcome code, bank, status, language. Never more than the last four digits."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow(
            [
                record.at.astimezone(INDIA).isoformat(timespec="seconds"),
                "" if record.agent_id is None else str(record.agent_id),
                "" if record.last4 is None else mask_last4(record.last4),
                record.outcome,
                _cell(record.bank_name or ""),
                _cell(record.status or ""),
                record.language,
            ]
        )
    return out.getvalue().encode("utf-8")


def csv_filename(first: date, last: date) -> str:
    return f"checks_{first.isoformat()}_{last.isoformat()}.csv"
