"""The vendor sandbox speaks the Deepvue contract: tested over real loopback HTTP (and once in
process through ``httpx.ASGITransport``, the way the bot uses it with no vendor URL configured).

Time only moves through ``FakeClock``; nothing here sleeps to make something expire.
"""

from __future__ import annotations

import asyncio
import base64
import io
import logging
import re
import ssl
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from random import Random
from typing import Any

import httpx
import pytest
from PIL import Image
from stdnum.in_ import aadhaar

from bot.sandbox import SandboxConfig, create_sandbox_app, running_sandbox, sandbox_of, serving
from bot.sandbox.captcha import ALPHABET, SIZE, random_captcha_text, render_captcha
from bot.sandbox.fixtures import DEFAULT, FIXTURES, outcome_for
from testing.clock import FakeClock

SEEDING = "/v1/verification/bank-aadhaar-seeding"
CAPTCHA = "KM7P3X"
HEX32 = re.compile(r"[0-9a-f]{32}")
REFERENCE = re.compile(r"aadhaar_seeding_status_[A-Za-z]{20}")
TLS = ssl.create_default_context()  # shared: loading the CA bundle per client costs ~40 ms
ANY_VALID = "234123412346"  # valid, not in the table: behaves as the default

SBI = {"bank_name": "STATE BANK OF INDIA", "status": "Active", "last_updated_date": "2013-06-01"}
PNB = {"bank_name": "PUNJAB NATIONAL BANK", "status": "Inactive", "last_updated_date": "2019-11-20"}
NONE = {"bank_name": None, "status": None, "last_updated_date": None}


class Vendor:
    """Just enough of a contract client to drive the sandbox (not the bot's real client)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.token = ""

    async def authorize(self) -> httpx.Response:
        form = {"client_id": "sandbox", "client_secret": "sandbox"}
        response = await self.client.post("/v1/authorize", data=form)
        if response.status_code == 200:
            self.token = response.json()["access_token"]
        return response

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "x-api-key": "sandbox"}

    async def initiate(self, **params: str) -> httpx.Response:
        params = {"consent": "Y", "purpose": "bank seeding check", **params}
        url = f"{SEEDING}/initiate-session"
        return await self.client.get(url, params=params, headers=self.headers)

    async def session_id(self) -> str:
        response = await self.initiate()
        assert response.status_code == 200, response.text
        return str(response.json()["data"]["session_id"])

    async def reload(self, session_id: str) -> httpx.Response:
        url = f"{SEEDING}/reload-captcha"
        return await self.client.get(url, params={"session_id": session_id}, headers=self.headers)

    async def generate(self, number: str, **params: str) -> httpx.Response:
        """generate-otp with a fresh session and the fixed captcha, unless params say otherwise."""
        if "session_id" not in params and params.pop("captcha_step", "on") == "on":
            params = {"session_id": await self.session_id(), "captcha": CAPTCHA, **params}
        url = f"{SEEDING}/generate-otp"
        query = {"aadhaar_number": number, **params}
        return await self.client.post(url, params=query, headers=self.headers)

    async def send_otp(self, number: str) -> str:
        response = await self.generate(number)
        assert response.status_code == 200, response.text
        return str(response.json()["data"]["reference_id"])

    async def verify(self, reference_id: str, otp: str = "123456") -> httpx.Response:
        url = f"{SEEDING}/verify-otp"
        query = {"otp": otp, "reference_id": reference_id}
        return await self.client.post(url, params=query, headers=self.headers)


@asynccontextmanager
async def sandbox_vendor(
    config: SandboxConfig | None = None, clock: FakeClock | None = None
) -> AsyncIterator[Vendor]:
    """A fresh sandbox on loopback and an authorized client for it."""
    config = config or SandboxConfig(captcha_text=CAPTCHA, seed=1)
    async with (
        running_sandbox(config, clock or FakeClock()) as base_url,
        httpx.AsyncClient(base_url=base_url, verify=TLS) as client,
    ):
        vendor = Vendor(client)
        assert (await vendor.authorize()).status_code == 200
        yield vendor


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def vendor(clock: FakeClock) -> AsyncIterator[Vendor]:
    async with sandbox_vendor(clock=clock) as vendor:
        yield vendor


def assert_error(response: httpx.Response, status: int, sub_code: str) -> dict[str, Any]:
    """The full error envelope: status in ``code``, a sub_code, a message, a transaction id."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == status
    assert body["sub_code"] == sub_code
    assert body["message"]
    assert HEX32.fullmatch(body["transaction_id"])
    return body


def assert_detail(response: httpx.Response, status: int, detail: str) -> None:
    assert response.status_code == status, response.text
    assert response.json() == {"detail": detail}


# ---- the fixture table ----


def test_every_fixture_number_passes_the_aadhaar_check() -> None:
    assert all(aadhaar.is_valid(number) for number in FIXTURES)
    assert outcome_for(ANY_VALID) is DEFAULT


async def test_verify_reports_each_seeded_fixture(vendor: Vendor, clock: FakeClock) -> None:
    table = {"987654321096": SBI, "234567890124": PNB, "345678901238": NONE, ANY_VALID: SBI}
    for number, expected in table.items():
        sent = await vendor.generate(number)
        assert sent.status_code == 200, number
        body = sent.json()
        assert body["sub_code"] == "SUCCESS"
        assert body["message"] == "OTP Sent Successfully"
        assert body["timestamp"] == int(clock.now().timestamp() * 1000)
        assert HEX32.fullmatch(body["transaction_id"])
        assert body["data"]["aadhaar_number"] == number  # echoed in full, like the vendor
        assert body["data"]["otp_sent"] is True
        reference_id = body["data"]["reference_id"]
        assert REFERENCE.fullmatch(reference_id)

        verified = await vendor.verify(reference_id)
        assert verified.status_code == 200, number
        assert verified.json()["sub_code"] == "SUCCESS"
        assert verified.json()["data"] == {**expected, "reference_id": reference_id}


async def test_generate_otp_failures_follow_the_table(vendor: Vendor) -> None:
    table = {
        "456789012341": (500, "MOBILE_NOT_LINKED_OR_UNABLE_TO_VALIDATE"),
        "567890123458": (500, "SOURCE_FAILURE"),
        "789012345674": (422, "INVALID_AADHAAR_NUMBER"),
        "825323778091": (422, "INVALID_AADHAAR_NUMBER"),  # the seed's example: bad checksum
        "98765432109": (422, "INVALID_AADHAAR_NUMBER"),  # 11 digits
    }
    messages = {
        "MOBILE_NOT_LINKED_OR_UNABLE_TO_VALIDATE": (
            "Either mobile number is not linked or unable to validate at the moment."
        ),
        "SOURCE_FAILURE": "Source failure. Unable to validate.",
        "INVALID_AADHAAR_NUMBER": "Invalid Aadhaar Number or Invalid UID. Please enter valid UID.",
    }
    for number, (status, sub_code) in table.items():
        for _ in range(2):  # "always", not just the first time
            body = assert_error(await vendor.generate(number), status, sub_code)
            assert body["message"] == messages[sub_code]
            assert "data" not in body


async def test_source_failure_once_is_per_sandbox_instance() -> None:
    for _ in range(2):  # each new sandbox fails the first try again
        async with sandbox_vendor() as vendor:
            assert_error(await vendor.generate("678901234560"), 500, "SOURCE_FAILURE")
            reference_id = await vendor.send_otp("678901234560")
            assert (await vendor.verify(reference_id)).json()["data"]["bank_name"] == SBI[
                "bank_name"
            ]


# ---- the captcha step ----


async def test_initiate_session_shape_and_its_validation(vendor: Vendor) -> None:
    body = (await vendor.initiate()).json()
    assert set(body) == {"code", "timestamp", "transaction_id", "data"}  # no sub_code here
    assert HEX32.fullmatch(body["data"]["session_id"])
    assert not body["data"]["captcha"].startswith("data:")

    assert_error(await vendor.initiate(consent="N"), 422, "INVALID_REQUEST")
    no_purpose = await vendor.client.get(
        f"{SEEDING}/initiate-session", params={"consent": "Y"}, headers=vendor.headers
    )
    assert_error(no_purpose, 422, "INVALID_REQUEST")


async def test_captcha_is_a_phone_sized_jpeg_of_the_fixed_text(vendor: Vendor) -> None:
    captcha = (await vendor.initiate()).json()["data"]["captcha"]
    image = Image.open(io.BytesIO(base64.b64decode(captcha, validate=True)))
    assert image.format == "JPEG"
    assert image.size == SIZE
    # The session's text is the configured one (typed in lower case: matching ignores case).
    response = await vendor.generate("987654321096", captcha=CAPTCHA.lower())
    assert response.status_code == 200


def test_captcha_rendering_is_repeatable_and_shows_its_text() -> None:
    assert render_captcha("KM7P3X", Random(3)) == render_captcha("KM7P3X", Random(3))
    assert render_captcha("KM7P3X", Random(3)) != render_captcha("HN4R8Y", Random(3))
    text = random_captcha_text(Random(3))
    assert len(text) == 6
    assert set(text) <= set(ALPHABET)


async def test_wrong_captcha_keeps_the_session_and_success_consumes_it(vendor: Vendor) -> None:
    session_id = await vendor.session_id()
    wrong = await vendor.generate("987654321096", session_id=session_id, captcha="AAAAAA")
    assert assert_error(wrong, 422, "INVALID_CAPTCHA")["message"] == "Invalid captcha"

    reloaded = await vendor.reload(session_id)
    assert reloaded.status_code == 200
    assert reloaded.json()["data"]["session_id"] == session_id

    right = await vendor.generate("987654321096", session_id=session_id, captcha=CAPTCHA)
    assert right.status_code == 200
    again = await vendor.generate("987654321096", session_id=session_id, captcha=CAPTCHA)
    assert_error(again, 422, "SESSION_EXPIRED")


async def test_random_captcha_text_changes_after_a_wrong_answer(clock: FakeClock) -> None:
    """With random text, a wrong answer voids the old text (checked in process for the text)."""
    app = create_sandbox_app(SandboxConfig(seed=5), clock)
    sandbox = sandbox_of(app)
    async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url, verify=TLS) as client:
        vendor = Vendor(client)
        await vendor.authorize()
        session_id = await vendor.session_id()
        old_text = sandbox.captcha_answer(session_id)
        assert old_text is not None
        wrong = await vendor.generate("987654321096", session_id=session_id, captcha="A")
        assert_error(wrong, 422, "INVALID_CAPTCHA")
        new_text = sandbox.captcha_answer(session_id)
        assert new_text not in (None, old_text)
        stale = await vendor.generate("987654321096", session_id=session_id, captcha=old_text)
        assert_error(stale, 422, "INVALID_CAPTCHA")


async def test_sessions_expire_after_ten_minutes(vendor: Vendor, clock: FakeClock) -> None:
    session_id = await vendor.session_id()
    clock.advance(599)
    assert (await vendor.reload(session_id)).status_code == 200
    clock.advance(1)
    assert_error(await vendor.reload(session_id), 422, "SESSION_EXPIRED")
    late = await vendor.generate("987654321096", session_id=session_id, captcha=CAPTCHA)
    assert_error(late, 422, "SESSION_EXPIRED")
    assert_error(await vendor.reload("0" * 32), 422, "SESSION_EXPIRED")


async def test_captcha_step_can_be_switched_off(clock: FakeClock) -> None:
    config = SandboxConfig(captcha_required=False)
    async with sandbox_vendor(config, clock) as vendor:
        response = await vendor.generate("234567890124", captcha_step="off")
        assert response.status_code == 200, response.text
        verified = await vendor.verify(response.json()["data"]["reference_id"])
        assert verified.json()["data"]["bank_name"] == PNB["bank_name"]


# ---- verify-otp ----


async def test_third_wrong_otp_spends_the_reference(vendor: Vendor) -> None:
    reference_id = await vendor.send_otp("987654321096")
    for otp in ("111111", "12345", "654321"):
        body = assert_error(await vendor.verify(reference_id, otp), 422, "INVALID_OTP")
        assert body["message"] == "Invalid OTP"
    assert_error(await vendor.verify(reference_id), 422, "INVALID_REFERENCE_ID")


async def test_references_are_single_use_and_expire(vendor: Vendor, clock: FakeClock) -> None:
    reference_id = await vendor.send_otp("987654321096")
    assert_error(await vendor.verify(reference_id, "000000"), 422, "INVALID_OTP")
    assert (await vendor.verify(reference_id)).status_code == 200
    assert_error(await vendor.verify(reference_id), 422, "INVALID_REFERENCE_ID")
    assert_error(await vendor.verify("aadhaar_seeding_status_x"), 422, "INVALID_REFERENCE_ID")

    expiring = await vendor.send_otp("987654321096")
    clock.advance(599)
    fresh = await vendor.send_otp("987654321096")
    clock.advance(1)
    assert_error(await vendor.verify(expiring), 422, "OTP_EXPIRED")
    assert_error(await vendor.verify(expiring), 422, "OTP_EXPIRED")  # stays expired
    assert (await vendor.verify(fresh)).status_code == 200


# ---- authorization ----


async def test_authorize_takes_form_fields_only(vendor: Vendor, clock: FakeClock) -> None:
    ok = await vendor.authorize()
    body = ok.json()
    assert body["token_type"] == "bearer"
    assert body["expiry"] == "2026-01-16T06:30:00Z"  # clock + 24 h
    assert body["access_token"].count(".") == 2  # looks like a JWT

    fields = {"client_id": (None, "sandbox"), "client_secret": (None, "sandbox")}
    multipart = await vendor.client.post("/v1/authorize", files=fields)
    assert multipart.status_code == 200, multipart.text

    as_json = {"client_id": "sandbox", "client_secret": "sandbox"}
    assert (await vendor.client.post("/v1/authorize", json=as_json)).status_code == 422
    wrong = {"client_id": "sandbox", "client_secret": "nope"}
    assert_detail(
        await vendor.client.post("/v1/authorize", data=wrong),
        401,
        "Incorrect client_id or client_secret",
    )


async def test_verification_calls_check_both_headers(vendor: Vendor, clock: FakeClock) -> None:
    url = f"{SEEDING}/verify-otp"
    params = {"otp": "123456", "reference_id": "r"}
    no_auth = await vendor.client.post(url, params=params, headers={"x-api-key": "sandbox"})
    assert_detail(no_auth, 403, "Not authenticated")
    bogus = {"Authorization": "Bearer abc.def.ghi", "x-api-key": "sandbox"}
    assert_detail(
        await vendor.client.post(url, params=params, headers=bogus),
        403,
        "Could not validate credentials",
    )
    bad_key = {**vendor.headers, "x-api-key": "other"}
    assert_detail(
        await vendor.client.post(url, params=params, headers=bad_key),
        401,
        "Incorrect client_id or client_secret",
    )

    clock.advance(86400)
    assert_detail(await vendor.initiate(), 403, "Could not validate credentials")
    await vendor.authorize()
    assert (await vendor.initiate()).status_code == 200


async def test_revoked_tokens_fail_mid_flow(vendor: Vendor) -> None:
    reference_id = await vendor.send_otp("987654321096")
    assert (await vendor.client.post("/_sandbox/revoke-tokens")).json() == {"revoked": 1}
    assert_detail(await vendor.verify(reference_id), 403, "Could not validate credentials")
    await vendor.authorize()
    assert (await vendor.verify(reference_id)).status_code == 200


# ---- faults, limits and the control endpoints ----


async def add_fault(vendor: Vendor, **fault: Any) -> None:
    response = await vendor.client.post("/_sandbox/faults", json=fault)
    assert response.status_code == 201, response.text


async def test_injected_answers_replace_the_normal_one_once(vendor: Vendor) -> None:
    envelope = {"code": 500, "timestamp": 1, "transaction_id": "t", "sub_code": "SOURCE_FAILURE"}
    await add_fault(vendor, endpoint="initiate-session", status=500, json=envelope)
    await add_fault(vendor, endpoint="initiate-session", status=500, json={"detail": "Boom"})
    await add_fault(
        vendor,
        endpoint="initiate-session",
        status=502,
        text="<html><body>Bad Gateway</body></html>",
        content_type="text/html",
    )
    await add_fault(
        vendor,
        endpoint="initiate-session",
        status=200,
        text="{not json",
        content_type="application/json",
        headers={"x-fault": "malformed"},
    )

    assert (await vendor.initiate()).json() == envelope
    assert_detail(await vendor.initiate(), 500, "Boom")
    html = await vendor.initiate()
    assert (html.status_code, html.headers["content-type"]) == (502, "text/html; charset=utf-8")
    malformed = await vendor.initiate()
    assert malformed.text == "{not json"
    assert malformed.headers["x-fault"] == "malformed"
    assert (await vendor.initiate()).status_code == 200  # faults used up, normal again


async def test_delay_only_fault_gives_a_read_timeout_after_the_work(vendor: Vendor) -> None:
    session_id = await vendor.session_id()
    await add_fault(vendor, endpoint="generate-otp", delay_ms=5000)
    started = time.perf_counter()
    with pytest.raises(httpx.ReadTimeout):
        await vendor.client.post(
            f"{SEEDING}/generate-otp",
            params={"aadhaar_number": "987654321096", "session_id": session_id, "captcha": CAPTCHA},
            headers=vendor.headers,
            timeout=0.2,
        )
    # The vendor still did the work once the client hung up (the OTP went out): the session is
    # spent. Poll with reload-captcha, which does not consume the session.
    while (await vendor.reload(session_id)).status_code == 200:
        assert time.perf_counter() - started < 2, "the 5 s delay should end with the hang-up"
        await asyncio.sleep(0.01)
    retry = await vendor.generate("987654321096", session_id=session_id, captcha=CAPTCHA)
    assert_error(retry, 422, "SESSION_EXPIRED")


async def test_repeating_and_wildcard_faults_last_until_cleared(vendor: Vendor) -> None:
    await add_fault(vendor, endpoint="*", times=-1, status=503, json={"detail": "Down"})
    for _ in range(3):
        assert_detail(await vendor.initiate(), 503, "Down")
        assert_detail(await vendor.authorize(), 503, "Down")
    assert (await vendor.client.delete("/_sandbox/faults")).json() == {"cleared": 1}
    assert (await vendor.initiate()).status_code == 200

    bad = await vendor.client.post("/_sandbox/faults", json={"endpoint": "nowhere"})
    assert bad.status_code == 400


async def test_call_counts_cover_every_vendor_call(vendor: Vendor) -> None:
    reference_id = await vendor.send_otp("987654321096")
    await vendor.verify(reference_id)
    calls = (await vendor.client.get("/_sandbox/calls")).json()
    assert calls == {
        "authorize": 1,
        "initiate-session": 1,
        "reload-captcha": 0,
        "generate-otp": 1,
        "verify-otp": 1,
    }


async def test_error_rate_and_latency(clock: FakeClock) -> None:
    config = SandboxConfig(captcha_text=CAPTCHA, error_rate=1.0, latency_ms=30)
    async with sandbox_vendor(config, clock) as vendor:  # authorize is not a verification call
        started = time.perf_counter()
        assert_detail(await vendor.initiate(), 503, "Source Unavailable")
        assert time.perf_counter() - started >= 0.03


async def test_rate_limit_per_clock_second(clock: FakeClock) -> None:
    config = SandboxConfig(captcha_text=CAPTCHA, rate_limit_per_second=2)
    async with sandbox_vendor(config, clock) as vendor:
        assert (await vendor.initiate()).status_code == 200
        assert (await vendor.initiate()).status_code == 200
        limited = await vendor.initiate()
        assert_detail(limited, 429, "Rate limit exceeded. Please retry after some time.")
        assert (await vendor.client.get("/_sandbox/rate-limited")).json() == {"rate_limited": 1}
        clock.advance(1)
        assert (await vendor.initiate()).status_code == 200


async def test_rate_limit_per_clock_minute_and_india_day(clock: FakeClock) -> None:
    """The plan's other windows, as the vendor counts them: per clock minute, per day."""
    config = SandboxConfig(captcha_text=CAPTCHA, rate_limit_per_minute=3, rate_limit_per_day=5)
    clock.set(datetime(2026, 1, 15, 18, 27, 0, tzinfo=UTC))  # 23:57 in India
    async with sandbox_vendor(config, clock) as vendor:
        for _ in range(3):
            assert (await vendor.initiate()).status_code == 200
            clock.advance(2)  # well under the per-second limit: only the minute counts
        assert (await vendor.initiate()).status_code == 429  # 4th in the minute
        clock.advance(60)
        assert (await vendor.initiate()).status_code == 200  # 5th of the day (a refused one counts)
        clock.advance(60)
        assert (await vendor.initiate()).status_code == 429  # 6th of the India day
        clock.set(datetime(2026, 1, 15, 18, 30, 1, tzinfo=UTC))  # past midnight in India
        assert (await vendor.initiate()).status_code == 200


def test_sandbox_takes_a_plans_limits() -> None:
    config = SandboxConfig.on_plan("business", latency_ms=5)
    assert (config.rate_limit_per_second, config.rate_limit_per_minute) == (2, 100)
    assert (config.rate_limit_per_day, config.latency_ms) == (10_000, 5)
    assert SandboxConfig.on_plan("unlimited").rate_limit_per_day is None


async def test_sandbox_logs_no_aadhaar_number_or_otp(
    vendor: Vendor, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        await vendor.verify(await vendor.send_otp("987654321096"), "123456")
        await vendor.generate("825323778091")
    # httpx/httpcore records come from this test's own client, not from the sandbox.
    server_side = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    logged = "\n".join(record.getMessage() for record in server_side)
    assert "987654321096" not in logged
    assert "825323778091" not in logged
    assert "123456" not in logged


async def test_serving_leaves_no_tasks_behind() -> None:
    before = asyncio.all_tasks()
    async with running_sandbox(SandboxConfig(), FakeClock()) as base_url:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base_url)
        assert not base_url.endswith(":0")
        async with httpx.AsyncClient(base_url=base_url, verify=TLS) as client:
            assert (await client.get("/_sandbox/calls")).status_code == 200
    assert asyncio.all_tasks() == before


# ---- in process, as the bot uses it without a vendor URL ----


async def test_in_process_through_asgi_transport(clock: FakeClock) -> None:
    app = create_sandbox_app(SandboxConfig(captcha_text=CAPTCHA, seed=7), clock)
    sandbox = sandbox_of(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        vendor = Vendor(client)
        await vendor.authorize()
        reference_id = await vendor.send_otp("234567890124")
        verified = await vendor.verify(reference_id)
        assert verified.json()["data"]["status"] == "Inactive"

        sandbox.add_fault("verify-otp", status=500, json={"detail": "Internal Server Error"})
        sandbox.add_fault("verify-otp", status=418)
        assert sandbox.clear_faults() == 2
        sandbox.add_fault("verify-otp", status=500, json={"detail": "Internal Server Error"})
        assert_detail(await vendor.verify("r"), 500, "Internal Server Error")

        assert sandbox.revoke_tokens() == 1
        assert_detail(await vendor.initiate(), 403, "Could not validate credentials")
        assert sandbox.calls["verify-otp"] == 2
        assert sandbox.calls["initiate-session"] == 2


async def test_seeded_error_rate_repeats(clock: FakeClock) -> None:
    async def statuses() -> list[int]:
        app = create_sandbox_app(SandboxConfig(error_rate=0.5, seed=11), clock)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
            vendor = Vendor(client)
            await vendor.authorize()
            return [(await vendor.initiate()).status_code for _ in range(20)]

    first = await statuses()
    assert first == await statuses()
    assert set(first) == {200, 503}


def test_config_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="error_rate"):
        SandboxConfig(error_rate=1.5)
    with pytest.raises(ValueError, match="rate_limit"):
        SandboxConfig(rate_limit_per_second=0)
