"""Retention: what is deleted when, on a schedule inside the bot and on demand from the shell.

* flow rows whose check idled out, and invite links past their expiry;
* OTP request counters after two days (they only serve the daily cap);
* waiting-room admissions after eight days (they pace the line and give the week's longest
  wait in /stats and the digest: ``ADMISSION_RETENTION``);
* the check log after ``CHECK_LOG_RETENTION_DAYS``, consent records after
  ``CONSENT_RETENTION_DAYS``;
* Aadhaar numbers still held in memory past their time (a check that was abandoned at the
  captcha step) — only the running bot has these.

The bot runs :func:`sweep_job` every ``SWEEP_INTERVAL_MINUTES`` through PTB's JobQueue (which
``application.start()`` starts); ``python -m bot purge`` runs :func:`purge` once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram.ext import Application

from bot.capacity.held_numbers import HeldNumbers
from bot.config import Settings
from bot.runtime.services import BotContext, SeedingApplication
from bot.store.base import Store

log = logging.getLogger(__name__)

JOB_NAME = "retention-sweep"


@dataclass(frozen=True, slots=True)
class PurgeResult:
    rows: int  # database rows deleted
    held_numbers: int  # numbers dropped from memory


async def purge(
    store: Store, settings: Settings, now: datetime, held: HeldNumbers | None = None
) -> PurgeResult:
    """One sweep, with the retention periods of ``settings``."""
    rows = await store.sweep(
        now,
        checks_before=now - timedelta(days=settings.check_log_retention_days),
        consents_before=now - timedelta(days=settings.consent_retention_days),
    )
    dropped = held.sweep() if held is not None else 0
    return PurgeResult(rows, dropped)


async def sweep_job(context: BotContext) -> None:
    """The scheduled sweep. A failure is logged and retried at the next interval."""
    services = context.services
    try:
        result = await purge(services.store, services.settings, services.clock.now(), services.held)
    except Exception as exc:  # the job must never stop the bot; the next run tries again
        log.error("retention.sweep_failed", extra={"error": type(exc).__name__})
        return
    log.info("retention.swept", extra={"rows": result.rows, "held": result.held_numbers})


def schedule(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register the sweep (the first run is one interval after start-up)."""
    assert isinstance(application, SeedingApplication)
    job_queue = application.job_queue
    if job_queue is None:  # pragma: no cover - the job-queue extra is a dependency
        raise RuntimeError("python-telegram-bot's job-queue extra is not installed")
    interval = timedelta(minutes=application.services.settings.sweep_interval_minutes)
    job_queue.run_repeating(sweep_job, interval=interval, first=interval, name=JOB_NAME)
