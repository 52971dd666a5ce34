"""Settings of the Deepvue client: documented values as defaults, inferred ones as settings.

Everything the contract marks [INFER] (the captcha step, its paths, the not-seeded sub_codes)
is a field here, so that the real vendor differing from our guess is a config change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from pydantic import SecretStr

from bot.vendor.errors import DEFAULT_NOT_SEEDED_SUB_CODES, Endpoint

_SEEDING = "/v1/verification/bank-aadhaar-seeding"


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Calls allowed per window; ``None`` means that window is not paced."""

    per_second: int | None = None
    per_minute: int | None = None
    per_day: int | None = None


# The vendor's plans [DOC-other]: limits are per API key, checked per second, minute and day.
PLAN_LIMITS: Mapping[str, RateLimits] = MappingProxyType(
    {
        "starter": RateLimits(per_second=1, per_minute=30, per_day=1_000),
        "business": RateLimits(per_second=2, per_minute=100, per_day=10_000),
        "growth": RateLimits(per_second=5, per_minute=500, per_day=20_000),
        "enterprise": RateLimits(per_second=17, per_minute=1_000, per_day=50_000),
        "unlimited": RateLimits(),
    }
)


def plan_limits(plan: str) -> RateLimits:
    """The limits of a vendor plan by name (case-insensitive), e.g. ``"business"``."""
    try:
        return PLAN_LIMITS[plan.strip().lower()]
    except KeyError:
        known = ", ".join(PLAN_LIMITS)
        raise ValueError(f"unknown Deepvue plan {plan!r}; known plans: {known}") from None


@dataclass(frozen=True)
class VendorConfig:
    """How to reach the vendor and how patiently. Times are in seconds."""

    base_url: str
    client_id: str
    client_secret: SecretStr
    captcha_enabled: bool = True
    purpose: str = "Bank Aadhaar seeding status check"
    authorize_path: str = "/v1/authorize"
    initiate_session_path: str = f"{_SEEDING}/initiate-session"
    reload_captcha_path: str = f"{_SEEDING}/reload-captcha"
    generate_otp_path: str = f"{_SEEDING}/generate-otp"
    verify_otp_path: str = f"{_SEEDING}/verify-otp"
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_attempts: int = 3  # sends of one call in all, where sending again is safe
    backoff_base_s: float = 0.25
    backoff_max_s: float = 4.0
    # A Retry-After longer than this is not waited out: the call fails as RATE_LIMITED and
    # carries the wait, so the user hears "try later" instead of a silent minute.
    retry_after_max_s: float = 10.0
    token_refresh_margin_s: float = 300.0
    per_second: int | None = None
    per_minute: int | None = None
    per_day: int | None = None
    # The longest a call queues behind the pacer before failing as RATE_LIMITED (a per-day
    # limit would otherwise hold a user for hours).
    pacing_max_wait_s: float = 30.0
    # Each pacing window is this much longer than its second or minute: network jitter between
    # our grant and the vendor's count must not turn into a 429 (it costs 5 % of a per-second
    # limit's throughput, 0.1 % of a per-minute one's).
    pacing_guard_s: float = 0.05
    not_seeded_sub_codes: frozenset[str] = DEFAULT_NOT_SEEDED_SUB_CODES

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        for limit in (self.per_second, self.per_minute, self.per_day):
            if limit is not None and limit < 1:
                raise ValueError("rate limits must be positive or None")
        if min(self.connect_timeout, self.read_timeout) <= 0:
            raise ValueError("timeouts must be positive")

    @property
    def rate_limits(self) -> RateLimits:
        return RateLimits(self.per_second, self.per_minute, self.per_day)

    def with_plan(self, plan: str) -> VendorConfig:
        """This config paced under the named plan's limits (see :data:`PLAN_LIMITS`)."""
        return dataclasses.replace(self, **dataclasses.asdict(plan_limits(plan)))

    def shared_by(self, processes: int) -> VendorConfig:
        """This config's share of the rate limits when ``processes`` pace separately (worker
        processes, bot/runtime/workers.py): together they stay within the plan, rounding down. A
        limit smaller than ``processes`` cannot be shared so (ValueError; Settings refuses
        such a BOT_WORKERS first)."""
        if processes <= 1:
            return self

        def share(limit: int | None) -> int | None:
            if limit is not None and limit < processes:
                raise ValueError(f"a limit of {limit} cannot be shared by {processes} processes")
            return None if limit is None else limit // processes

        return dataclasses.replace(
            self,
            per_second=share(self.per_second),
            per_minute=share(self.per_minute),
            per_day=share(self.per_day),
        )

    def path(self, endpoint: Endpoint) -> str:
        return {
            Endpoint.AUTHORIZE: self.authorize_path,
            Endpoint.INITIATE_SESSION: self.initiate_session_path,
            Endpoint.RELOAD_CAPTCHA: self.reload_captcha_path,
            Endpoint.GENERATE_OTP: self.generate_otp_path,
            Endpoint.VERIFY_OTP: self.verify_otp_path,
        }[endpoint]
