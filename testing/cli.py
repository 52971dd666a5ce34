"""Running ``python -m bot …`` as an operator would, in a subprocess (reports, purge)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run_bot(
    cwd: Path, *args: str, stdin_text: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` with ``env`` added to this environment (no bot token: these
    commands need none). ``cwd`` should hold no ``.env``, so only ``env`` configures it.
    ``stdin_text`` is what the operator types (nothing: end of input at once)."""
    environment = {**os.environ, "LOG_LEVEL": "WARNING", "PYTHONPATH": str(REPO), **env}
    environment.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=environment,
        input=stdin_text,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
