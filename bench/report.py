"""Figures, targets and the printed table.

Every figure is the median of repeated runs with its spread (min–max); a target compares the
median with its bound and prints ✓ pass or ✗ miss beside it.
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured quantity over repeated runs."""

    name: str
    unit: str
    runs: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.runs) if self.runs else math.nan

    @property
    def low(self) -> float:
        return min(self.runs, default=math.nan)

    @property
    def high(self) -> float:
        return max(self.runs, default=math.nan)

    def shown(self) -> str:
        if len(self.runs) == 1:
            return f"{_num(self.median)} {self.unit}"
        return f"{_num(self.median)} {self.unit} ({_num(self.low)}–{_num(self.high)})"


@dataclass(frozen=True, slots=True)
class Target:
    """A bound on one figure: ``at_most`` or ``at_least`` ``bound``."""

    figure: str
    text: str
    bound: float
    at_most: bool = True

    def met(self, value: float) -> bool:
        if math.isnan(value):
            return False
        return value <= self.bound if self.at_most else value >= self.bound


# The targets, by the figure each one judges.
TARGETS: tuple[Target, ...] = (
    Target("isolation.200.ratio", "200 users within 1.3× one user's time", 1.3),
    # Retired as targets (the vendor plan and Telegram's limit bind first; issue 12): the
    # 1,000-user ratio and the CPU per check are still measured and printed.
    Target("cost.checks_per_s_2_cores", "≥ 100 checks/s on 2 cores", 100.0, at_most=False),
    Target("latency.200.p99_ms", "update handling p99 ≤ 50 ms at 200 users", 50.0),
    Target("store.sqlite.ratio", "SQLite: transition at 10⁶ chats ≤ 1.5× at 10³", 1.5),
    Target("store.postgres.ratio", "PostgreSQL: transition at 10⁶ chats ≤ 1.5× at 10³", 1.5),
    Target(
        "memory.kib_per_waiting_user", "≤ 30 KB of memory (PSS) per waiting user", 30_000 / 1024
    ),
    Target("startup.s", "start-up ≤ 1.5 s", 1.5),
    Target("surge.unserved", "surge: every citizen served", 0),
    Target("surge.ratio", "surge: last result within 1.15× the capacity bound", 1.15),
    Target("surge.first_answer_p99_ms", "surge: first answer p99 ≤ 1 s", 1000.0),
    Target("surge.vendor_429", "surge: no vendor 429", 0),
)


@dataclass
class Report:
    figures: dict[str, Figure] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, key: str, name: str, unit: str, runs: Sequence[float]) -> Figure:
        figure = self.figures[key] = Figure(name, unit, tuple(runs))
        print(f"  {name}: {figure.shown()}", file=sys.stderr, flush=True)  # progress
        return figure

    def derive(
        self, key: str, name: str, unit: str, sources: Sequence[str], fn: Callable[..., float]
    ) -> None:
        """A figure computed run by run from others (e.g. a ratio of two medians' runs)."""
        found = [self.figures.get(s) for s in sources]
        if any(f is None for f in found):
            return
        columns = [f.runs for f in found if f is not None]
        count = min(len(c) for c in columns)
        self.add(key, name, unit, [fn(*(c[i] for c in columns)) for i in range(count)])

    def table(self) -> str:
        width = max([len(f.name) for f in self.figures.values()] + [56]) + 2
        lines = ["", "figure".ljust(width) + "median (min–max)", "-" * (width + 30)]
        lines += [f"{f.name:<{width}}{f.shown()}" for f in self.figures.values()]
        lines += ["", "target".ljust(width) + "figure", "-" * (width + 30)]
        for target in TARGETS:
            figure = self.figures.get(target.figure)
            if figure is None:
                lines.append(f"{target.text:<{width}}not measured in this run")
                continue
            mark = "✓ pass" if target.met(figure.median) else "✗ miss"
            lines.append(f"{target.text:<{width}}{_num(figure.median)} {figure.unit}  {mark}")
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        """A report written by :meth:`write`, to print its table again."""
        report = cls(notes=list(data.get("notes", [])))
        for key, f in data["figures"].items():
            report.figures[key] = Figure(f["name"], f["unit"], tuple(f["runs"]))
        return report

    def verdicts(self) -> dict[str, bool | None]:
        out: dict[str, bool | None] = {}
        for target in TARGETS:
            figure = self.figures.get(target.figure)
            out[target.text] = None if figure is None else target.met(figure.median)
        return out

    def to_json(self, settings: dict[str, Any]) -> dict[str, Any]:
        return {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "cores": _cores(),
                # Other work on the machine (a shared CI or developer box) shows here.
                "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "settings": settings,
            "figures": {
                key: {**asdict(f), "median": f.median, "min": f.low, "max": f.high}
                for key, f in self.figures.items()
            },
            "targets": self.verdicts(),
            "notes": self.notes,
        }

    def write(self, path: Path, settings: dict[str, Any]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(settings), indent=2, ensure_ascii=False) + "\n")


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` 0.99 for p99); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(math.ceil(fraction * len(ordered)) - 1, 0)
    return ordered[rank]


def _cores() -> int:
    return len(os.sched_getaffinity(0))


def _num(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"
