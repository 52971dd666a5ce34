"""The README's run command with no TELEGRAM_BOT_TOKEN: the offline demo, driven over stdin.

``./dev run`` runs ``python -m testing.demo --unless-token`` (the demo needs the fake Telegram
server, which is not installed); an installed bot with no token points there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from testing.harness import CAPTCHA, en

REPO = Path(__file__).resolve().parent.parent.parent


def _env_without_a_token(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DEEPVUE_"))}
    env.update(
        PYTHONPATH=str(REPO),
        SANDBOX_CAPTCHA_TEXT=CAPTCHA,
        DATABASE_URL=f"sqlite:///{tmp_path}/demo.db",
    )
    return env


def test_dev_run_starts_the_offline_demo_without_a_token() -> None:
    dev = (REPO / "dev").read_text()
    assert "exec python -m testing.demo --unless-token" in dev


def test_run_without_a_token_is_the_offline_demo(tmp_path: Path) -> None:
    env = _env_without_a_token(tmp_path)
    typed = ["/start", "1", "1", "9876 5432 1096", CAPTCHA, "123456", "/help"]
    result = subprocess.run(
        [sys.executable, "-m", "testing.demo", "--unless-token"],
        input="\n".join(typed) + "\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=True,
    )
    out = result.stdout
    assert "[1] English" in out
    assert "Bank: STATE BANK OF INDIA" in out and "Status: Active" in out
    assert en("sandbox-banner") in out
    assert out.count("(the bot deleted your message)") == 2
    saved = list((tmp_path / "data" / "demo").glob("captcha-*.jpg"))
    assert saved and saved[0].read_bytes()[:2] == b"\xff\xd8"
    # The intro names the sandbox number once; the bot itself only ever shows it masked.
    assert out.count("9876 5432 1096") == 1 and "XXXX XXXX 1096" in out
    assert "Traceback" not in result.stderr


def test_the_installed_bot_without_a_token_points_to_the_demo(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env_without_a_token(tmp_path),
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "python -m testing.demo" in result.stderr
