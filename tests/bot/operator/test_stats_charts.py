"""The /stats chart, /stats agents and capacity: the pure rules, the chart in every language
(no missing glyph, small enough for a slow phone), and what an admin, an agent and a citizen
see when they send /stats."""

from __future__ import annotations

import io
import subprocess
import sys
import warnings
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image

from bot.capacity.usage import CALLS_PER_CHECK, DailyUse, capacity, render_capacity
from bot.domain.policy import INDIA
from bot.i18n.translator import Translator
from bot.operator.agents_report import IDLE_DAYS, agent_activity, render_agents
from bot.operator.chart import DPI, SIZE_INCHES, chart_labels, render_chart
from bot.operator.reports import (
    CHART_DAYS,
    OutcomeGroup,
    Period,
    chart_period,
    daily_stats,
    outcome_group,
    plain,
)
from bot.store.base import Agent, CheckRecord
from testing.harness import ACTIVE, NOT_SEEDED, Harness, en
from testing.staff import ADMIN, AGENT, AGENT_2, customer_check, enrol, texts

LAST = date(2026, 1, 18)
PERIOD = Period(date(2026, 1, 5), LAST)


def check(day: date, outcome: str, hour: int = 12, **changes: object) -> CheckRecord:
    values: dict[str, object] = {
        "at": datetime(day.year, day.month, day.day, hour, tzinfo=INDIA),
        "user_id": 7,
        "chat_id": 7,
        "last4": "1096",
        "outcome": outcome,
        "bank_name": None,
        "status": None,
        "language": "hi",
        "duration_ms": 40_000,
    }
    values.update(changes)
    return CheckRecord(**values)  # type: ignore[arg-type]


def seeded_fortnight() -> list[CheckRecord]:
    """Fourteen days of checks: every outcome group, a vendor outage on the 15th, an empty
    Sunday."""
    records = []
    for offset in range(CHART_DAYS):
        day = PERIOD.first + timedelta(days=offset)
        if day == date(2026, 1, 11):
            continue
        outcomes = ["active"] * (10 + offset) + ["inactive"] * 3 + ["not_seeded"] * 4
        outcomes += ["declined", "otp_expired", "cancelled"]
        outcomes += ["upstream_unavailable"] * (12 if day == date(2026, 1, 15) else 1)
        records += [check(day, outcome, hour=9 + i % 9) for i, outcome in enumerate(outcomes)]
    return records


# ------------------------------------------------------------------ pure rules


@pytest.mark.parametrize(
    ("outcome", "group"),
    [
        ("active", OutcomeGroup.ACTIVE),
        ("inactive", OutcomeGroup.INACTIVE),
        ("other", OutcomeGroup.INACTIVE),
        ("not_seeded", OutcomeGroup.NOT_SEEDED),
        ("upstream_unavailable", OutcomeGroup.VENDOR),
        ("circuit_open", OutcomeGroup.VENDOR),
        ("no_answer", OutcomeGroup.VENDOR),
        ("declined", OutcomeGroup.ABANDONED),
        ("otp_failed", OutcomeGroup.ABANDONED),
        ("something_new", OutcomeGroup.ABANDONED),
    ],
)
def test_outcome_groups(outcome: str, group: OutcomeGroup) -> None:
    assert outcome_group(outcome) == group


def test_daily_stats_has_every_ist_day_and_group() -> None:
    records = [
        check(date(2026, 1, 5), "active", hour=0),  # 00:00 IST is the 5th (18:30 UTC the 4th)
        check(date(2026, 1, 5), "declined", last4=None),
        check(date(2026, 1, 7), "upstream_unavailable", duration_ms=None),
        check(date(2026, 1, 4), "active", hour=23),  # before the period
    ]
    days = daily_stats(records, Period(date(2026, 1, 5), date(2026, 1, 7)))
    assert [d.day for d in days] == [date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7)]
    assert dict(days[0].groups) == {
        OutcomeGroup.ACTIVE: 1, OutcomeGroup.INACTIVE: 0, OutcomeGroup.NOT_SEEDED: 0,
        OutcomeGroup.VENDOR: 0, OutcomeGroup.ABANDONED: 1,
    }  # fmt: skip
    assert days[1].stats.total == 0 and days[1].error_percent is None
    assert days[2].error_percent == 100.0
    assert (days[0].stats.median_ms, days[2].stats.median_ms) == (40_000, None)
    assert chart_period(LAST) == PERIOD
    assert chart_period(LAST, PERIOD) == PERIOD
    decade = Period(date(2020, 1, 1), LAST)
    assert chart_period(LAST, decade) == Period(date(2025, 1, 18), LAST)  # 366 days


async def test_capacity_estimates_from_the_check_log_unless_told() -> None:
    days = daily_stats(seeded_fortnight(), PERIOD)
    busiest = max(d.stats.vendor_calls for d in days)
    estimate = await capacity("starter", days, None, PERIOD)
    assert estimate == DailyUse("starter", 1_000, busiest * CALLS_PER_CHECK, True, None)

    class Counted:
        async def vendor_calls(self, period: Period) -> int | None:
            return 700 if period.first == date(2026, 1, 9) else None

        async def longest_wait(self, period: Period) -> timedelta | None:
            return timedelta(minutes=7, seconds=20)

    counted = await capacity("starter", days, Counted(), PERIOD)
    assert (counted.calls, counted.estimated, counted.percent) == (700, False, 70.0)
    assert plain(render_capacity(counted, Translator(), "en", week=True)).split("\n") == [
        "Vendor budget, busiest day: 700 of 1,000 calls (70%, starter plan)",
        "Longest wait in line: 7 min",
    ]


@pytest.mark.parametrize(
    ("wait", "minutes"),
    [
        (timedelta(0), 0),  # everyone went straight in
        (timedelta(seconds=29), 0),  # a tick or two: nobody really waited
        (timedelta(seconds=30), 1),
        (timedelta(minutes=2, seconds=30), 3),  # half a minute rounds up, not to even
        (timedelta(hours=2, seconds=10), 120),
    ],
)
def test_the_longest_wait_is_shown_to_the_nearest_minute(wait: timedelta, minutes: int) -> None:
    load = DailyUse("starter", 1_000, 30, True, wait)
    shown = plain(render_capacity(load, Translator(), "en", week=False)).split("\n")
    assert shown[1] == en("capacity-longest-wait", minutes=minutes)


def test_agents_needing_attention_come_first() -> None:
    enrolled = datetime(2026, 1, 1, tzinfo=UTC)
    busy, idle, failing, new = (
        Agent(user_id=n, enrolled_at=enrolled, invited_by=ADMIN, label=f"agent {n}")
        for n in (1, 2, 3, 4)
    )
    records = [check(LAST, "active", agent_id=1) for _ in range(8)]
    records += [check(LAST, "active", agent_id=3)] * 2
    records += [check(LAST, "otp_failed", agent_id=3)] * 4  # 4 of 6 without a result
    records += [check(date(2026, 1, 13), "active", agent_id=2)]
    last = {1: records[0].at, 2: records[-1].at, 3: records[8].at}
    rows = agent_activity([busy, idle, failing, new], records, last, PERIOD, LAST)
    assert [(r.agent.user_id, r.idle, r.unusual) for r in rows] == [
        (4, True, False),  # enrolled 17 days ago, never checked
        (2, True, False),  # last check 5 days ago
        (3, False, True),
        (1, False, False),
    ]
    assert rows[1].idle_days == 5 >= IDLE_DAYS
    text = plain(render_agents(rows, PERIOD, Translator(), "en"))
    assert text.split("\n\n")[1].split("\n") == [
        "4 agent 4",
        "Checks: 0 (-)",
        en("stats-agent-never"),
        en("stats-agent-idle", days=17),
    ]
    assert "Checks: 6 (Active 2, Stopped before a result 4)" in text
    assert en("stats-agent-unusual", percent="67") in text


# ------------------------------------------------------------------ the picture


@pytest.mark.parametrize("language", Translator().codes)
def test_chart_in_every_language_has_every_glyph_and_is_small(language: str) -> None:
    days = daily_stats(seeded_fortnight(), PERIOD)
    labels = chart_labels(Translator(), language, PERIOD, [d.day for d in days])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns of a glyph missing from the fonts
        png = render_chart(days, labels, language)
    assert len(png) < 100_000
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == (int(SIZE_INCHES[0] * DPI), int(SIZE_INCHES[1] * DPI))
        # Colours of every outcome group are on it (a bar chart that drew nothing has none).
        colours = {c for _, c in image.convert("RGB").getcolors(1 << 16) or []}
    assert {(0x1B, 0x9E, 0x77), (0xD9, 0x5F, 0x02)} <= colours


def test_the_bot_does_not_import_matplotlib_until_a_chart_is_drawn() -> None:
    probe = (
        "import sys, bot.app, handlers.stats, bot.operator.digest;"
        "print('matplotlib' in sys.modules, 'numpy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.split() == ["False", "False"]


# ------------------------------------------------------------------ in the bot


async def test_admin_gets_text_and_chart_others_are_refused(staffed: Harness) -> None:
    h = staffed
    agent = await enrol(h)
    await customer_check(agent, "en", ACTIVE)
    citizen = h.chat()
    await citizen.check(NOT_SEEDED)
    admin = h.chat(chat_id=ADMIN)

    replies = await admin.send("/stats")

    assert [m.kind for m in replies] == ["text", "photo"]
    assert replies[0].text.startswith("Today, 15 January 2026\nChecks: 2")
    photo = replies[1].photo
    assert photo is not None and len(photo) < 100_000
    assert h.tg.calls_to("sendChatAction") == [] or all(
        c.params["action"] == "upload_photo" for c in h.tg.calls_to("sendChatAction")
    )
    ranged = await admin.send("/stats 2026-01-01 2026-01-31")
    assert [m.kind for m in ranged] == ["text", "photo"]
    assert en("capacity-unlimited", span="today", about="yes", calls=6, plan="unlimited") not in (
        ranged[0].text
    )  # a range of days has no "today"

    for chat, refusal in ((citizen, "refused-admin"), (agent, "refused-admin")):
        refused = await chat.send("/stats")
        assert texts(refused) == [en(refusal)] and all(m.kind == "text" for m in refused)
        assert texts(await chat.send("/stats agents")) == [en(refusal)]


async def test_stats_agents_lists_idle_agents_first(staffed: Harness) -> None:
    h = staffed
    busy = await enrol(h, AGENT, "Ravi")
    await enrol(h, AGENT_2, "Sita")
    await customer_check(busy, "en", ACTIVE)
    h.clock.advance(4 * 24 * 3600)  # four days on: Sita has not checked anyone since enrolling
    await customer_check(busy, "en", ACTIVE)
    admin = h.chat(chat_id=ADMIN)

    [shown] = texts(await admin.send("/stats agents"))

    header, first, second = shown.split("\n\n")
    assert header == en("stats-agents-header", first="13 January 2026", last="19 January 2026")
    assert first.split("\n")[0] == f"{AGENT_2} Sita"
    assert en("stats-agent-idle", days=4) in first
    assert second.split("\n")[:2] == [f"{AGENT} Ravi", "Checks: 2 (Active 2)"]
    assert texts(await admin.send("/stats agents yesterday")) == [en("stats-agents-usage")]
    [ranged] = texts(await admin.send("/stats agents 2026-01-15 2026-01-15"))
    assert "Checks: 1 (Active 1)" in ranged
