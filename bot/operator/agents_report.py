"""``/stats agents``: each active agent's checks in a period, their outcome mix and their last
activity, those who need a look first.

An agent needs a look when they have been idle for :data:`IDLE_DAYS` days or more (no check at
all since enrolment counts from the enrolment), or when an unusual share of their checks ended
without a result: at least :data:`MIN_CHECKS_FOR_RATE` checks and a share of vendor failures
and checks stopped short that is both at least :data:`UNUSUAL_SHARE` and 1.5 times the share
over all agents (a bad day at the vendor hits everyone alike and flags nobody).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.check.outcomes import OutcomeGroup
from bot.i18n.translator import Translator
from bot.operator.reports import Period, india_today, outcome_group
from bot.store.base import Agent, CheckRecord

IDLE_DAYS = 3
MIN_CHECKS_FOR_RATE = 5
UNUSUAL_SHARE = 0.25
_UNFINISHED = frozenset({OutcomeGroup.VENDOR, OutcomeGroup.ABANDONED})


@dataclass(frozen=True, slots=True)
class AgentActivity:
    agent: Agent
    checks: int
    groups: tuple[tuple[OutcomeGroup, int], ...]  # groups with at least one check
    last_check: datetime | None  # their last check ever, not only in the period
    idle_days: int  # whole IST days since the last check (or enrolment)
    unfinished_share: float | None  # None: too few checks to judge
    idle: bool
    unusual: bool

    @property
    def needs_attention(self) -> bool:
        return self.idle or self.unusual


def agent_activity(
    agents: Iterable[Agent],
    records: Sequence[CheckRecord],
    last_checks: Mapping[int, datetime],
    period: Period,
    today: date,
) -> list[AgentActivity]:
    """One row per agent, those needing attention first (longest idle, then highest share of
    unfinished checks), then the others by checks in the period, fewest first."""
    chosen = [r for r in records if period.contains(r.at) and r.agent_id is not None]
    per_agent: dict[int, Counter[OutcomeGroup]] = {}
    for record in chosen:
        assert record.agent_id is not None
        per_agent.setdefault(record.agent_id, Counter())[outcome_group(record.outcome)] += 1
    unfinished_all = sum(1 for r in chosen if outcome_group(r.outcome) in _UNFINISHED)
    overall = unfinished_all / len(chosen) if chosen else 0.0
    rows = []
    for agent in agents:
        groups = per_agent.get(agent.user_id, Counter())
        checks = sum(groups.values())
        last = last_checks.get(agent.user_id)
        idle_days = (today - india_today(last or agent.enrolled_at)).days
        share = (
            sum(groups[g] for g in _UNFINISHED) / checks if checks >= MIN_CHECKS_FOR_RATE else None
        )
        rows.append(
            AgentActivity(
                agent=agent,
                checks=checks,
                groups=tuple((g, groups[g]) for g in OutcomeGroup if groups[g]),
                last_check=last,
                idle_days=idle_days,
                unfinished_share=share,
                idle=idle_days >= IDLE_DAYS,
                unusual=share is not None and share >= max(UNUSUAL_SHARE, 1.5 * overall),
            )
        )
    return sorted(
        rows,
        key=lambda r: (
            not r.needs_attention,
            -r.idle_days if r.needs_attention else 0,
            -(r.unfinished_share or 0) if r.needs_attention else 0,
            r.checks,
            r.agent.user_id,
        ),
    )


def render_agents(
    rows: Sequence[AgentActivity], period: Period, translator: Translator, language: str
) -> str:
    """The /stats agents message (Telegram HTML; the invite's name is the one text that is
    not ours, so it is escaped)."""

    def t(key: str, **args: object) -> str:
        return translator.t(language, key, **args)

    header = t(
        "stats-agents-header",
        first=translator.format_date(language, period.first),
        last=translator.format_date(language, period.last),
    )
    if not rows:
        return f"{header}\n{t('stats-agents-none')}"
    blocks = [header]
    for row in rows:
        name = html.escape(row.agent.label or "")
        lines = [f"<b>{row.agent.user_id}</b> {name}".rstrip()]
        mix = ", ".join(f"{t('chart-group', group=g.value)} {n}" for g, n in row.groups)
        lines.append(t("stats-agent-checks", count=row.checks, mix=mix or "-"))
        if row.last_check is None:
            lines.append(t("stats-agent-never", days=row.idle_days))
        else:
            when = translator.format_datetime(language, row.last_check)
            lines.append(t("stats-agent-last", when=when, days=row.idle_days))
        if row.idle:
            lines.append(t("stats-agent-idle", days=row.idle_days))
        if row.unusual:
            percent = f"{100 * (row.unfinished_share or 0):.0f}"
            lines.append(t("stats-agent-unusual", percent=percent))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
