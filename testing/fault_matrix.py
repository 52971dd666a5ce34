"""The fault matrix: every vendor step × every fault, and what must happen.

One data structure, :data:`MATRIX`, is both the parameters of tests/e2e/test_fault_matrix.py and
the table in docs/reliability.md (rendered by :func:`render`; the test fails if the document
differs, and ``UPDATE_DOCS=1`` rewrites it).

Each cell says: the sends of the faulty call in the user's one action, each as its vendor log
line shows it (``status outcome``, or ``outcome ExceptionName`` when no answer came;
``unusable fields`` for an answer whose fields did not validate), hence whether it was retried;
the message the user is told (a locale key); and where the check is afterwards (a step, or
``ended``).

How each fault is made: HTTP answers by the sandbox's fault switch (``Sandbox.add_fault``);
connection refused and connect timeout by ``SandboxTransport`` (an ASGI app cannot refuse a
connection), before the sandbox sees the call; a read timeout by a delay longer than the
client's read timeout (0.2 s here, ``DEEPVUE_READ_TIMEOUT_S``), which the same transport
enforces as a socket would.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from bot.sandbox import ConnectFault
from bot.sandbox.app import EndpointName
from testing.harness import EN, Harness

# ------------------------------------------------------------------ the steps


@dataclass(frozen=True)
class VendorStep:
    endpoint: EndpointName
    action: str  # what the user does that makes the call (for the document)
    at: str  # the flow step the user is at when acting


AUTHORIZE = VendorStep("authorize", "sends the number (first call: no token yet)", "AADHAAR")
INITIATE = VendorStep("initiate-session", "sends the number (captcha session)", "AADHAAR")
RELOAD = VendorStep("reload-captcha", 'taps "New picture"', "CAPTCHA")
GENERATE = VendorStep("generate-otp", "types the captcha", "CAPTCHA")
VERIFY = VendorStep("verify-otp", "types the OTP", "OTP")
STEPS = (AUTHORIZE, INITIATE, RELOAD, GENERATE, VERIFY)

# ------------------------------------------------------------------ the faults

Inject = Callable[[Harness, EndpointName], Awaitable[None]]
READ_TIMEOUT_S = 0.2
_TX = "0f0e0d0c0b0a09080706050403020100"


def _envelope(code: int, sub_code: str, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "timestamp": 1738007869132,
        "transaction_id": _TX,
        "sub_code": sub_code,
        "message": message,
    }


def _answer(status: int, body: Any = None, **options: Any) -> Inject:
    """Every call of the endpoint answers ``status`` with ``body`` (JSON) or ``text``."""

    times = options.pop("times", -1)

    async def inject(h: Harness, endpoint: EndpointName) -> None:
        h.sandbox.add_fault(endpoint, times=times, status=status, json=body, **options)

    return inject


def _connect(fault: ConnectFault) -> Inject:
    async def inject(h: Harness, endpoint: EndpointName) -> None:
        h.sandbox.connect_faults.add(endpoint, fault, times=-1)

    return inject


async def _slow(h: Harness, endpoint: EndpointName) -> None:
    h.sandbox.add_fault(endpoint, times=-1, delay_ms=int(READ_TIMEOUT_S * 1000) * 25)


async def _revoke(h: Harness, endpoint: EndpointName) -> None:
    breaker = h.app.services.breaker
    assert breaker is not None
    await breaker.inner.ping()  # a token is cached (for the authorize row: the first one)
    h.sandbox.revoke_tokens()


async def _missing_field(h: Harness, endpoint: EndpointName) -> None:
    if endpoint == "authorize":
        body: dict[str, Any] = {"token_type": "bearer"}  # no access_token, no expiry
    else:
        body = _envelope(200, "SUCCESS", "OK")
        if endpoint != "verify-otp":  # verify: no data at all (an empty one means "not seeded")
            body["data"] = {}
    h.sandbox.add_fault(endpoint, times=-1, status=200, json=body)


@dataclass(frozen=True)
class VendorFault:
    name: str
    how: str  # how the test produces it (for the document)
    inject: Inject


CONNECT_TIMEOUT = VendorFault(
    "connect timeout", "transport raises httpx.ConnectTimeout", _connect(ConnectFault.TIMEOUT)
)
READ_TIMEOUT = VendorFault(
    "read timeout", f"answer delayed past the {READ_TIMEOUT_S} s read timeout", _slow
)
REFUSED = VendorFault(
    "connection refused", "transport raises httpx.ConnectError", _connect(ConnectFault.REFUSED)
)
SOURCE_FAILURE = VendorFault(
    "500 SOURCE_FAILURE",
    "500, envelope with sub_code SOURCE_FAILURE",
    _answer(500, _envelope(500, "SOURCE_FAILURE", "Source failure")),
)
SERVER_ERROR = VendorFault(
    '500 {"detail": "Internal Server Error"}',
    "500, bare detail",
    _answer(500, {"detail": "Internal Server Error"}),
)
UNAVAILABLE = VendorFault(
    "503", '503 {"detail": "Source Unavailable"}', _answer(503, {"detail": "Source Unavailable"})
)
_RATE_LIMITED = {"detail": "Rate limit exceeded. Please retry after some time."}
RATE_LIMITED_WAIT = VendorFault(
    "429 with Retry-After: 2",
    "429, Retry-After: 2",
    _answer(429, _RATE_LIMITED, headers={"Retry-After": "2"}),
)
RATE_LIMITED = VendorFault(
    "429 without Retry-After", "429, no Retry-After", _answer(429, _RATE_LIMITED)
)
RATE_LIMITED_LONG = VendorFault(
    "429 with Retry-After: 120",
    "429, Retry-After longer than the client waits (10 s)",
    _answer(429, _RATE_LIMITED, headers={"Retry-After": "120"}),
)
TOKEN_REFUSED = VendorFault(
    "401 mid-flow (token refused once)",
    '401 {"detail": "Could not validate credentials"}, once',
    _answer(401, {"detail": "Could not validate credentials"}, times=1),
)
TOKEN_REVOKED = VendorFault(
    "403 mid-flow (token revoked early)",
    "the sandbox revokes every token it issued",
    _revoke,
)
CREDENTIALS_REFUSED = VendorFault(
    "401 credentials refused",
    '401 {"detail": "Incorrect client_id or client_secret"}, every call',
    _answer(401, {"detail": "Incorrect client_id or client_secret"}),
)
MALFORMED = VendorFault(
    "malformed JSON",
    "200, application/json that does not parse",
    _answer(200, text='{"code": 200, "data": {"session', content_type="application/json"),
)
HTML_PAGE = VendorFault(
    "HTML error page",
    "502, text/html (a proxy's page)",
    _answer(
        502, text="<html><body><h1>502 Bad Gateway</h1></body></html>", content_type="text/html"
    ),
)
UNKNOWN_SUB_CODE = VendorFault(
    "unknown sub_code",
    "422, envelope with an undocumented sub_code",
    _answer(422, _envelope(422, "NEW_UNDOCUMENTED_CODE", "Something new")),
)
MISSING_FIELD = VendorFault(
    "success missing a field",
    "200 SUCCESS without a required field (verify-otp: without data)",
    _missing_field,
)

# ------------------------------------------------------------------ what must happen


@dataclass(frozen=True)
class Expect:
    sends: tuple[str, ...]  # each send of the faulty call, as its vendor log line reports it
    told: str  # the locale key of what the user reads
    after: str  # the flow's step afterwards, or "ended"

    @property
    def retried(self) -> bool:
        return len([s for s in self.sends if not s.startswith("unusable")]) > 1


def cell(sends: str, told: str, after: str) -> Expect:
    """``"3x upstream_unavailable ConnectError"``, ``"401 credentials_rejected; 200 success"``..."""
    parsed: list[str] = []
    for part in sends.split(";"):
        match = re.fullmatch(r"\s*(?:(\d+)x\s+)?(.+?)\s*", part)
        assert match is not None
        parsed += [match[2]] * int(match[1] or 1)
    return Expect(tuple(parsed), told, after)


UNAVAILABLE_KEY = "error-upstream-unavailable"
RETRY_PICTURE = "error-upstream-retry"  # a new captcha to try again with
VERIFY_RETRY = "error-verify-retry"  # the OTP stays valid: type it again
SERVICE = "error-service"
RATE = "error-rate-limited"
RECEIVED = "aadhaar-received"  # the captcha photo came: the step succeeded
FRESH = "captcha-fresh"
OTP_SENT = "otp-sent"
RESULT = "result-title"

# Per fault: the cells of (authorize, initiate-session, reload-captcha, generate-otp, verify-otp).
MATRIX: dict[VendorFault, tuple[Expect, Expect, Expect, Expect, Expect]] = {
    CONNECT_TIMEOUT: (
        cell("3x upstream_unavailable ConnectTimeout", UNAVAILABLE_KEY, "AADHAAR"),
        cell("3x upstream_unavailable ConnectTimeout", UNAVAILABLE_KEY, "AADHAAR"),
        cell("3x upstream_unavailable ConnectTimeout", UNAVAILABLE_KEY, "ended"),
        cell("3x upstream_unavailable ConnectTimeout", RETRY_PICTURE, "CAPTCHA"),
        cell("3x upstream_unavailable ConnectTimeout", VERIFY_RETRY, "OTP"),
    ),
    READ_TIMEOUT: (
        cell("no_answer ReadTimeout", UNAVAILABLE_KEY, "AADHAAR"),
        cell("no_answer ReadTimeout", UNAVAILABLE_KEY, "AADHAAR"),
        cell("no_answer ReadTimeout", UNAVAILABLE_KEY, "ended"),
        cell("no_answer ReadTimeout", "error-no-answer", "CAPTCHA"),
        cell("no_answer ReadTimeout", VERIFY_RETRY, "OTP"),
    ),
    REFUSED: (
        cell("3x upstream_unavailable ConnectError", UNAVAILABLE_KEY, "AADHAAR"),
        cell("3x upstream_unavailable ConnectError", UNAVAILABLE_KEY, "AADHAAR"),
        cell("3x upstream_unavailable ConnectError", UNAVAILABLE_KEY, "ended"),
        cell("3x upstream_unavailable ConnectError", RETRY_PICTURE, "CAPTCHA"),
        cell("3x upstream_unavailable ConnectError", VERIFY_RETRY, "OTP"),
    ),
    SOURCE_FAILURE: (
        cell("500 upstream_unavailable", UNAVAILABLE_KEY, "AADHAAR"),
        cell("3x 500 upstream_unavailable", UNAVAILABLE_KEY, "AADHAAR"),
        cell("3x 500 upstream_unavailable", UNAVAILABLE_KEY, "ended"),
        cell("500 upstream_unavailable", RETRY_PICTURE, "CAPTCHA"),
        cell("3x 500 upstream_unavailable", VERIFY_RETRY, "OTP"),
    ),
    SERVER_ERROR: (
        cell("500 upstream_unavailable", UNAVAILABLE_KEY, "AADHAAR"),
        cell("500 upstream_unavailable", UNAVAILABLE_KEY, "AADHAAR"),
        cell("500 upstream_unavailable", UNAVAILABLE_KEY, "ended"),
        cell("500 upstream_unavailable", RETRY_PICTURE, "CAPTCHA"),
        cell("500 upstream_unavailable", VERIFY_RETRY, "OTP"),
    ),
    UNAVAILABLE: (
        cell("3x 503 upstream_unavailable", UNAVAILABLE_KEY, "AADHAAR"),
        cell("3x 503 upstream_unavailable", UNAVAILABLE_KEY, "AADHAAR"),
        cell("3x 503 upstream_unavailable", UNAVAILABLE_KEY, "ended"),
        cell("3x 503 upstream_unavailable", RETRY_PICTURE, "CAPTCHA"),
        cell("3x 503 upstream_unavailable", VERIFY_RETRY, "OTP"),
    ),
    RATE_LIMITED_WAIT: (
        cell("3x 429 rate_limited", RATE, "AADHAAR"),
        cell("3x 429 rate_limited", RATE, "AADHAAR"),
        cell("3x 429 rate_limited", RATE, "ended"),
        cell("3x 429 rate_limited", RETRY_PICTURE, "CAPTCHA"),
        cell("3x 429 rate_limited", VERIFY_RETRY, "OTP"),
    ),
    RATE_LIMITED: (
        cell("3x 429 rate_limited", RATE, "AADHAAR"),
        cell("3x 429 rate_limited", RATE, "AADHAAR"),
        cell("3x 429 rate_limited", RATE, "ended"),
        cell("3x 429 rate_limited", RETRY_PICTURE, "CAPTCHA"),
        cell("3x 429 rate_limited", VERIFY_RETRY, "OTP"),
    ),
    RATE_LIMITED_LONG: (
        cell("429 rate_limited", RATE, "AADHAAR"),
        cell("429 rate_limited", RATE, "AADHAAR"),
        cell("429 rate_limited", RATE, "ended"),
        cell("429 rate_limited", RETRY_PICTURE, "CAPTCHA"),
        cell("429 rate_limited", VERIFY_RETRY, "OTP"),
    ),
    TOKEN_REFUSED: (
        cell("401 credentials_rejected", SERVICE, "AADHAAR"),
        cell("401 credentials_rejected; 200 success", RECEIVED, "CAPTCHA"),
        cell("401 credentials_rejected; 200 success", FRESH, "CAPTCHA"),
        cell("401 credentials_rejected; 200 success", OTP_SENT, "OTP"),
        cell("401 credentials_rejected; 200 success", RESULT, "ended"),
    ),
    TOKEN_REVOKED: (
        cell("200 success", RECEIVED, "CAPTCHA"),
        cell("403 credentials_rejected; 200 success", RECEIVED, "CAPTCHA"),
        cell("403 credentials_rejected; 200 success", FRESH, "CAPTCHA"),
        cell("403 credentials_rejected; 200 success", OTP_SENT, "OTP"),
        cell("403 credentials_rejected; 200 success", RESULT, "ended"),
    ),
    CREDENTIALS_REFUSED: (
        cell("401 credentials_rejected", SERVICE, "AADHAAR"),
        cell("401 credentials_rejected", SERVICE, "AADHAAR"),
        cell("401 credentials_rejected", SERVICE, "ended"),
        cell("401 credentials_rejected", SERVICE, "ended"),
        cell("401 credentials_rejected", SERVICE, "ended"),
    ),
    MALFORMED: (
        cell("200 unknown", SERVICE, "AADHAAR"),
        cell("200 unknown", SERVICE, "AADHAAR"),
        cell("200 unknown", SERVICE, "ended"),
        cell("200 unknown", SERVICE, "ended"),
        cell("200 unknown", SERVICE, "ended"),
    ),
    HTML_PAGE: (
        cell("502 upstream_unavailable", UNAVAILABLE_KEY, "AADHAAR"),
        cell("502 upstream_unavailable", UNAVAILABLE_KEY, "AADHAAR"),
        cell("502 upstream_unavailable", UNAVAILABLE_KEY, "ended"),
        cell("502 upstream_unavailable", RETRY_PICTURE, "CAPTCHA"),
        cell("502 upstream_unavailable", VERIFY_RETRY, "OTP"),
    ),
    UNKNOWN_SUB_CODE: (
        cell("422 unknown", SERVICE, "AADHAAR"),
        cell("422 unknown", SERVICE, "AADHAAR"),
        cell("422 unknown", SERVICE, "ended"),
        cell("422 unknown", SERVICE, "ended"),
        cell("422 unknown", SERVICE, "ended"),
    ),
    MISSING_FIELD: (
        cell("200 success; unusable access_token,expiry", SERVICE, "AADHAAR"),
        cell("200 success; unusable captcha,session_id", SERVICE, "AADHAAR"),
        cell("200 success; unusable captcha", SERVICE, "ended"),
        cell("200 success; unusable reference_id", SERVICE, "ended"),
        cell("200 success; unusable -", SERVICE, "ended"),
    ),
}

CELLS: list[tuple[VendorStep, VendorFault, Expect]] = [
    (step, fault, row[index]) for index, step in enumerate(STEPS) for fault, row in MATRIX.items()
]

# Sends after which no generate-otp may follow in the same action: the vendor may have acted
# on them (sent an SMS). Safe are those it cannot have seen or answered before acting on.
SAFE_TO_REPEAT = re.compile(
    r"upstream_unavailable Connect(Error|Timeout)|429 rate_limited|503 upstream_unavailable"
    r"|40[13] credentials_rejected"
)


def cell_id(step: VendorStep, fault: VendorFault) -> str:
    return f"{step.endpoint}-{fault.name}"


# ------------------------------------------------------------------ the document

MARK_START = "<!-- fault-matrix:start (generated by tests/e2e/test_fault_matrix.py) -->"
MARK_END = "<!-- fault-matrix:end -->"


def _sends(expected: Expect) -> str:
    parts = []
    for line, same in groupby(expected.sends):
        count = len(list(same))
        parts.append(f"{count}× `{line}`" if count > 1 else f"`{line}`")
    return " → ".join(parts)


def _plain(key: str) -> str:
    text = EN.t("en", key, masked="XXXX XXXX 1096")
    return text.replace("<b>", "").replace("</b>", "").replace("\n\n", " ").replace("\n", " ")


def render() -> str:
    """The matrix as Markdown: one table, a row per cell, then the messages it names."""
    lines = [
        MARK_START,
        "",
        "| vendor step | fault (how it is made) | sends of the call, as logged | retried | "
        "user is told | check afterwards | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for step, fault, expected in CELLS:
        retried = "yes" if expected.retried else "no"
        lines.append(
            f"| `{step.endpoint}` | {fault.name} ({fault.how}) | {_sends(expected)} | {retried} "
            f"| `{expected.told}` | {expected.after} | pass |"
        )
    lines += ["", "The messages named above, in English:", ""]
    lines += ["| key | text |", "|---|---|"]
    for key in sorted({expected.told for _, _, expected in CELLS}):
        lines.append(f"| `{key}` | {_plain(key)} |")
    lines += ["", MARK_END]
    return "\n".join(lines)
