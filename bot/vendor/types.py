"""What the vendor client returns and raises: the only vendor types the conversation sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from bot.check.outcomes import Outcome


@dataclass(frozen=True, slots=True)
class Captcha:
    session_id: str
    image_jpeg: bytes


@dataclass(frozen=True, slots=True)
class OtpSent:
    reference_id: str


@dataclass(frozen=True, slots=True)
class SeedingResult:
    """The verify-otp answer. ``bank_name is None`` means the number is not seeded to any bank."""

    bank_name: str | None
    status: str | None
    last_updated: date | None

    @property
    def seeded(self) -> bool:
        return bool(self.bank_name)


class VendorError(Exception):
    """A vendor call that did not succeed, classified into an :class:`Outcome`.

    Carries no request parameters and no response body: only what is safe to log.
    """

    def __init__(
        self,
        outcome: Outcome,
        *,
        endpoint: str,
        http_status: int | None = None,
        sub_code: str | None = None,
        transaction_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{endpoint}: {outcome.value} (status={http_status}, sub_code={sub_code})")
        self.outcome = outcome
        self.endpoint = endpoint
        self.http_status = http_status
        self.sub_code = sub_code
        self.transaction_id = transaction_id
        self.retry_after = retry_after


class SeedingVendor(Protocol):
    """The three-step flow as the conversation uses it (the real client and test doubles)."""

    captcha_enabled: bool

    async def initiate_session(self) -> Captcha: ...

    async def reload_captcha(self, session_id: str) -> Captcha: ...

    async def generate_otp(
        self, aadhaar_number: str, *, session_id: str | None, captcha: str | None
    ) -> OtpSent: ...

    async def verify_otp(self, reference_id: str, otp: str) -> SeedingResult: ...

    async def aclose(self) -> None: ...
