"""The real client against the sandbox in process (httpx.ASGITransport), through the whole flow."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from bot.check.outcomes import Outcome
from bot.sandbox import Sandbox, SandboxConfig, create_sandbox_app, sandbox_of
from bot.vendor.client import DeepvueClient
from bot.vendor.config import VendorConfig
from bot.vendor.types import SeedingResult, VendorError
from testing.clock import FakeClock

CAPTCHA = "ABC123"
OTP = "123456"
CONFIG = VendorConfig(
    base_url="http://sandbox.invalid", client_id="sandbox", client_secret=SecretStr("sandbox")
)


async def no_wait(seconds: float) -> None:
    """Backoff and pacing sleeps in these tests are not the subject: skip them."""


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(captcha_text=CAPTCHA, seed=1)


@pytest.fixture
def app(sandbox_config: SandboxConfig, clock: FakeClock) -> Starlette:
    return create_sandbox_app(sandbox_config, clock)


@pytest.fixture
def sandbox(app: Starlette) -> Sandbox:
    return sandbox_of(app)


@pytest.fixture
async def client(app: Starlette, clock: FakeClock) -> AsyncIterator[DeepvueClient]:
    client = make_client(app, clock)
    yield client
    await client.aclose()


def make_client(app: Starlette, clock: FakeClock, **changes: Any) -> DeepvueClient:
    return DeepvueClient(
        dataclasses.replace(CONFIG, **changes),
        clock=clock,
        transport=httpx.ASGITransport(app=app),
        sleep=no_wait,
    )


async def check(client: DeepvueClient, number: str, otp: str = OTP) -> SeedingResult:
    """The conversation's path: captcha, OTP, verify."""
    captcha = await client.initiate_session()
    assert captcha.image_jpeg.startswith(b"\xff\xd8")  # a JPEG, decoded from base64
    sent = await client.generate_otp(number, session_id=captcha.session_id, captcha=CAPTCHA)
    return await client.verify_otp(sent.reference_id, otp)


async def test_active_sbi(client: DeepvueClient) -> None:
    result = await check(client, "987654321096")
    assert result == SeedingResult("STATE BANK OF INDIA", "Active", date(2013, 6, 1))
    assert result.seeded


async def test_inactive_pnb(client: DeepvueClient) -> None:
    result = await check(client, "234567890124")
    assert result == SeedingResult("PUNJAB NATIONAL BANK", "Inactive", date(2019, 11, 20))


async def test_not_seeded(client: DeepvueClient) -> None:
    result = await check(client, "345678901238")
    assert result == SeedingResult(None, None, None)
    assert not result.seeded


@pytest.mark.parametrize(
    ("number", "outcome"),
    [
        ("456789012341", Outcome.MOBILE_NOT_LINKED),
        ("789012345674", Outcome.INVALID_AADHAAR),
        ("567890123458", Outcome.UPSTREAM_UNAVAILABLE),  # SOURCE_FAILURE: no second SMS
    ],
)
async def test_generate_otp_failures(
    client: DeepvueClient, sandbox: Sandbox, number: str, outcome: Outcome
) -> None:
    with pytest.raises(VendorError) as raised:
        await check(client, number)
    assert raised.value.outcome is outcome
    assert raised.value.transaction_id
    assert sandbox.calls["generate-otp"] == 1
    assert sandbox.calls["verify-otp"] == 0


async def test_source_failure_once_then_the_user_tries_again(client: DeepvueClient) -> None:
    with pytest.raises(VendorError) as raised:
        await check(client, "678901234560")
    assert raised.value.outcome is Outcome.UPSTREAM_UNAVAILABLE
    assert (await check(client, "678901234560")).seeded


async def test_wrong_captcha_then_reload(client: DeepvueClient) -> None:
    captcha = await client.initiate_session()
    with pytest.raises(VendorError) as raised:
        await client.generate_otp("987654321096", session_id=captcha.session_id, captcha="WRONG1")
    assert raised.value.outcome is Outcome.INVALID_CAPTCHA
    again = await client.reload_captcha(captcha.session_id)
    assert again.session_id == captcha.session_id
    sent = await client.generate_otp("987654321096", session_id=again.session_id, captcha=CAPTCHA)
    assert sent.reference_id.startswith("aadhaar_seeding_status_")


async def test_unknown_session_is_expired(client: DeepvueClient) -> None:
    with pytest.raises(VendorError) as raised:
        await client.reload_captcha("0" * 32)
    assert raised.value.outcome is Outcome.SESSION_EXPIRED


async def test_wrong_otp_then_spent_reference(client: DeepvueClient) -> None:
    captcha = await client.initiate_session()
    sent = await client.generate_otp("987654321096", session_id=captcha.session_id, captcha=CAPTCHA)
    with pytest.raises(VendorError) as raised:
        await client.verify_otp(sent.reference_id, "000000")
    assert raised.value.outcome is Outcome.INVALID_OTP
    assert (await client.verify_otp(sent.reference_id, OTP)).seeded
    with pytest.raises(VendorError) as raised:
        await client.verify_otp(sent.reference_id, OTP)
    assert raised.value.outcome is Outcome.OTP_EXPIRED


async def test_otp_expires_after_ten_minutes(client: DeepvueClient, clock: FakeClock) -> None:
    captcha = await client.initiate_session()
    sent = await client.generate_otp("987654321096", session_id=captcha.session_id, captcha=CAPTCHA)
    clock.advance(601)
    with pytest.raises(VendorError) as raised:
        await client.verify_otp(sent.reference_id, OTP)
    assert raised.value.outcome is Outcome.OTP_EXPIRED


async def test_revoked_token_is_renewed_mid_flow(client: DeepvueClient, sandbox: Sandbox) -> None:
    captcha = await client.initiate_session()
    sandbox.revoke_tokens()
    sent = await client.generate_otp("987654321096", session_id=captcha.session_id, captcha=CAPTCHA)
    assert (await client.verify_otp(sent.reference_id, OTP)).seeded
    assert sandbox.calls["authorize"] == 2
    assert sandbox.calls["generate-otp"] == 2  # refused once (403), then sent: one SMS


async def test_token_refreshed_before_the_sandbox_expires_it(
    client: DeepvueClient, sandbox: Sandbox, clock: FakeClock
) -> None:
    await check(client, "987654321096")
    clock.advance(24 * 3600 - 60)
    await check(client, "987654321096")
    assert sandbox.calls["authorize"] == 2
    assert sandbox.calls["initiate-session"] == 2  # no refusal on the way


async def test_wrong_credentials(app: Starlette, clock: FakeClock, sandbox: Sandbox) -> None:
    client = make_client(app, clock, client_secret=SecretStr("wrong"))
    with pytest.raises(VendorError) as raised:
        await client.initiate_session()
    assert (raised.value.outcome, raised.value.endpoint) == (
        Outcome.CREDENTIALS_REJECTED,
        "authorize",
    )
    assert sandbox.calls["initiate-session"] == 0
    await client.aclose()


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(captcha_required=False)])
async def test_account_without_captcha(app: Starlette, clock: FakeClock) -> None:
    client = make_client(app, clock, captcha_enabled=False)
    sent = await client.generate_otp("987654321096", session_id=None, captcha=None)
    assert (await client.verify_otp(sent.reference_id, OTP)).seeded
    await client.aclose()


async def test_injected_503_is_retried(client: DeepvueClient, sandbox: Sandbox) -> None:
    sandbox.add_fault("verify-otp", status=503, json={"detail": "Source Unavailable"}, times=2)
    assert (await check(client, "987654321096")).seeded
    assert sandbox.calls["verify-otp"] == 3


async def test_pacing_keeps_a_burst_under_the_sandbox_limit(
    clock: FakeClock,
) -> None:
    app = create_sandbox_app(SandboxConfig(captcha_text=CAPTCHA, rate_limit_per_second=2), clock)
    waits: list[float] = []

    async def sleep_on_clock(seconds: float) -> None:
        waits.append(seconds)
        clock.advance(seconds)

    client = DeepvueClient(
        dataclasses.replace(CONFIG, per_second=2),
        clock=clock,
        transport=httpx.ASGITransport(app=app),
        sleep=sleep_on_clock,
    )
    for _ in range(6):  # sequential, so the clock only moves through the pacer
        await client.initiate_session()
    assert sandbox_of(app).calls["initiate-session"] == 6  # not one 429 to send again
    assert waits == pytest.approx([1.05, 1.05])  # each window 1 s plus the pacing guard
    await client.aclose()
