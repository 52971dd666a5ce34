"""Classification of every vendor answer shape: the seed's, the vendor's other pages', and junk."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from bot.check.outcomes import Outcome
from bot.vendor.errors import (
    Endpoint,
    Verdict,
    classify,
    judge,
    judge_transport_error,
    parse_retry_after,
)

E = Endpoint
TX = "a4aee408393e4711a5267e0c44c25da2"


def envelope(code: int, sub_code: str | None, **extra: object) -> dict[str, object]:
    body: dict[str, object] = {"code": code, "timestamp": 1737873140133, "transaction_id": TX}
    if sub_code is not None:
        body["sub_code"] = sub_code
    return body | extra


def detail(text: object) -> dict[str, object]:
    return {"detail": text}


SEED_OTP_SENT = envelope(
    200,
    "SUCCESS",
    message="OTP Sent Successfully",
    data={
        "aadhaar_number": "825323778091",
        "otp_sent": True,
        "reference_id": "aadhaar_seeding_status_uWTCaxnFXzAkaAwhimjo",
    },
)

# (endpoint, HTTP status, body, outcome, retryable, reauthorize)
CASES: list[tuple[Endpoint, int, object, Outcome, bool, bool]] = [
    # --- the seed document's shapes [SEED]
    (E.GENERATE_OTP, 200, SEED_OTP_SENT, Outcome.SUCCESS, False, False),
    (E.GENERATE_OTP, 401, detail("Not authenticated"), Outcome.CREDENTIALS_REJECTED, False, True),
    (
        E.GENERATE_OTP,
        401,
        detail("Could not validate credentials"),
        Outcome.CREDENTIALS_REJECTED,
        False,
        True,
    ),
    (
        E.GENERATE_OTP,
        401,
        detail("Incorrect client_id or client_secret"),
        Outcome.CREDENTIALS_REJECTED,
        False,
        False,
    ),
    (
        E.GENERATE_OTP,
        422,
        envelope(422, "INVALID_AADHAAR_NUMBER"),
        Outcome.INVALID_AADHAAR,
        False,
        False,
    ),
    (
        E.GENERATE_OTP,
        500,
        detail("Internal Server Error"),
        Outcome.UPSTREAM_UNAVAILABLE,
        False,
        False,
    ),
    (
        E.GENERATE_OTP,
        500,
        envelope(500, "SOURCE_FAILURE"),
        Outcome.UPSTREAM_UNAVAILABLE,
        False,  # never a second OTP SMS
        False,
    ),
    (
        E.GENERATE_OTP,
        500,
        envelope(500, "MOBILE_NOT_LINKED_OR_UNABLE_TO_VALIDATE"),
        Outcome.MOBILE_NOT_LINKED,
        False,
        False,
    ),
    # --- the vendor's other error page [DOC-other]
    (
        E.AUTHORIZE,
        400,
        detail("Inactive client_id"),
        Outcome.CREDENTIALS_REJECTED,
        False,
        False,
    ),
    (E.VERIFY_OTP, 403, detail("Not a valid token"), Outcome.CREDENTIALS_REJECTED, False, True),
    (
        E.GENERATE_OTP,
        429,
        detail("Rate limit exceeded. Please retry after some time."),
        Outcome.RATE_LIMITED,
        True,
        False,
    ),
    (
        E.GENERATE_OTP,
        503,
        detail("Source Unavailable"),
        Outcome.UPSTREAM_UNAVAILABLE,
        True,
        False,
    ),
    # --- SOURCE_FAILURE is sent again where nothing reaches the citizen
    (
        E.VERIFY_OTP,
        500,
        envelope(500, "SOURCE_FAILURE"),
        Outcome.UPSTREAM_UNAVAILABLE,
        True,
        False,
    ),
    (
        E.INITIATE_SESSION,
        500,
        envelope(500, "SOURCE_FAILURE"),
        Outcome.UPSTREAM_UNAVAILABLE,
        True,
        False,
    ),
    (
        E.RELOAD_CAPTCHA,
        500,
        envelope(500, "SOURCE_FAILURE"),
        Outcome.UPSTREAM_UNAVAILABLE,
        True,
        False,
    ),
    # --- the other sub_codes of the flow
    (E.GENERATE_OTP, 400, envelope(400, "INVALID_CAPTCHA"), Outcome.INVALID_CAPTCHA, False, False),
    (
        E.GENERATE_OTP,
        400,
        envelope(400, "SESSION_EXPIRED"),
        Outcome.SESSION_EXPIRED,
        False,
        False,
    ),
    (E.VERIFY_OTP, 400, envelope(400, "INVALID_OTP"), Outcome.INVALID_OTP, False, False),
    (E.VERIFY_OTP, 400, envelope(400, "OTP_EXPIRED"), Outcome.OTP_EXPIRED, False, False),
    (E.VERIFY_OTP, 400, envelope(400, "INVALID_REFERENCE_ID"), Outcome.OTP_EXPIRED, False, False),
    (E.VERIFY_OTP, 200, envelope(200, "NOT_SEEDED"), Outcome.NOT_SEEDED, False, False),
    (E.VERIFY_OTP, 404, envelope(404, "AADHAAR_NOT_SEEDED"), Outcome.NOT_SEEDED, False, False),
    (E.VERIFY_OTP, 422, envelope(422, "BANK_NOT_SEEDED"), Outcome.NOT_SEEDED, False, False),
    # --- success shapes: initiate-session has no sub_code; unknown extra fields are harmless
    (
        E.INITIATE_SESSION,
        200,
        envelope(200, None, data={"session_id": "s", "captcha": "/9j/"}),
        Outcome.SUCCESS,
        False,
        False,
    ),
    (
        E.AUTHORIZE,
        200,
        {"access_token": "jwt", "token_type": "bearer", "expiry": "2026-01-16T06:30:00Z"},
        Outcome.SUCCESS,
        False,
        False,
    ),
    (E.VERIFY_OTP, 200, envelope(200, "SUCCESS", new_field=[1, 2]), Outcome.SUCCESS, False, False),
    # --- an error envelope inside a 200
    (
        E.GENERATE_OTP,
        200,
        envelope(422, "INVALID_AADHAAR_NUMBER"),
        Outcome.INVALID_AADHAAR,
        False,
        False,
    ),
    (E.GENERATE_OTP, 200, envelope(503, None), Outcome.UPSTREAM_UNAVAILABLE, True, False),
    # --- unknown sub_codes: UNKNOWN, except where the status alone is definite
    (E.GENERATE_OTP, 500, envelope(500, "BRAND_NEW_CODE"), Outcome.UNKNOWN, False, False),
    (E.VERIFY_OTP, 200, envelope(200, "BRAND_NEW_CODE"), Outcome.UNKNOWN, False, False),
    (E.VERIFY_OTP, 429, envelope(429, "BRAND_NEW_CODE"), Outcome.RATE_LIMITED, True, False),
    (E.VERIFY_OTP, 503, envelope(503, "BRAND_NEW_CODE"), Outcome.UPSTREAM_UNAVAILABLE, True, False),
    # --- not JSON (an HTML page from a proxy), or JSON of the wrong shape
    (E.GENERATE_OTP, 502, None, Outcome.UPSTREAM_UNAVAILABLE, False, False),
    (E.GENERATE_OTP, 503, None, Outcome.UPSTREAM_UNAVAILABLE, True, False),
    (E.GENERATE_OTP, 429, None, Outcome.RATE_LIMITED, True, False),
    (E.GENERATE_OTP, 200, None, Outcome.UNKNOWN, False, False),
    (E.GENERATE_OTP, 200, ["not", "an", "object"], Outcome.UNKNOWN, False, False),
    (E.GENERATE_OTP, 404, None, Outcome.UNKNOWN, False, False),
    (E.GENERATE_OTP, 401, None, Outcome.CREDENTIALS_REJECTED, False, True),
    (E.GENERATE_OTP, 403, detail("Forbidden"), Outcome.CREDENTIALS_REJECTED, False, True),
    (E.GENERATE_OTP, 422, detail([{"loc": ["query"], "msg": "x"}]), Outcome.UNKNOWN, False, False),
    (E.GENERATE_OTP, 400, detail("Something new"), Outcome.UNKNOWN, False, False),
    # --- authorize never re-authorizes itself
    (E.AUTHORIZE, 401, detail("Not authenticated"), Outcome.CREDENTIALS_REJECTED, False, False),
    (
        E.AUTHORIZE,
        401,
        detail("Incorrect client_id or client_secret"),
        Outcome.CREDENTIALS_REJECTED,
        False,
        False,
    ),
]


@pytest.mark.parametrize(("endpoint", "status", "body", "outcome", "retryable", "reauth"), CASES)
def test_judge(
    endpoint: Endpoint,
    status: int,
    body: object,
    outcome: Outcome,
    retryable: bool,
    reauth: bool,
) -> None:
    verdict = judge(endpoint, status, body)
    assert (verdict.outcome, verdict.retryable, verdict.reauthorize) == (outcome, retryable, reauth)
    assert classify(endpoint, status, body) is outcome


def test_sub_code_and_transaction_id_are_kept_for_the_log() -> None:
    verdict = judge(E.GENERATE_OTP, 500, envelope(500, "BRAND_NEW_CODE"))
    assert verdict == Verdict(Outcome.UNKNOWN, sub_code="BRAND_NEW_CODE", transaction_id=TX)


def test_not_seeded_sub_codes_are_configurable() -> None:
    body = envelope(200, "NO_BANK_MAPPED")
    assert classify(E.VERIFY_OTP, 200, body) is Outcome.UNKNOWN
    custom = frozenset({"NO_BANK_MAPPED"})
    assert classify(E.VERIFY_OTP, 200, body, not_seeded_sub_codes=custom) is Outcome.NOT_SEEDED


REQUEST = httpx.Request("POST", "https://vendor.test/v1/x")


@pytest.mark.parametrize(
    ("error", "outcome", "retryable"),
    [
        (httpx.ConnectError("refused", request=REQUEST), Outcome.UPSTREAM_UNAVAILABLE, True),
        (httpx.ConnectTimeout("slow", request=REQUEST), Outcome.UPSTREAM_UNAVAILABLE, True),
        (httpx.PoolTimeout("busy", request=REQUEST), Outcome.UPSTREAM_UNAVAILABLE, True),
        (httpx.ReadTimeout("slow", request=REQUEST), Outcome.NO_ANSWER, False),
        (httpx.WriteTimeout("slow", request=REQUEST), Outcome.NO_ANSWER, False),
        (httpx.ReadError("reset", request=REQUEST), Outcome.NO_ANSWER, False),
        (httpx.WriteError("reset", request=REQUEST), Outcome.NO_ANSWER, False),
        (httpx.RemoteProtocolError("eof", request=REQUEST), Outcome.NO_ANSWER, False),
        (httpx.DecodingError("gzip", request=REQUEST), Outcome.NO_ANSWER, False),
        (httpx.ProxyError("proxy", request=REQUEST), Outcome.UPSTREAM_UNAVAILABLE, False),
        (httpx.UnsupportedProtocol("ftp", request=REQUEST), Outcome.UPSTREAM_UNAVAILABLE, False),
    ],
)
def test_transport_errors(error: httpx.RequestError, outcome: Outcome, retryable: bool) -> None:
    assert judge_transport_error(error) == Verdict(outcome, retryable=retryable)


NOW = datetime(2026, 1, 15, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("7", 7.0),
        (" 0 ", 0.0),
        ("Thu, 15 Jan 2026 06:30:30 GMT", 30.0),
        ("Thu, 15 Jan 2026 06:29:00 GMT", 0.0),
        ("soon", None),
        ("-5", None),
    ],
)
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, NOW) == seconds
