"""The /stats chart: checks per IST day stacked by outcome group, with the vendor error rate and
the median time to a result in a small panel below; labels in the operator's language.

matplotlib is imported here, inside :func:`render_chart`, and nowhere else, so a bot that is
never asked for a chart never loads it (start-up time and idle memory: docs/operators.md).
matplotlib 3.11 lays text out with libraqm (HarfBuzz and FriBiDi), so Indic conjuncts, vowel
signs and Urdu's joined right-to-left letters come out as a reader expects; the fonts are Noto
Sans for each script, shipped in ``bot/fonts`` (Latin and digits: matplotlib's DejaVu Sans).

Rendering takes a few hundred milliseconds of CPU; the bot runs it in a thread
(:func:`chart_png`), one chart at a time (matplotlib's font cache is not thread-safe).
"""

from __future__ import annotations

import asyncio
import io
import math
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from babel.dates import format_skeleton

from bot.check.outcomes import OutcomeGroup
from bot.i18n.translator import Translator, babel_locale
from bot.operator.reports import DayStats, Period

#: The Noto Sans file for each language's script; a language not here is drawn in DejaVu Sans.
SCRIPT_FONTS = {
    "hi": "NotoSansDevanagari-Regular.ttf",
    "mr": "NotoSansDevanagari-Regular.ttf",
    "bn": "NotoSansBengali-Regular.ttf",
    "as": "NotoSansBengali-Regular.ttf",
    "ta": "NotoSansTamil-Regular.ttf",
    "te": "NotoSansTelugu-Regular.ttf",
    "gu": "NotoSansGujarati-Regular.ttf",
    "kn": "NotoSansKannada-Regular.ttf",
    "ml": "NotoSansMalayalam-Regular.ttf",
    "or": "NotoSansOriya-Regular.ttf",
    "pa": "NotoSansGurmukhi-Regular.ttf",
    "ur": "NotoSansArabic-Regular.ttf",
}
LATIN_FONT = "DejaVu Sans"  # ships with matplotlib

# Colour-blind-safe (ColorBrewer "Dark2"), with the "stopped short" group in grey.
GROUP_COLOURS = {
    OutcomeGroup.ACTIVE: "#1b9e77",
    OutcomeGroup.INACTIVE: "#e6ab02",
    OutcomeGroup.NOT_SEEDED: "#7570b3",
    OutcomeGroup.VENDOR: "#d95f02",
    OutcomeGroup.ABANDONED: "#b3b3b3",
}
ERROR_COLOUR = "#d95f02"
MEDIAN_COLOUR = "#1f5fa8"
# 800 x 560 pixels: a phone shows it full width; a PNG of flat colours stays around 40 KB.
SIZE_INCHES = (8.0, 5.6)
DPI = 100
MAX_LABELLED_DAYS = 16  # more days than this: every other (third, …) day is labelled
# Longer text is wrapped at spaces onto more lines (Tamil and Malayalam words are long).
TITLE_WIDTH = 64
LEGEND_WIDTH = 24

_LOCK = threading.Lock()
_REGISTERED: set[str] = set()


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """Every word on the chart, already in the operator's language."""

    title: str
    groups: tuple[tuple[OutcomeGroup, str], ...]
    checks: str
    error_rate: str
    median: str
    days: tuple[str, ...]  # one short date per day


def chart_labels(
    translator: Translator, language: str, period: Period, days: Sequence[date]
) -> ChartLabels:
    def t(key: str, **args: object) -> str:
        return translator.t(language, key, **args)

    locale = babel_locale(language)
    title = t(
        "chart-title",
        first=translator.format_date(language, period.first),
        last=translator.format_date(language, period.last),
    )
    return ChartLabels(
        title=textwrap.fill(title, TITLE_WIDTH),
        groups=tuple(
            (g, textwrap.fill(t("chart-group", group=g.value), LEGEND_WIDTH)) for g in OutcomeGroup
        ),
        checks=t("chart-checks"),
        error_rate=t("chart-error-rate"),
        median=t("chart-median"),
        days=tuple(str(format_skeleton("MMMd", day, locale=locale)) for day in days),
    )


async def chart_png(
    days: Sequence[DayStats], translator: Translator, language: str, period: Period
) -> bytes:
    """The chart as PNG bytes, drawn in a worker thread (the event loop keeps answering)."""
    labels = chart_labels(translator, language, period, [d.day for d in days])
    return await asyncio.to_thread(render_chart, days, labels, language)


def render_chart(days: Sequence[DayStats], labels: ChartLabels, language: str) -> bytes:
    """Draw the chart; PNG bytes. Blocking (CPU): call from a thread in the bot."""
    with _LOCK:
        return _render(days, labels, language)


def _render(days: Sequence[DayStats], labels: ChartLabels, language: str) -> bytes:
    from matplotlib import rc_context  # only when a chart is drawn
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    family = _font_family(language)
    with rc_context(
        {
            "font.family": family,
            "font.size": 11,
            "text.language": language,  # the script's own letter forms (e.g. Marathi's)
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "seeding-bot",
        }
    ):
        figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        bars, lines = figure.subplots(2, 1, sharex=True, height_ratios=(3, 1.25))
        _draw_bars(bars, days, labels)
        _draw_lines(lines, days, labels)
        figure.suptitle(labels.title, fontsize=13)
        out = io.BytesIO()
        figure.savefig(out, format="png", metadata={"Software": None})
    return _smaller_png(out.getvalue())


def _font_family(language: str) -> list[str]:
    """The font families for ``language``: its script's Noto Sans (registered with matplotlib
    the first time), then DejaVu Sans for what that font lacks."""
    from matplotlib import font_manager

    file = SCRIPT_FONTS.get(language)
    if file is None:
        return [LATIN_FONT]
    path = resources.files("bot.fonts").joinpath(file)
    if file not in _REGISTERED:
        with resources.as_file(path) as real_path:
            font_manager.fontManager.addfont(str(real_path))
        _REGISTERED.add(file)
    # The family name the font file states: NotoSansDevanagari-Regular.ttf is "Noto Sans
    # Devanagari".
    script = file.removesuffix("-Regular.ttf").removeprefix("NotoSans")
    return [f"Noto Sans {script}", LATIN_FONT]


def _draw_bars(axes: Any, days: Sequence[DayStats], labels: ChartLabels) -> None:
    positions = list(range(len(days)))
    bottoms = [0] * len(days)
    for group, label in labels.groups:
        heights = [dict(day.groups)[group] for day in days]
        axes.bar(
            positions, heights, bottom=bottoms, width=0.75, label=label,
            color=GROUP_COLOURS[group], linewidth=0,
        )  # fmt: skip
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    if len(days) <= 31:
        for x, total in zip(positions, bottoms, strict=True):
            if total:
                axes.annotate(
                    str(total), (x, total), xytext=(0, 2), textcoords="offset points",
                    ha="center", va="bottom", fontsize=9, color="#444444",
                )  # fmt: skip
    axes.set_ylabel(labels.checks)
    axes.set_ylim(0, max(max(bottoms, default=0) * 1.15, 5))
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.grid(axis="y", color="#e6e6e6", linewidth=0.8)
    axes.set_axisbelow(True)
    axes.legend(
        loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3, frameon=False, fontsize=10,
        handlelength=1.2, columnspacing=1.0, borderaxespad=0.2,
    )  # fmt: skip


def _draw_lines(axes: Any, days: Sequence[DayStats], labels: ChartLabels) -> None:
    positions = list(range(len(days)))
    errors = [_or_nan(day.error_percent) for day in days]
    medians = [
        _or_nan(None if day.stats.median_ms is None else day.stats.median_ms / 1000)
        for day in days
    ]
    axes.plot(positions, errors, color=ERROR_COLOUR, marker="o", markersize=3, linewidth=1.5)
    axes.set_ylabel(labels.error_rate, color=ERROR_COLOUR, fontsize=9)
    axes.set_ylim(0, max(_finite_max(errors) * 1.2, 10))
    axes.grid(axis="y", color="#e6e6e6", linewidth=0.8)
    right = axes.twinx()
    right.spines["right"].set_visible(True)
    right.spines["top"].set_visible(False)
    right.plot(positions, medians, color=MEDIAN_COLOUR, marker="s", markersize=3, linewidth=1.5)
    right.set_ylabel(labels.median, color=MEDIAN_COLOUR, fontsize=9)
    right.set_ylim(0, max(_finite_max(medians) * 1.2, 10))
    step = max(1, math.ceil(len(days) / MAX_LABELLED_DAYS))
    axes.set_xticks(positions[::step], labels.days[::step], rotation=45, ha="right", fontsize=9)
    axes.set_xlim(-0.6, len(days) - 0.4)


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else value


def _finite_max(values: Sequence[float]) -> float:
    return max((v for v in values if not math.isnan(v)), default=0.0)


def _smaller_png(png: bytes) -> bytes:
    """The same picture in a 64-colour palette: a third of the bytes, no visible loss on a
    chart of flat colours (the edges of letters keep enough shades to stay smooth)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        paletted = image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    paletted.save(out, format="PNG", optimize=True)
    return out.getvalue()
