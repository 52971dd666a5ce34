"""Operator reports: the statistics function, the CSV, /stats and /export end to end, and the
command line (`python -m bot report`) printing exactly what /stats sends."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.policy import INDIA
from bot.i18n.translator import Translator
from bot.operator.reports import (
    CSV_COLUMNS,
    Period,
    PeriodKind,
    checks_csv,
    compute_stats,
    parse_day,
    parse_days,
    plain,
    render_report,
    standard_periods,
)
from bot.store.base import CheckRecord, LineEntry
from handlers.paging import pages
from testing.cli import run_bot
from testing.harness import ACTIVE, INACTIVE, NOT_SEEDED, Harness, en
from testing.staff import (
    ADMIN,
    AGENT,
    TWELVE_DIGITS,
    customer_check,
    enrol,
    texts,
)

DAY = date(2026, 1, 15)
NOON_IST = datetime(2026, 1, 15, 6, 30, tzinfo=UTC)


def record(at: datetime, outcome: str, **changes: object) -> CheckRecord:
    values: dict[str, object] = {
        "at": at,
        "user_id": 7,
        "chat_id": 7,
        "last4": "1096",
        "outcome": outcome,
        "bank_name": "STATE BANK OF INDIA",
        "status": "Active",
        "language": "hi",
        "duration_ms": 1000,
    }
    values.update(changes)
    return CheckRecord(**values)  # type: ignore[arg-type]


# ------------------------------------------------------------------ the pure function


def test_compute_stats_counts_outcomes_agents_errors_and_median() -> None:
    records = [
        record(NOON_IST, "active", agent_id=55, duration_ms=3000),
        record(NOON_IST, "active", agent_id=55, duration_ms=1000),
        record(NOON_IST, "inactive", duration_ms=8000),
        record(NOON_IST, "upstream_unavailable", agent_id=56, duration_ms=90_000),
        record(NOON_IST, "daily_cap"),  # a number was typed, but no vendor call was made
        record(NOON_IST, "declined", last4=None, bank_name=None, status=None),
        # the IST day's edges: 00:00 IST is in, 00:00 IST of the next day is out
        record(datetime(2026, 1, 14, 18, 30, tzinfo=UTC), "cancelled", last4=None),
        record(datetime(2026, 1, 15, 18, 30, tzinfo=UTC), "active"),
    ]

    stats = compute_stats(records, Period(DAY, DAY, PeriodKind.TODAY))

    assert stats.total == 7
    assert stats.by_outcome == (
        ("active", 2),
        ("cancelled", 1),
        ("daily_cap", 1),
        ("declined", 1),
        ("inactive", 1),
        ("upstream_unavailable", 1),
    )
    assert stats.by_agent == ((55, 2), (56, 1), (None, 4))
    assert (stats.vendor_calls, stats.vendor_errors) == (4, 1)
    assert (stats.results, stats.median_ms) == (3, 3000)  # failures don't count in the median


def test_empty_period_and_standard_periods() -> None:
    today, week = standard_periods(DAY)
    assert (today.first, today.last, week.first, week.last) == (DAY, DAY, date(2026, 1, 9), DAY)
    assert week.start == datetime(2026, 1, 9, tzinfo=INDIA)
    assert week.end == datetime(2026, 1, 16, tzinfo=INDIA)
    stats = compute_stats([], today)
    assert (stats.total, stats.vendor_calls, stats.median_ms) == (0, 0, None)
    text = plain(render_report([stats], Translator(), "en"))
    assert text == f"Today, 15 January 2026\n{en('stats-none')}"


def test_render_report_in_english() -> None:
    records = [
        record(NOON_IST, "active", agent_id=55, duration_ms=1500),
        record(NOON_IST, "otp_failed"),
    ]
    text = plain(render_report([compute_stats(records, Period(DAY, DAY))], Translator(), "en"))
    assert text.split("\n") == [
        "From 15 January 2026 to 15 January 2026",
        "Checks: 2",
        "By outcome:",
        "  Active: 1",
        "  Wrong OTP 3 times: 1",
        "By agent:",
        "  55: 1",
        "  without an agent: 1",
        "Vendor errors: 0.0% (0 of 2 checks that reached the vendor)",
        "Median time to a result: 1.5 s (over 1 results)",
    ]


def test_csv_has_the_columns_masks_numbers_and_defuses_formulas() -> None:
    rows = [
        record(NOON_IST, "active", agent_id=55),
        record(NOON_IST, "not_seeded", last4=None, bank_name=None, status=None),
        record(NOON_IST, "active", bank_name="=HYPERLINK(1)", status="+1"),
    ]
    parsed = list(csv.reader(io.StringIO(checks_csv(rows).decode())))
    assert parsed == [
        list(CSV_COLUMNS),
        ["2026-01-15T12:00:00+05:30", "55", "XXXX XXXX 1096", "active", "STATE BANK OF INDIA",
         "Active", "hi"],
        ["2026-01-15T12:00:00+05:30", "", "", "not_seeded", "", "", "hi"],
        ["2026-01-15T12:00:00+05:30", "", "XXXX XXXX 1096", "active", "'=HYPERLINK(1)", "'+1",
         "hi"],
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-01-31", date(2026, 1, 31)), ("2026-02-30", None), ("20260131", None), ("", None)],
)
def test_parse_day(text: str, expected: date | None) -> None:
    assert parse_day(text) == expected


def test_parse_days() -> None:
    assert parse_days(["2026-01-01", "2026-01-31"]) == (date(2026, 1, 1), date(2026, 1, 31))
    assert parse_days(["2026-01-01"]) is None
    assert parse_days(["2026-01-01", "tomorrow"]) is None


def test_pages_split_at_line_ends_and_join_back() -> None:
    text = "\n".join(f"line {i} " + "x" * 50 for i in range(300))
    split = pages(text, limit=1000)
    assert all(len(page) <= 1000 for page in split) and len(split) > 1
    assert "\n".join(split) == text
    assert pages("short") == ["short"]
    assert pages("y" * 2500, limit=1000) == ["y" * 1000, "y" * 1000, "y" * 500]


# ------------------------------------------------------------------ in the bot


async def _run_some_checks(h: Harness) -> None:
    agent = await enrol(h)
    await customer_check(agent, "en", ACTIVE)
    await customer_check(agent, "hi", INACTIVE)
    citizen = h.chat()
    await citizen.check(NOT_SEEDED)
    await citizen.send("/start")
    await citizen.press("English")
    await citizen.press(en("consent-decline-button"))


async def test_stats_today_and_last_7_days(staffed: Harness) -> None:
    await _run_some_checks(staffed)
    staffed.clock.advance(24 * 3600)  # tomorrow: today is empty, the week is not
    admin = staffed.chat(chat_id=ADMIN)

    replies = await admin.send("/stats")

    [shown] = [m.text for m in replies if m.kind == "text"]
    [chart] = [m for m in replies if m.kind == "photo"]
    assert chart.photo is not None and chart.photo.startswith(b"\x89PNG")
    today, week, capacity = shown.split("\n\n")
    assert capacity == en(
        "capacity-unlimited", span="today", about="yes", calls=0, plan="unlimited"
    )
    assert today == f"Today, 16 January 2026\n{en('stats-none')}"
    assert week.split("\n") == [
        "Last 7 days, 10 January 2026 to 16 January 2026",
        "Checks: 4",
        "By outcome:",
        "  Active: 1",
        "  Consent declined: 1",
        "  Inactive: 1",
        "  Not linked to any bank: 1",
        "By agent:",
        f"  {AGENT}: 2",
        "  without an agent: 2",
        "Vendor errors: 0.0% (0 of 3 checks that reached the vendor)",
        "Median time to a result: 0.0 s (over 3 results)",  # the fake clock did not move
    ]


async def test_stats_and_export_usage(staffed: Harness) -> None:
    admin = staffed.chat(chat_id=ADMIN)
    assert texts(await admin.send("/stats yesterday")) == [en("stats-usage")]
    assert texts(await admin.send("/export")) == [en("export-usage")]
    assert texts(await admin.send("/export 2026-01-31 2026-01-01")) == [en("period-order")]
    assert texts(await admin.send("/export 2026-01-01 2026-13-01")) == [en("export-usage")]


async def test_export_sends_a_csv_of_the_checks_run(staffed: Harness) -> None:
    h = staffed
    await _run_some_checks(h)
    admin = h.chat(chat_id=ADMIN)

    replies = await admin.send("/export 2026-01-15 2026-01-15")

    [document] = [m for m in replies if m.kind == "document"]
    assert document.filename == "checks_2026-01-15_2026-01-15.csv"
    assert document.text == en(
        "export-caption", first="15 January 2026", last="15 January 2026", count=4
    )
    [call] = h.tg.calls_to("sendDocument")
    sent = call.files["document"].data
    assert sent == document.document
    assert TWELVE_DIGITS.search(sent.decode()) is None
    header, *rows = list(csv.reader(io.StringIO(sent.decode())))
    assert header == list(CSV_COLUMNS)
    logged = await h.app.services.store.checks_between(
        datetime(2026, 1, 15, tzinfo=INDIA), datetime(2026, 1, 16, tzinfo=INDIA)
    )
    assert [(r[1], r[2], r[3], r[4], r[6]) for r in rows] == [
        (str(AGENT), "XXXX XXXX 1096", "active", "STATE BANK OF INDIA", "en"),
        (str(AGENT), "XXXX XXXX 0124", "inactive", "PUNJAB NATIONAL BANK", "hi"),
        ("", "XXXX XXXX 1238", "not_seeded", "", "en"),
        ("", "", "declined", "", "en"),
    ]
    assert len(rows) == len(logged)
    assert texts(await admin.send("/export 2026-01-16 2026-01-20"))  # an empty period: a header
    assert (
        h.tg.calls_to("sendDocument")[-1].files["document"].data
        == (",".join(CSV_COLUMNS) + "\r\n").encode()
    )


# ------------------------------------------------------------------ the command line


def _cli(
    h: Harness, tmp_path: Path, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    return run_bot(tmp_path, *args, DATABASE_URL=h.settings.database_url, **env)


async def test_report_command_prints_what_stats_sends(staffed: Harness, tmp_path: Path) -> None:
    h = staffed
    await _run_some_checks(h)
    store, now = h.app.services.store, h.clock.now()
    waited = LineEntry(77, 77, "c77", 0, 1, "en", joined_at=now - timedelta(minutes=5))
    await store.join_line(waited)
    assert await store.admit(0, now, chat_id=77)  # a turn after 5 minutes in line
    admin = h.chat(chat_id=ADMIN)
    stats, chart = await admin.send("/stats")
    assert stats.text.endswith(en("capacity-longest-wait", minutes=5))
    [ranged] = [m.text for m in await admin.send("/stats 2026-01-15 2026-01-15") if m.text]
    exported = await admin.send("/export 2026-01-15 2026-01-15")
    csv_file = tmp_path / "out" / "checks.csv"
    csv_file.parent.mkdir()
    png_file = tmp_path / "out" / "chart.png"

    printed = _cli(
        h, tmp_path, "report", "--as-of", "2026-01-15", "--chart", str(png_file),
        DEEPVUE_PLAN="unlimited",
    )  # fmt: skip
    printed_range = _cli(
        h, tmp_path, "report", "--from", "2026-01-15", "--to", "2026-01-15", "--csv", str(csv_file)
    )

    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.rstrip("\n") == stats.text
    assert chart.kind == "photo" and png_file.read_bytes() == chart.photo  # the same image
    assert printed_range.returncode == 0, printed_range.stderr
    assert printed_range.stdout.rstrip("\n") == ranged
    assert csv_file.read_bytes() == exported[-1].document
    assert "wrote 4 checks" in printed_range.stderr


async def test_report_command_refuses_bad_arguments(staffed: Harness, tmp_path: Path) -> None:
    bad_date = _cli(staffed, tmp_path, "report", "--from", "15-01-2026", "--to", "2026-01-15")
    assert bad_date.returncode == 2 and "not a date like 2026-01-31" in bad_date.stderr
    half = _cli(staffed, tmp_path, "report", "--from", "2026-01-15")
    assert half.returncode == 2 and "--from and --to go together" in half.stderr
    order = _cli(staffed, tmp_path, "report", "--from", "2026-01-16", "--to", "2026-01-15")
    assert order.returncode == 2 and "must not be after" in order.stderr


def test_week_period_includes_six_days_back() -> None:
    week = standard_periods(DAY)[1]
    assert week.contains(datetime(2026, 1, 9, 0, 0, tzinfo=INDIA))
    assert not week.contains(datetime(2026, 1, 9, tzinfo=INDIA) - timedelta(microseconds=1))
