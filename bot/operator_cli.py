"""Operator commands: ``python -m bot report`` and ``python -m bot purge``.

``report`` prints exactly what ``/stats`` sends (the same function renders both: bot/reports.py)
and can write the check log as the same CSV that ``/export`` sends. ``purge`` runs the retention
sweep once. Both work on the database named by ``DATABASE_URL``, also while the bot runs.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.i18n import Translator
from bot.reports import (
    FIRST_REPORT_DAY,
    LAST_REPORT_DAY,
    Period,
    checks_csv,
    in_report_range,
    india_today,
    parse_day,
    plain,
    report_text,
    standard_periods,
)
from bot.retention import purge
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
    report.add_argument("--lang", default="en", help="language of the report (default en)")
    commands.add_parser("purge", help="delete what is past its retention period, now")


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
    else:
        periods = standard_periods(args.as_of or india_today(clock.now()))
    store = await open_store(settings.database_url)
    try:
        print(plain(await report_text(store, periods, translator, args.lang)))
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


def _fail(message: str) -> int:
    print(f"python -m bot report: {message}", file=sys.stderr)
    return 2
