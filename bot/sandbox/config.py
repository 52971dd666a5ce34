"""The sandbox's knobs: fixed values for tests, fault switches for the demo and the benchmarks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """How the stand-in vendor behaves. The defaults give a well-behaved, fast vendor.

    Everything random (captcha text, ids, the ``error_rate`` draw) comes from generators seeded
    with ``seed``, so a run with a seed and a fake clock repeats exactly.
    """

    captcha_text: str | None = None
    """Fixes the text of every captcha, so tests can type it; ``None`` draws random text."""

    captcha_required: bool = True
    """With ``False`` generate-otp takes only ``aadhaar_number``, as for an account whose
    vendor flow has no captcha step."""

    latency_ms: int = 0
    """Added to every vendor call (``asyncio.sleep``), to model a slow upstream."""

    error_rate: float = 0.0
    """Fraction of verification calls answered 503 ``{"detail": "Source Unavailable"}``."""

    token_lifetime_s: int = 86400
    """Lifetime of an access token; the real vendor's is 24 hours."""

    client_id: str = "sandbox"
    client_secret: str = "sandbox"  # noqa: S105 (public sandbox credentials, by design)
    """The only credentials :code:`/v1/authorize` accepts; the secret is also the x-api-key."""

    rate_limit_per_second: int | None = None
    """Verification calls per clock second above which the answer is 429, like a vendor plan."""

    rate_limit_per_minute: int | None = None
    """Verification calls per clock minute above which the answer is 429."""

    rate_limit_per_day: int | None = None
    """Verification calls per day (India time) above which the answer is 429."""

    seed: int | None = None
    """Seeds the random generators; ``None`` seeds them from the OS."""

    def __post_init__(self) -> None:
        """Refuse settings that would make the sandbox misbehave in confusing ways later."""
        if not 0.0 <= self.error_rate <= 1.0:
            raise ValueError("error_rate must be between 0 and 1")
        if self.latency_ms < 0 or self.token_lifetime_s <= 0:
            raise ValueError("latency_ms must be >= 0 and token_lifetime_s > 0")
        for name in ("rate_limit_per_second", "rate_limit_per_minute", "rate_limit_per_day"):
            limit = getattr(self, name)
            if limit is not None and limit < 1:
                raise ValueError(f"{name} must be at least 1 (or None for no limit)")

    @classmethod
    def on_plan(cls, plan: str, **settings: Any) -> SandboxConfig:
        """A config that refuses what the real vendor would on the named plan (``"business"``):
        its per-second, per-minute and per-day limits."""
        from bot.vendor.config import plan_limits  # a plain table

        limits = plan_limits(plan)
        return cls(
            rate_limit_per_second=limits.per_second,
            rate_limit_per_minute=limits.per_minute,
            rate_limit_per_day=limits.per_day,
            **settings,
        )
