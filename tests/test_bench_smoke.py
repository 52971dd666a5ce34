"""The benchmark machinery at a tiny size, so it cannot rot (the full run is not a test).

Runs ``python -m bench --smoke``: the three processes over loopback, a couple of scripted
users, every store backend at small sizes. Figures are not judged here, only that every one is
measured and every target gets a mark.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.report import TARGETS

pytestmark = pytest.mark.slow


def test_smoke_run_measures_every_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "smoke.json"
    assert main(["--smoke", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    result = json.loads(out.read_text())
    figures = result["figures"]
    for key in (
        "isolation.1.wall_s",
        "isolation.2.ratio",
        "isolation.2.p99_ms",
        "latency.2.p99_ms",
        "cost.cpu_ms_per_check",
        "cost.checks_per_s",
        "memory.idle_mib",
        "memory.kib_per_waiting_user",
        "memory.kib_per_user_in_flight",
        "startup.s",
        "store.sqlite.ratio",
        "store.pickle.ratio",
        "surge.served",
        "surge.ratio",
        "surge.first_answer_p99_ms",
        "surge.vendor_429",
        "surge.messages_per_check",
    ):
        assert key in figures, key
        assert figures[key]["runs"], key
    assert figures["startup.s"]["median"] > 0
    assert figures["surge.served"]["median"] == 4  # the smoke surge: 4 citizens, all served
    assert figures["surge.vendor_429"]["median"] == 0
    # Every target is printed with a mark, or as not measured (the smoke run's sizes).
    for target in TARGETS:
        assert target.text in printed
    assert "✓ pass" in printed or "✗ miss" in printed
