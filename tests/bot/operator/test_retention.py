"""Retention: the scheduled sweep inside the bot, and `python -m bot purge` on demand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.operator.retention import JOB_NAME
from bot.store.base import CheckRecord, ConsentRecord
from bot.store.sqlite import SqliteStore
from testing.cli import run_bot
from testing.harness import ACTIVE, en, running_harness
from testing.staff import ADMIN, invite_token, sql, texts


async def test_the_sweep_is_scheduled_and_removes_what_has_expired(tmp_path: Path) -> None:
    async with running_harness(
        tmp_path, admin_ids=(ADMIN,), check_log_retention_days=1, sweep_interval_minutes=30
    ) as h:
        assert h.app.job_queue is not None
        [job] = h.app.job_queue.get_jobs_by_name(JOB_NAME)
        assert job.job.trigger.interval == timedelta(minutes=30)  # type: ignore[attr-defined]

        old = h.chat()
        await old.check(ACTIVE)  # a check-log row, soon past its retention
        h.clock.advance(2 * 24 * 3600)
        recent = h.chat()
        await recent.to_captcha()  # an open check, with a number held in memory
        await invite_token(h.chat(chat_id=ADMIN))  # an invite link, valid 48 hours
        assert len(h.app.services.held) == 1
        h.clock.advance(3 * 3600)  # the check idled out; the number's time is up

        await job.run(h.app)

        assert sql(h, "SELECT count(*) FROM flows") == [(0,)]
        assert len(h.app.services.held) == 0
        assert sql(h, "SELECT count(*) FROM check_log") == [(0,)]
        assert sql(h, "SELECT count(*) FROM consents") == [(2,)], "kept 2555 days"
        assert sql(h, "SELECT count(*) FROM invites") == [(1,)], "not expired yet"
        assert texts(await recent.send("hello")) == [en("idle-hint")]


async def test_purge_command_applies_the_retention_periods(tmp_path: Path) -> None:
    db = tmp_path / "ops.db"
    store = SqliteStore(db)
    await store.open()
    now = datetime.now(UTC)
    for age in (400, 10):
        at = now - timedelta(days=age)
        await store.log_check(CheckRecord(at, 7, 7, "1096", "active", None, None, "en"))
        await store.record_consent(
            ConsentRecord(7, 7, at, "consent-notice-en", "1", "ab" * 32, "en", "p", "given")
        )
    await store.close()
    done = run_bot(
        tmp_path,
        "purge",
        DATABASE_URL=f"sqlite:///{db}",
        CHECK_LOG_RETENTION_DAYS="180",
        CONSENT_RETENTION_DAYS="365",
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("deleted 2 rows past retention")
    store = SqliteStore(db)
    await store.open()
    try:
        assert len(await store.checks_between(now - timedelta(days=999), now)) == 1
        assert len(await store.consents_for_user(7)) == 1
    finally:
        await store.close()
