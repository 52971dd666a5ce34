"""Operator commands: ``python -m bot report|purge|lookup|erase``.

``report`` prints exactly what ``/stats`` sends (the same function renders both:
bot/operator/reports.py) and can write the check log as the same CSV that ``/export`` sends, and the
same chart (``--chart FILE``: a PNG of the last 14 days, or of ``--from``/``--to``). ``purge`` runs
the retention sweep once. ``lookup REF`` and ``erase REF`` do what ``/lookup`` and ``/erase`` do
for a check reference (bot/operator/reference_report.py). All work on the database named by
``DATABASE_URL``, also while the bot runs.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path
from typing import Any

from bot.capacity.usage import AdmissionWaits, capacity_text
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.domain.references import canonical, reference_hash
from bot.i18n.translator import Translator
from bot.operator import reference_report
from bot.operator.chart import chart_png
from bot.operator.reports import (
    FIRST_REPORT_DAY,
    LAST_REPORT_DAY,
    Period,
    chart_period,
    checks_csv,
    daily_stats,
    in_report_range,
    india_today,
    parse_day,
    plain,
    report_text,
    standard_periods,
)
from bot.operator.retention import purge
from bot.store.factory import open_store


def add_commands(commands: Any) -> None:
    """Add ``report`` and ``purge`` to the command line's subparsers."""
    report = commands.add_parser(
        "report", help="check statistics (what /stats shows) and the check log as CSV"
    )
    day = {"type": _day, "metavar": "YYYY-MM-DD"}
    report.add_argument("--from", dest="first", help="first day (IST) of the period", **day)
    report.add_argument("--to", dest="last", help="last day (IST), included", **day)
    report.add_argument(
        "--as-of", dest="as_of", help="today/last 7 days as of this day (default: today)", **day
    )
    report.add_argument(
        "--csv", type=Path, metavar="FILE", help="also write the period's check log (CSV) here"
    )
    report.add_argument(
        "--chart", type=Path, metavar="FILE", help="also write the /stats chart (PNG) here"
    )
    report.add_argument("--lang", default="en", help="language of the report (default en)")
    commands.add_parser("purge", help="delete what is past its retention period, now")
    lookup = commands.add_parser("lookup", help="what is kept for a check reference (/lookup)")
    erase = commands.add_parser("erase", help="erase a check by its reference (/erase)")
    for parser in (lookup, erase):
        parser.add_argument("reference", nargs="+", help="the check reference, like 7KQ4-M9XD-R2E")
        parser.add_argument("--lang", default="en", help="language of the answer (default en)")
    erase.add_argument("--yes", action="store_true", help="erase without asking to confirm")


def _day(text: str) -> date:
    day = parse_day(text)
    if day is None:
        raise argparse.ArgumentTypeError(f"not a date like 2026-01-31: {text!r}")
    if not in_report_range(day):
        raise argparse.ArgumentTypeError(
            f"{text}: reports cover {FIRST_REPORT_DAY} to {LAST_REPORT_DAY}"
        )
    return day


async def run(command: str, args: argparse.Namespace, settings: Settings) -> int:
    if command == "report":
        return await report(args, settings, SystemClock())
    if command in ("lookup", "erase"):
        return await by_reference(command, args, settings, SystemClock())
    return await purge_now(settings, SystemClock())


async def report(args: argparse.Namespace, settings: Settings, clock: Clock) -> int:
    """Print the report; with ``--csv``, write the check log of the period shown."""
    translator = Translator()
    if not translator.has(args.lang):
        return _fail(f"--lang: no locale {args.lang!r}; one of {', '.join(translator.codes)}")
    if (args.first is None) != (args.last is None):
        return _fail("--from and --to go together")
    if args.first is not None:
        if args.as_of is not None:
            return _fail("--as-of goes without --from/--to")
        if args.first > args.last:
            return _fail("--from must not be after --to")
        periods: tuple[Period, ...] = (Period(args.first, args.last),)
        chart = chart_period(args.last, periods[0])
    else:
        today = args.as_of or india_today(clock.now())
        periods = standard_periods(today)
        chart = chart_period(today)
    store = await open_store(settings.database_url)
    try:
        text = await report_text(store, periods, translator, args.lang)
        if args.first is None:  # what /stats adds: today's vendor budget, the longest wait
            plan, waits = settings.effective_plan, AdmissionWaits(store)
            capacity = await capacity_text(store, plan, waits, translator, today, args.lang)
            text = f"{text}\n\n{capacity}"
        print(plain(text))
        if args.chart is not None:
            records = await store.checks_between(chart.start, chart.end)
            days = daily_stats(records, chart)
            args.chart.write_bytes(await chart_png(days, translator, args.lang, chart))
            print(f"wrote the chart of {len(records)} checks to {args.chart}", file=sys.stderr)
        if args.csv is not None:
            period = periods[-1]  # the range asked for, or the last 7 days
            records = await store.checks_between(period.start, period.end)
            args.csv.write_bytes(checks_csv(records))
            print(f"wrote {len(records)} checks to {args.csv}", file=sys.stderr)
    finally:
        await store.close()
    return 0


async def purge_now(settings: Settings, clock: Clock) -> int:
    store = await open_store(settings.database_url)
    try:
        result = await purge(store, settings, clock.now())
    finally:
        await store.close()
    print(
        f"deleted {result.rows} rows past retention (check log: "
        f"{settings.check_log_retention_days} days, consent records: "
        f"{settings.consent_retention_days} days; expired checks and invite links)"
    )
    return 0


async def by_reference(
    command: str, args: argparse.Namespace, settings: Settings, clock: Clock
) -> int:
    """``lookup``: print what is kept. ``erase``: print it, confirm (or ``--yes``), erase.
    Exit status 0 when done, 1 when nothing is kept or nothing was erased, 2 on bad input."""
    translator = Translator()
    lang = args.lang
    if not translator.has(lang):
        return _fail(f"--lang: no locale {lang!r}; one of {', '.join(translator.codes)}", command)
    event = "reference.lookup" if command == "lookup" else "reference.erase_asked"
    reference = canonical("".join(args.reference))
    if reference is None:
        reference_report.log_attempt(event, "command line", "invalid")
        return _fail(plain(translator.t(lang, "reference-invalid")), command)
    store = await open_store(settings.database_url)
    try:
        digest = reference_hash(reference)
        records = await store.records_for_reference(digest)
        reference_report.log_attempt(event, "command line", "found" if records else "not_found")
        if records is None:
            days = settings.check_log_retention_days
            print(plain(translator.t(lang, "reference-not-found", checkDays=days)))
            return 1
        print(plain(await reference_report.describe(store, records, reference, translator, lang)))
        if command == "lookup":
            return 0
        print(plain(reference_report.erase_question(records, translator, lang)))
        if not args.yes and not await asyncio.to_thread(_confirmed):
            print(plain(translator.t(lang, "reference-kept")))
            return 1
        erased = await store.erase_reference(digest, clock.now())
        reference_report.log_attempt(
            "reference.erased", "command line", "erased" if erased else "not_found"
        )
        if erased is None:  # erased by someone else meanwhile
            print(plain(translator.t(lang, "reference-kept")))
            return 1
        print(plain(reference_report.erased_text(erased, translator, lang)))
        return 0
    finally:
        await store.close()


def _confirmed() -> bool:
    try:
        return input("Type yes to erase: ").strip().lower() == "yes"
    except EOFError:  # no terminal (cron, a pipe): nothing is erased without --yes
        return False


def _fail(message: str, command: str = "report") -> int:
    print(f"python -m bot {command}: {message}", file=sys.stderr)
    return 2
