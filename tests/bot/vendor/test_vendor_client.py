"""The Deepvue client against a scripted fake vendor (httpx.MockTransport), on a fake clock."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import logging
import random
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from pydantic import SecretStr

from bot.check.outcomes import Outcome
from bot.vendor.client import DeepvueClient
from bot.vendor.config import VendorConfig
from bot.vendor.types import Captcha, OtpSent, SeedingResult, VendorError
from testing.clock import FakeClock

AADHAAR = "234123412346"  # a test vector of python-stdnum, not a person's number
OTP = "123456"
SECRET = "s3cret-key"
JPEG = b"\xff\xd8\xff\xe0 fake jpeg"
REFERENCE = "aadhaar_seeding_status_uWTCaxnFXzAkaAwhimjo"
TX = "794d863534e64702b0e908fbf6639970"
CONFIG = VendorConfig(
    base_url="https://vendor.test", client_id="client-1", client_secret=SecretStr(SECRET)
)

Answer = Callable[[httpx.Request], httpx.Response]


def envelope(code: int, sub_code: str | None = "SUCCESS", /, **data: object) -> httpx.Response:
    body: dict[str, object] = {"code": code, "timestamp": 1738007869132, "transaction_id": TX}
    if sub_code is not None:
        body["sub_code"] = sub_code
    if data:
        body["data"] = data
    return httpx.Response(code, json=body)


def detail(status: int, text: str) -> httpx.Response:
    return httpx.Response(status, json={"detail": text})


def fails(error: type[httpx.RequestError]) -> Answer:
    def answer(request: httpx.Request) -> httpx.Response:
        raise error("scripted failure", request=request)

    return answer


class FakeVendor:
    """Speaks the contract's success shapes; ``script`` queues other answers per endpoint."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.requests: list[httpx.Request] = []
        self.valid_tokens: set[str] = set()
        self.token_lifetime = timedelta(hours=24)
        self._scripts: dict[str, list[httpx.Response | Answer]] = defaultdict(list)

    def script(self, endpoint: str, *answers: httpx.Response | Answer) -> None:
        self._scripts[endpoint].extend(answers)

    def sent(self, endpoint: str) -> list[httpx.Request]:
        return [request for request in self.requests if request.url.path.endswith(endpoint)]

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        endpoint = request.url.path.rsplit("/", 1)[-1]
        await asyncio.sleep(0)  # a real network yields: let concurrent callers interleave
        if self._scripts[endpoint]:
            answer = self._scripts[endpoint].pop(0)
            return answer if isinstance(answer, httpx.Response) else answer(request)
        if endpoint == "authorize":
            return self._authorize()
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in (
            self.valid_tokens
        ):
            return detail(401, "Not authenticated")
        captcha = base64.b64encode(JPEG).decode()
        return {
            "initiate-session": lambda: envelope(200, None, session_id="f" * 32, captcha=captcha),
            "reload-captcha": lambda: envelope(200, None, captcha=captcha),
            "generate-otp": lambda: envelope(
                200,
                aadhaar_number=request.url.params["aadhaar_number"],  # the vendor's echo
                otp_sent=True,
                reference_id=REFERENCE,
            ),
            "verify-otp": lambda: envelope(
                200,
                bank_name="STATE BANK OF INDIA",
                status="Active",
                last_updated_date="2013-06-01",
                reference_id=REFERENCE,
            ),
        }[endpoint]()

    def _authorize(self) -> httpx.Response:
        token = f"jwt-{len(self.valid_tokens) + 1}"
        self.valid_tokens.add(token)
        expiry = (self.clock.now() + self.token_lifetime).strftime("%Y-%m-%dT%H:%M:%SZ")
        return httpx.Response(
            200, json={"access_token": token, "token_type": "bearer", "expiry": expiry}
        )


class Sleeps(list[float]):
    """The injected ``sleep``: remembers each wait and moves the fake clock instead of waiting."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)
        self.clock.advance(seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def vendor(clock: FakeClock) -> FakeVendor:
    return FakeVendor(clock)


@pytest.fixture
def sleeps(clock: FakeClock) -> Sleeps:
    return Sleeps(clock)


@pytest.fixture
def make_client(
    vendor: FakeVendor, clock: FakeClock, sleeps: Sleeps
) -> Callable[..., DeepvueClient]:
    def make(**changes: Any) -> DeepvueClient:
        return DeepvueClient(
            dataclasses.replace(CONFIG, **changes),
            clock=clock,
            transport=httpx.MockTransport(vendor),
            sleep=sleeps,
            rng=random.Random(7),
        )

    return make


@pytest.fixture
async def client(make_client: Callable[..., DeepvueClient]) -> AsyncIterator[DeepvueClient]:
    client = make_client()
    yield client
    await client.aclose()


async def run_flow(client: DeepvueClient) -> tuple[Captcha, Captcha, OtpSent, SeedingResult]:
    first = await client.initiate_session()
    again = await client.reload_captcha(first.session_id)
    sent = await client.generate_otp(AADHAAR, session_id=first.session_id, captcha="ABC123")
    return first, again, sent, await client.verify_otp(sent.reference_id, OTP)


async def call(client: DeepvueClient, endpoint: str) -> object:
    """One call of the named step, with valid arguments (authorize: via initiate-session)."""
    if endpoint == "reload-captcha":
        return await client.reload_captcha("f" * 32)
    if endpoint == "generate-otp":
        return await client.generate_otp(AADHAAR, session_id="s", captcha="c")
    if endpoint == "verify-otp":
        return await client.verify_otp(REFERENCE, OTP)
    return await client.initiate_session()


# --- the wire: parameters, headers, bodies


async def test_full_flow_sends_exactly_the_documented_request(
    client: DeepvueClient, vendor: FakeVendor
) -> None:
    first, again, sent, result = await run_flow(client)

    assert first == Captcha(session_id="f" * 32, image_jpeg=JPEG)
    assert again == first
    assert sent == OtpSent(reference_id=REFERENCE)
    assert result == SeedingResult("STATE BANK OF INDIA", "Active", date(2013, 6, 1))

    wire = [
        (r.method, r.url.path, dict(r.url.params), r.content, r.url.host) for r in vendor.requests
    ]
    seeding = "/v1/verification/bank-aadhaar-seeding"
    purpose = "Bank Aadhaar seeding status check"
    assert wire == [
        ("POST", "/v1/authorize", {}, wire[0][3], "vendor.test"),
        (
            "GET",
            f"{seeding}/initiate-session",
            {"consent": "Y", "purpose": purpose},
            b"",
            "vendor.test",
        ),
        ("GET", f"{seeding}/reload-captcha", {"session_id": "f" * 32}, b"", "vendor.test"),
        (
            "POST",
            f"{seeding}/generate-otp",
            {"aadhaar_number": AADHAAR, "session_id": "f" * 32, "captcha": "ABC123"},
            b"",
            "vendor.test",
        ),
        (
            "POST",
            f"{seeding}/verify-otp",
            {"otp": OTP, "reference_id": REFERENCE},
            b"",
            "vendor.test",
        ),
    ]
    authorize, *calls = vendor.requests
    assert parse_qs(authorize.content.decode()) == {
        "client_id": ["client-1"],
        "client_secret": [SECRET],
    }
    assert authorize.headers["content-type"] == "application/x-www-form-urlencoded"
    assert "authorization" not in authorize.headers and "x-api-key" not in authorize.headers
    for request in calls:
        assert request.headers["authorization"] == "Bearer jwt-1"
        assert request.headers["x-api-key"] == SECRET
        assert "content-type" not in request.headers


async def test_without_captcha_generate_sends_only_the_number(
    make_client: Callable[..., DeepvueClient], vendor: FakeVendor
) -> None:
    client = make_client(captcha_enabled=False)
    assert client.captcha_enabled is False
    await client.generate_otp(AADHAAR, session_id=None, captcha=None)
    assert dict(vendor.sent("generate-otp")[0].url.params) == {"aadhaar_number": AADHAAR}
    await client.aclose()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.generate_otp(AADHAAR, session_id=None, captcha=None), "captcha"),
        (lambda c: c.generate_otp("2341 2341 2346", session_id="s", captcha="c"), "12 digits"),
        (lambda c: c.verify_otp(REFERENCE, "12345"), "6 digits"),
    ],
)
async def test_misuse_raises_before_sending(
    client: DeepvueClient, vendor: FakeVendor, call: Callable[[DeepvueClient], object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        await call(client)  # type: ignore[misc]
    assert vendor.requests == []


# --- the token


async def test_token_is_cached(client: DeepvueClient, vendor: FakeVendor) -> None:
    await run_flow(client)
    await run_flow(client)
    assert len(vendor.sent("authorize")) == 1


async def test_twenty_concurrent_callers_share_one_authorize(
    client: DeepvueClient, vendor: FakeVendor, clock: FakeClock
) -> None:
    await asyncio.gather(*(client.initiate_session() for _ in range(20)))
    assert len(vendor.sent("authorize")) == 1
    clock.advance(24 * 3600)  # every caller now finds the token expired at once
    await asyncio.gather(*(client.initiate_session() for _ in range(20)))
    assert len(vendor.sent("authorize")) == 2
    assert len(vendor.sent("initiate-session")) == 40


async def test_token_is_refreshed_before_expiry(
    client: DeepvueClient, vendor: FakeVendor, clock: FakeClock
) -> None:
    await client.initiate_session()
    clock.advance(24 * 3600 - 301)  # 301 s before expiry: outside the 300 s margin
    await client.initiate_session()
    assert len(vendor.sent("authorize")) == 1
    clock.advance(2)  # 299 s before expiry
    await client.initiate_session()
    assert len(vendor.sent("authorize")) == 2
    assert vendor.sent("initiate-session")[-1].headers["authorization"] == "Bearer jwt-2"


async def test_short_lived_token_is_refreshed_half_way(
    client: DeepvueClient, vendor: FakeVendor, clock: FakeClock
) -> None:
    vendor.token_lifetime = timedelta(seconds=120)  # shorter than the margin
    await client.initiate_session()
    await client.initiate_session()  # not re-authorized on every call
    clock.advance(60)
    await client.initiate_session()
    assert len(vendor.sent("authorize")) == 2


@pytest.mark.parametrize(
    "refusal",
    [
        detail(401, "Not authenticated"),
        detail(401, "Could not validate credentials"),
        detail(403, "Not a valid token"),
        httpx.Response(401, text="<html>Unauthorized</html>"),
    ],
)
async def test_refused_token_is_renewed_once_and_the_call_sent_again(
    client: DeepvueClient, vendor: FakeVendor, refusal: httpx.Response
) -> None:
    await client.initiate_session()
    vendor.script("verify-otp", refusal)
    assert (await client.verify_otp(REFERENCE, OTP)).seeded
    assert len(vendor.sent("authorize")) == 2
    assert [r.headers["authorization"] for r in vendor.sent("verify-otp")] == [
        "Bearer jwt-1",
        "Bearer jwt-2",
    ]


async def test_second_refusal_is_credentials_rejected(
    client: DeepvueClient, vendor: FakeVendor
) -> None:
    vendor.script(
        "initiate-session", detail(401, "Not authenticated"), detail(403, "Not a valid token")
    )
    with pytest.raises(VendorError) as raised:
        await client.initiate_session()
    assert raised.value.outcome is Outcome.CREDENTIALS_REJECTED
    assert raised.value.http_status == 403
    assert len(vendor.sent("authorize")) == 2
    assert len(vendor.sent("initiate-session")) == 2


@pytest.mark.parametrize(
    "refusal",
    [detail(401, "Incorrect client_id or client_secret"), detail(400, "Inactive client_id")],
)
async def test_wrong_credentials_are_rejected_without_retry(
    client: DeepvueClient, vendor: FakeVendor, refusal: httpx.Response
) -> None:
    vendor.script("authorize", refusal)
    with pytest.raises(VendorError) as raised:
        await client.initiate_session()
    assert (raised.value.outcome, raised.value.endpoint) == (
        Outcome.CREDENTIALS_REJECTED,
        "authorize",
    )
    assert len(vendor.requests) == 1


async def test_credentials_refused_on_a_verification_call_are_not_retried(
    client: DeepvueClient, vendor: FakeVendor
) -> None:
    vendor.script("initiate-session", detail(401, "Incorrect client_id or client_secret"))
    with pytest.raises(VendorError) as raised:
        await client.initiate_session()
    assert raised.value.outcome is Outcome.CREDENTIALS_REJECTED
    assert len(vendor.sent("authorize")) == 1


# --- sending again, only where safe


# Failures where nothing reached the citizen, and what they become once the attempts run out.
TRANSIENT: list[tuple[httpx.Response | Answer, Outcome]] = [
    (fails(httpx.ConnectError), Outcome.UPSTREAM_UNAVAILABLE),
    (fails(httpx.ConnectTimeout), Outcome.UPSTREAM_UNAVAILABLE),
    (detail(429, "Rate limit exceeded. Please retry after some time."), Outcome.RATE_LIMITED),
    (detail(503, "Source Unavailable"), Outcome.UPSTREAM_UNAVAILABLE),
]


@pytest.mark.parametrize("failure", [failure for failure, _ in TRANSIENT])
async def test_safe_failures_are_sent_again_with_backoff(
    client: DeepvueClient, vendor: FakeVendor, sleeps: Sleeps, failure: httpx.Response | Answer
) -> None:
    vendor.script("generate-otp", failure, failure)
    assert await client.generate_otp(AADHAAR, session_id="s", captcha="c") == OtpSent(REFERENCE)
    assert len(vendor.sent("generate-otp")) == 3
    assert len(sleeps) == 2
    assert 0 <= sleeps[0] <= 0.25 and 0 <= sleeps[1] <= 0.5  # full jitter under the ceiling


@pytest.mark.parametrize(("failure", "outcome"), TRANSIENT)
async def test_retries_stop_at_max_attempts(
    client: DeepvueClient,
    vendor: FakeVendor,
    sleeps: Sleeps,
    failure: httpx.Response | Answer,
    outcome: Outcome,
) -> None:
    vendor.script("verify-otp", *[failure] * 5)
    with pytest.raises(VendorError) as raised:
        await client.verify_otp(REFERENCE, OTP)
    assert raised.value.outcome is outcome
    assert len(vendor.sent("verify-otp")) == 3
    assert len(sleeps) == 2


async def test_retry_after_is_honoured(
    client: DeepvueClient, vendor: FakeVendor, sleeps: Sleeps
) -> None:
    vendor.script("initiate-session", httpx.Response(429, headers={"Retry-After": "3"}))
    await client.initiate_session()
    assert sleeps == [3.0]


async def test_a_long_retry_after_is_passed_on_not_waited(
    client: DeepvueClient, vendor: FakeVendor, sleeps: Sleeps
) -> None:
    vendor.script("initiate-session", httpx.Response(429, headers={"Retry-After": "60"}))
    with pytest.raises(VendorError) as raised:
        await client.initiate_session()
    assert (raised.value.outcome, raised.value.retry_after) == (Outcome.RATE_LIMITED, 60.0)
    assert sleeps == []
    assert len(vendor.sent("initiate-session")) == 1


@pytest.mark.parametrize(
    ("failure", "outcome"),
    [
        (fails(httpx.ReadTimeout), Outcome.NO_ANSWER),
        (fails(httpx.WriteTimeout), Outcome.NO_ANSWER),
        (fails(httpx.WriteError), Outcome.NO_ANSWER),
        (fails(httpx.RemoteProtocolError), Outcome.NO_ANSWER),
        (envelope(500, "SOURCE_FAILURE"), Outcome.UPSTREAM_UNAVAILABLE),
        (detail(500, "Internal Server Error"), Outcome.UPSTREAM_UNAVAILABLE),
    ],
)
async def test_generate_otp_is_never_sent_twice_once_it_may_have_arrived(
    client: DeepvueClient,
    vendor: FakeVendor,
    sleeps: Sleeps,
    failure: httpx.Response | Answer,
    outcome: Outcome,
) -> None:
    vendor.script("generate-otp", failure)
    with pytest.raises(VendorError) as raised:
        await client.generate_otp(AADHAAR, session_id="s", captcha="c")
    assert raised.value.outcome is outcome
    assert len(vendor.sent("generate-otp")) == 1
    assert sleeps == []


@pytest.mark.parametrize("endpoint", ["initiate-session", "reload-captcha", "verify-otp"])
async def test_source_failure_is_sent_again_on_safe_steps(
    client: DeepvueClient, vendor: FakeVendor, endpoint: str
) -> None:
    vendor.script(endpoint, envelope(500, "SOURCE_FAILURE"))
    await call(client, endpoint)
    assert len(vendor.sent(endpoint)) == 2


# --- answers


async def test_not_seeded_is_a_result_both_ways(client: DeepvueClient, vendor: FakeVendor) -> None:
    vendor.script(
        "verify-otp",
        envelope(200, bank_name=None, status=None, last_updated_date=None, reference_id=REFERENCE),
        envelope(422, "AADHAAR_NOT_SEEDED"),
    )
    for _ in range(2):
        result = await client.verify_otp(REFERENCE, OTP)
        assert result == SeedingResult(None, None, None)
        assert not result.seeded


async def test_unknown_sub_code_is_unknown_and_logged_with_its_transaction_id(
    client: DeepvueClient, vendor: FakeVendor, caplog: pytest.LogCaptureFixture
) -> None:
    vendor.script("generate-otp", envelope(500, "SOMETHING_NEW"))
    with caplog.at_level(logging.INFO, logger="bot.vendor"), pytest.raises(VendorError) as raised:
        await client.generate_otp(AADHAAR, session_id="s", captcha="c")
    error = raised.value
    assert (error.outcome, error.sub_code, error.transaction_id) == (
        Outcome.UNKNOWN,
        "SOMETHING_NEW",
        TX,
    )
    line = next(r for r in caplog.records if "generate-otp" in r.getMessage())
    assert line.levelno == logging.WARNING
    assert f"transaction_id={TX}" in line.getMessage()
    assert "sub_code=SOMETHING_NEW" in line.getMessage()


@pytest.mark.parametrize(
    ("endpoint", "answer", "outcome"),
    [
        ("generate-otp", envelope(200, otp_sent=True), Outcome.UNKNOWN),  # no reference_id
        ("generate-otp", envelope(200, otp_sent=False, reference_id="r"), Outcome.UNKNOWN),
        ("initiate-session", envelope(200, None, session_id="s"), Outcome.UNKNOWN),  # no captcha
        ("initiate-session", envelope(200, None, session_id="s", captcha="***"), Outcome.UNKNOWN),
        ("verify-otp", envelope(200), Outcome.UNKNOWN),  # no data at all
        ("verify-otp", httpx.Response(200, text="<html>ok</html>"), Outcome.UNKNOWN),
        (
            "verify-otp",
            httpx.Response(502, text="<html>Bad Gateway</html>"),
            Outcome.UPSTREAM_UNAVAILABLE,
        ),
        ("authorize", httpx.Response(200, json={"token_type": "bearer"}), Outcome.UNKNOWN),
    ],
)
async def test_unusable_answers(
    client: DeepvueClient,
    vendor: FakeVendor,
    endpoint: str,
    answer: httpx.Response,
    outcome: Outcome,
) -> None:
    vendor.script(endpoint, answer)
    with pytest.raises(VendorError) as raised:
        await call(client, endpoint)
    assert raised.value.outcome is outcome
    assert raised.value.__cause__ is None and raised.value.__context__ is None


async def test_verify_tolerates_extra_fields_and_odd_dates(
    client: DeepvueClient, vendor: FakeVendor
) -> None:
    vendor.script(
        "verify-otp",
        envelope(200, bank_name="PNB", status="Frozen", last_updated_date="20/11/2019", extra=1),
        envelope(200, bank_name="PNB", status="Inactive", last_updated_date="sometime"),
    )
    assert await client.verify_otp(REFERENCE, OTP) == SeedingResult(
        "PNB", "Frozen", date(2019, 11, 20)
    )
    assert await client.verify_otp(REFERENCE, OTP) == SeedingResult("PNB", "Inactive", None)


# --- privacy


async def test_aadhaar_number_never_reaches_results_errors_or_logs(
    client: DeepvueClient, vendor: FakeVendor, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx's included
    results = await run_flow(client)
    # The echo again, this time in an answer the client cannot use.
    vendor.script(
        "generate-otp", envelope(200, aadhaar_number=AADHAAR, otp_sent=True, reference_id="")
    )
    with pytest.raises(VendorError) as raised:
        await client.generate_otp(AADHAAR, session_id="s", captcha="c")

    assert vendor.sent("generate-otp")[0].url.params["aadhaar_number"] == AADHAAR  # it was sent
    assert caplog.records, "the client logs each call"
    logged = "\n".join(f"{record.getMessage()} {vars(record)}" for record in caplog.records)
    for secret in (AADHAAR, OTP, SECRET, "jwt-1", "aadhaar_number", "otp="):
        assert secret not in logged
    shown = repr(results) + str(raised.value) + repr(vars(raised.value))
    assert AADHAAR not in shown
    assert raised.value.__context__ is None
    assert all(record.name in ("bot.vendor", "httpx") for record in caplog.records)


async def test_every_call_logs_one_line_with_its_facts(
    client: DeepvueClient, vendor: FakeVendor, caplog: pytest.LogCaptureFixture
) -> None:
    vendor.script("verify-otp", fails(httpx.ReadTimeout))
    caplog.set_level(logging.INFO, logger="bot.vendor")
    with pytest.raises(VendorError):
        await run_flow(client)
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.vendor"]
    assert [line.split()[1] for line in lines] == [
        "authorize",
        "initiate-session",
        "reload-captcha",
        "generate-otp",
        "verify-otp",
    ]
    assert "status=200 sub_code=SUCCESS" in lines[3] and "attempt=1" in lines[3]
    assert "latency_ms=" in lines[3] and f"transaction_id={TX}" in lines[3]
    assert "status=None" in lines[4] and "outcome=no_answer error=ReadTimeout" in lines[4]


# --- pacing


async def test_verification_calls_are_paced_authorize_is_not(
    make_client: Callable[..., DeepvueClient], vendor: FakeVendor, sleeps: Sleeps
) -> None:
    client = make_client(per_second=1)
    await asyncio.gather(*(client.initiate_session() for _ in range(3)))
    assert sleeps == pytest.approx([1.05, 1.05])  # a second and the pacing guard
    assert len(vendor.requests) == 4
    assert client.pacer.queue_length == 0
    await client.aclose()


@pytest.mark.parametrize(
    ("captcha", "start", "under_way"),
    [
        (True, "initiate-session", ["generate-otp", "verify-otp"]),
        (False, "generate-otp", ["verify-otp"]),
    ],
)
async def test_a_started_checks_calls_go_before_new_starts(
    vendor: FakeVendor, clock: FakeClock, captcha: bool, start: str, under_way: list[str]
) -> None:
    """The pacer serves a check under way before the calls that start new ones (the first
    call of a check: initiate-session, or generate-otp without the captcha step)."""

    async def sleep(seconds: float) -> None:
        await asyncio.sleep(0)  # let the callers started with this one reach the pacer
        clock.advance(seconds)

    config = dataclasses.replace(CONFIG, per_second=1, captcha_enabled=captcha)
    transport = httpx.MockTransport(vendor)
    client = DeepvueClient(config, clock=clock, transport=transport, sleep=sleep)
    await call(client, start)  # the slot of this second is taken
    await asyncio.gather(call(client, start), *(call(client, name) for name in under_way))
    paced = [r.url.path.rsplit("/", 1)[-1] for r in vendor.requests]
    paced = [name for name in paced if name != "authorize"]
    assert paced == [start, *under_way, start]
    await client.aclose()


async def test_a_long_pacing_wait_fails_fast_without_sending(
    make_client: Callable[..., DeepvueClient], vendor: FakeVendor
) -> None:
    client = make_client(per_day=1)
    await client.initiate_session()
    with pytest.raises(VendorError) as raised:
        await client.initiate_session()
    assert raised.value.outcome is Outcome.RATE_LIMITED
    assert raised.value.retry_after == 86_400
    assert len(vendor.sent("initiate-session")) == 1
    await client.aclose()
