"""The benchmark machinery at a tiny size, so it cannot rot (the full run is not a test).

Runs ``python -m bench --smoke`` from the repository root, as ``./dev bench`` does (tests never
import ``bench``): the three processes over loopback, a couple of scripted users, every store
backend at small sizes. Figures are not judged here, only that every one is measured and every
target gets a mark.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent.parent


def test_smoke_run_measures_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "smoke.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    printed = run.stdout
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
    assert result["targets"]
    for target in result["targets"]:
        assert target in printed
    assert "✓ pass" in printed or "✗ miss" in printed
