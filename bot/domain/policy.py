"""Limits of one check and of one user per day (compliance.md), as pure functions of time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.check.state import FlowState

INDIA = ZoneInfo("Asia/Kolkata")


@dataclass(frozen=True, slots=True)
class Limits:
    otp_validity: timedelta = timedelta(minutes=10)
    captcha_session_validity: timedelta = timedelta(minutes=10)
    resend_cooldown: timedelta = timedelta(seconds=60)
    max_resends: int = 2
    max_wrong_otps: int = 3
    max_wrong_captchas: int = 3
    # A failed generate-otp (vendor down, no answer) may be retried by the user with a fresh
    # captcha; this many times, then the check ends.
    max_generate_attempts: int = 3
    daily_otp_requests: int = 5
    # Checks one agent may run for customers per day (IST): abuse of an agent account is bounded.
    agent_daily_checks: int = 200
    # A check that nobody touches for this long is over (and swept).
    idle_expiry: timedelta = timedelta(minutes=30)
    # ... except one waiting in line for the vendor's capacity (bot/capacity/waiting_room.py): the
    # line may take longer than that, up to the next day when the daily budget is spent.
    waiting_expiry: timedelta = timedelta(hours=24)


def otp_expired(state: FlowState, now: datetime, limits: Limits) -> bool:
    return state.otp_sent_at is None or now >= state.otp_sent_at + limits.otp_validity


def captcha_session_expired(state: FlowState, now: datetime, limits: Limits) -> bool:
    """The vendor session dates from the captcha step's start, kept as ``notes.session_at``."""
    started = state.notes.session_at
    if started is None:
        return True
    return now >= started + limits.captcha_session_validity


def resend_unlocks_at(state: FlowState, limits: Limits) -> datetime | None:
    """When "Resend OTP" may be used, or ``None`` if no resend is left."""
    if state.otp_sent_at is None or state.resends >= limits.max_resends:
        return None
    return state.otp_sent_at + limits.resend_cooldown


def can_resend(state: FlowState, now: datetime, limits: Limits) -> bool:
    unlocks = resend_unlocks_at(state, limits)
    return unlocks is not None and now >= unlocks


def india_day_start(now: datetime) -> datetime:
    """Midnight in India (IST) of the day containing ``now``: daily caps reset then."""
    local = now.astimezone(INDIA)
    return datetime.combine(local.date(), time(0), tzinfo=INDIA)


def next_india_midnight(now: datetime) -> datetime:
    return india_day_start(now) + timedelta(days=1)


def daily_otp_cap_reached(requests_today: int, limits: Limits) -> bool:
    return requests_today >= limits.daily_otp_requests


def agent_daily_cap_reached(checks_today: int, limits: Limits) -> bool:
    return checks_today >= limits.agent_daily_checks
