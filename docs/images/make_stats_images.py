"""Make docs/images/stats-en.png and stats-hi.png: a seeded fortnight of checks in a throwaway
SQLite database, drawn by the real command line (``python -m bot report --chart``).

    ./dev python docs/images/make_stats_images.py
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

from bot.domain.policy import INDIA
from bot.store.base import CheckRecord
from bot.store.sqlite import SqliteStore

HERE = Path(__file__).resolve().parent
LAST = date(2026, 1, 18)  # a Sunday
OUTCOMES = (  # (outcome, share of an ordinary day's checks)
    ("active", 0.55),
    ("inactive", 0.10),
    ("not_seeded", 0.10),
    ("no_answer", 0.04),
    ("otp_expired", 0.08),
    ("declined", 0.06),
    ("cancelled", 0.07),
)


def seeded_fortnight(seed: int = 15) -> list[CheckRecord]:
    """Busy weekdays, quiet Sundays, and a vendor outage on Thursday the 15th."""
    rng = random.Random(seed)  # noqa: S311 - made-up figures for a picture
    records = []
    for offset in range(14):
        day = LAST - timedelta(days=13 - offset)
        count = rng.randint(5, 15) if day.weekday() == 6 else rng.randint(25, 60)
        outage = day == date(2026, 1, 15)
        for _ in range(count):
            at = datetime.combine(day, time(9), tzinfo=INDIA) + timedelta(
                minutes=rng.randint(0, 540)
            )
            if outage and rng.random() < 0.35:
                outcome = "upstream_unavailable"
            else:
                outcome = rng.choices(*zip(*OUTCOMES, strict=True))[0]
            records.append(
                CheckRecord(
                    at=at,
                    user_id=1,
                    chat_id=1,
                    last4=None if outcome in ("declined", "cancelled") else "1096",
                    outcome=outcome,
                    bank_name=None,
                    status=None,
                    language="hi",
                    duration_ms=rng.randint(25_000, 70_000) * (2 if outage else 1),
                )
            )
    return sorted(records, key=lambda r: r.at)


async def seed(path: Path) -> None:
    store = SqliteStore(path)
    await store.open()
    try:
        for record in seeded_fortnight():
            await store.log_check(record)
    finally:
        await store.close()


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "charts.db"
        asyncio.run(seed(database))
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "LOG_LEVEL": "WARNING"}
        for language in ("en", "hi"):
            out = HERE / f"stats-{language}.png"
            subprocess.run(  # noqa: S603 - our own interpreter and arguments
                [sys.executable, "-m", "bot", "report", "--as-of", LAST.isoformat(),
                 "--lang", language, "--chart", str(out)],
                check=True, env=env, cwd=folder, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            print(f"{out.name}: {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
