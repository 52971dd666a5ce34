"""The vendor sandbox: our stand-in for the Deepvue bank–Aadhaar seeding API, as an ASGI app.

It speaks the contract (docs/deepvue-contract.md) byte for byte where the contract is documented
(paths, query-string parameters on POST, the two headers, the success envelope and both error
shapes) and follows the contract's inferences elsewhere, so the bot, its tests and the benchmarks
exercise the same code paths they will meet in production. Everything time-based reads the
injected clock, so tests move time instead of sleeping.

Every vendor call runs through one pipeline (:meth:`Sandbox.answer`): count it, add latency,
apply an injected fault, check credentials, rate limit and random errors, then the endpoint's
own logic. Endpoint logic is synchronous, so each call changes the in-memory state atomically
even when many calls are in flight.

Privacy: the sandbox logs nothing, and keeps no Aadhaar number and no OTP (state is keyed by
session and reference ids; the first-try-failure fixture is tracked by fixture name).
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random
from string import ascii_letters
from typing import Any, Final, Literal, Protocol, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.datastructures import Headers, QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from stdnum.in_ import aadhaar

from bot.clock import Clock
from bot.runtime.asgi import decode_form
from bot.sandbox.captcha import random_captcha_text, render_captcha
from bot.sandbox.config import SandboxConfig
from bot.sandbox.fixtures import INVALID_AADHAAR, Fixture, ScriptedFailure, Seeding, outcome_for
from bot.sandbox.transport import ConnectFaults

EndpointName = Literal[
    "authorize", "initiate-session", "reload-captcha", "generate-otp", "verify-otp"
]
ENDPOINTS: Final[tuple[EndpointName, ...]] = get_args(EndpointName)

SEEDING_PREFIX: Final = "/v1/verification/bank-aadhaar-seeding"
SANDBOX_OTP: Final = "123456"
"""The one OTP that verifies (the sandbox sends no SMS)."""

_IST_OFFSET_S: Final = 5 * 3600 + 1800  # India has one time zone and no daylight saving
SESSION_TTL: Final = timedelta(minutes=10)
REFERENCE_TTL: Final = timedelta(minutes=10)
EXPIRED_REFERENCE_RETENTION: Final = timedelta(hours=1)
"""How long an expired reference keeps answering OTP_EXPIRED before it is forgotten (and
answers INVALID_REFERENCE_ID like any unknown id)."""
MAX_WRONG_OTPS: Final = 3
MAX_BODY_BYTES: Final = 64 * 1024

# Errors the contract infers for the captcha step and verify-otp (the vendor's pages for this
# product do not show them; the client must handle unknown sub_codes anyway).
INVALID_REQUEST_CODE: Final = "INVALID_REQUEST"
SESSION_EXPIRED: Final = ScriptedFailure(
    422, "SESSION_EXPIRED", "Session expired or not found. Please initiate a new session."
)
INVALID_CAPTCHA: Final = ScriptedFailure(422, "INVALID_CAPTCHA", "Invalid captcha")
INVALID_REFERENCE_ID: Final = ScriptedFailure(
    422, "INVALID_REFERENCE_ID", "Invalid or already used reference_id."
)
OTP_EXPIRED: Final = ScriptedFailure(422, "OTP_EXPIRED", "OTP expired. Please generate a new OTP.")
INVALID_OTP: Final = ScriptedFailure(422, "INVALID_OTP", "Invalid OTP")

# Bare {"detail": ...} answers, worded as the vendor words them.
NOT_AUTHENTICATED: Final = "Not authenticated"
BAD_TOKEN: Final = "Could not validate credentials"  # noqa: S105 (a message, not a secret)
BAD_CREDENTIALS: Final = "Incorrect client_id or client_secret"
RATE_LIMITED: Final = "Rate limit exceeded. Please retry after some time."
SOURCE_UNAVAILABLE: Final = "Source Unavailable"

_AADHAAR_SHAPE: Final = re.compile(r"[0-9]{12}")
_JWT_HEADER: Final = b'{"alg":"HS256","typ":"JWT"}'


@dataclass(frozen=True, slots=True)
class VendorRequest:
    """What endpoint logic may read from a request (already fully received)."""

    params: QueryParams
    headers: Headers
    body: bytes


@dataclass(frozen=True, slots=True)
class _Token:
    expires_at: datetime


@dataclass(slots=True)
class _Session:
    captcha_text: str
    expires_at: datetime


@dataclass(slots=True)
class _Reference:
    """An OTP sent: holds what verify will report, never the number it was sent for."""

    seeding: Seeding
    expires_at: datetime
    wrong_otps: int = 0


class _Expiring(Protocol):
    @property
    def expires_at(self) -> datetime: ...


_E = TypeVar("_E", bound=_Expiring)


class FaultSpec(BaseModel):
    """One injected fault: wait ``delay_ms``, then answer ``status`` with the given body.

    With ``status`` unset the fault only delays and the call is answered normally: a client
    timeout shorter than the delay then sees a read timeout after the vendor did the work.
    ``times`` counts how many matching calls it applies to (-1: until cleared).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    endpoint: EndpointName | Literal["*"] = "*"
    times: int = Field(default=1, ge=-1)
    delay_ms: int = Field(default=0, ge=0)
    status: int | None = Field(default=None, ge=100, le=599)
    json_body: Any = Field(default=None, alias="json")
    text: str | None = None
    content_type: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _coherent(self) -> FaultSpec:
        """Reject faults that could never fire or whose body would be ambiguous."""
        if self.times == 0:
            raise ValueError("times must be positive, or -1 for 'until cleared'")
        if self.json_body is not None and self.text is not None:
            raise ValueError("give json or text, not both")
        return self

    def matches(self, endpoint: EndpointName) -> bool:
        return self.endpoint in (endpoint, "*")

    def response(self) -> Response | None:
        """The injected answer, or ``None`` for a delay-only fault."""
        if self.status is None:
            return None
        if self.text is not None:
            media_type = self.content_type or "text/plain"
            return Response(self.text, self.status, self.headers, media_type=media_type)
        if self.json_body is not None:
            media_type = self.content_type or "application/json"
            return JSONResponse(self.json_body, self.status, self.headers, media_type=media_type)
        return Response(b"", self.status, self.headers, media_type=self.content_type)


class Sandbox:
    """The sandbox's state and behaviour; reachable as ``app.state.sandbox`` (see
    ``bot.sandbox.routes.sandbox_of``) so tests and benchmarks can inject faults and read call
    counts."""

    def __init__(self, config: SandboxConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self.calls: Counter[str] = Counter(dict.fromkeys(ENDPOINTS, 0))
        self.rate_limited = 0  # calls refused with 429 for the plan's limits (benchmarks)
        # Seeded on purpose (repeatable runs); nothing here guards anything real. Two generators:
        # the error_rate draws stay the same whatever ids and captchas consume.
        self._ids = Random(config.seed)  # noqa: S311
        self._errors = Random(config.seed)  # noqa: S311
        self._tokens: OrderedDict[str, _Token] = OrderedDict()
        self._sessions: OrderedDict[str, _Session] = OrderedDict()
        self._references: OrderedDict[str, _Reference] = OrderedDict()
        self._faults: list[FaultSpec] = []
        # Connection refused / connect timeout: applied by the in-process SandboxTransport only
        # (an ASGI app cannot refuse a connection), never over HTTP.
        self.connect_faults = ConnectFaults()
        self._fixture_attempts: Counter[str] = Counter()
        # (window number, calls in it) per limit: the clock second, minute and India day.
        self._rate_windows: dict[str, tuple[int, int]] = {}
        self._handlers: dict[EndpointName, Callable[[VendorRequest], Response]] = {
            "authorize": self._authorize,
            "initiate-session": self._initiate_session,
            "reload-captcha": self._reload_captcha,
            "generate-otp": self._generate_otp,
            "verify-otp": self._verify_otp,
        }

    # ---- control API (tests, benchmarks; also over HTTP under /_sandbox/) ----

    def add_fault(
        self,
        endpoint: EndpointName | Literal["*"] = "*",
        *,
        times: int = 1,
        delay_ms: int = 0,
        status: int | None = None,
        json: Any = None,
        text: str | None = None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> FaultSpec:
        """Queue a fault (validated like the HTTP form); faults fire in the order added."""
        spec = FaultSpec.model_validate(
            {
                "endpoint": endpoint,
                "times": times,
                "delay_ms": delay_ms,
                "status": status,
                "json": json,
                "text": text,
                "content_type": content_type,
                "headers": dict(headers or {}),
            }
        )
        return self.queue_fault(spec)

    def queue_fault(self, spec: FaultSpec) -> FaultSpec:
        """Queue an already validated fault (the HTTP control endpoint's path)."""
        self._faults.append(spec)
        return spec

    def clear_faults(self) -> int:
        """Drop every queued fault; returns how many there were."""
        count = len(self._faults)
        self._faults.clear()
        return count

    def captcha_answer(self, session_id: str) -> str | None:
        """The text a live session's captcha currently expects, for benchmarks and tests that
        drive the flow with random captchas; ``None`` for an unknown or expired session."""
        session = self._live_session(session_id)
        return None if session is None else session.captcha_text

    def revoke_tokens(self) -> int:
        """Invalidate every issued token, to test a 403 in the middle of a flow."""
        count = len(self._tokens)
        self._tokens.clear()
        return count

    # ---- the pipeline every vendor call runs through ----

    async def answer(self, endpoint: EndpointName, request: Request) -> Response:
        """Count, delay, inject a fault or refuse, else run the endpoint's logic."""
        body = await request.body()  # read first: _pause then listens for the hang-up
        self.calls[endpoint] += 1
        # The plan's limiter sits at the vendor's gateway: a call counts when it arrives,
        # before the upstream work that the latency models.
        over_rate = endpoint != "authorize" and self._over_rate_limit()
        await _pause(request, self.config.latency_ms)
        fault = self._take_fault(endpoint)
        if fault is not None:
            await _pause(request, fault.delay_ms)
            injected = fault.response()
            if injected is not None:
                return injected
        call = VendorRequest(request.query_params, request.headers, body)
        if endpoint != "authorize":
            refusal = self._gatekeep(call, over_rate)
            if refusal is not None:
                return refusal
        return self._handlers[endpoint](call)

    def _take_fault(self, endpoint: EndpointName) -> FaultSpec | None:
        for index, fault in enumerate(self._faults):
            if fault.matches(endpoint):
                if fault.times > 0:
                    fault.times -= 1
                    if fault.times == 0:
                        del self._faults[index]
                return fault
        return None

    def _gatekeep(self, call: VendorRequest, over_rate: bool) -> Response | None:
        """The checks every verification call passes before its own logic: credentials first
        (so a refused call costs no quota), then the plan's rate limit, then upstream luck."""
        refusal = self._auth_refusal(call.headers)
        if refusal is not None:
            return refusal
        if over_rate:
            self.rate_limited += 1
            return _detail(429, RATE_LIMITED)
        if self._errors.random() < self.config.error_rate:
            return _detail(503, SOURCE_UNAVAILABLE)
        return None

    def _auth_refusal(self, headers: Headers) -> Response | None:
        """The vendor's (FastAPI's) answers: a missing or non-Bearer header is 403 "Not
        authenticated", an unknown/expired token 403, a wrong x-api-key 401."""
        scheme, _, token = headers.get("authorization", "").partition(" ")
        api_key = headers.get("x-api-key")
        if scheme.lower() != "bearer" or not token.strip() or api_key is None:
            return _detail(403, NOT_AUTHENTICATED)
        issued = self._tokens.get(token.strip())
        if issued is None or self.clock.now() >= issued.expires_at:
            return _detail(403, BAD_TOKEN)
        if api_key != self.config.client_secret:
            return _detail(401, BAD_CREDENTIALS)
        return None

    def _over_rate_limit(self) -> bool:
        """Counts calls per clock second, minute and India day (fixed windows, as a vendor's
        limiter counts), rejected ones included; True if any window is over its limit."""
        now = self.clock.now()
        seconds = int(now.timestamp())
        day = int((now.timestamp() + _IST_OFFSET_S) // 86400)
        config = self.config
        over = False
        for name, window, limit in (
            ("second", seconds, config.rate_limit_per_second),
            ("minute", seconds // 60, config.rate_limit_per_minute),
            ("day", day, config.rate_limit_per_day),
        ):
            if limit is None:
                continue
            current, count = self._rate_windows.get(name, (window, 0))
            count = count + 1 if current == window else 1
            self._rate_windows[name] = (window, count)
            over = over or count > limit
        return over

    # ---- endpoints ----

    def _authorize(self, call: VendorRequest) -> Response:
        fields = decode_form(call.headers.get("content-type", ""), call.body).texts()
        client_id, client_secret = fields.get("client_id"), fields.get("client_secret")
        if client_id is None or client_secret is None:
            return _detail(422, "client_id and client_secret are required form fields")
        if (client_id, client_secret) != (self.config.client_id, self.config.client_secret):
            return _detail(401, BAD_CREDENTIALS)
        token, expiry = self._issue_token()
        return JSONResponse(
            {
                "access_token": token,
                "token_type": "bearer",
                "expiry": expiry.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )

    def _initiate_session(self, call: VendorRequest) -> Response:
        refusal = self._require(call, "consent", "purpose")
        if refusal is not None:
            return refusal
        if call.params["consent"] != "Y" or not call.params["purpose"].strip():
            return self._invalid_request("consent must be Y and purpose must not be empty")
        now = self.clock.now()
        _purge(self._sessions, now)
        session_id = self._hex_id()
        self._sessions[session_id] = _Session(self._captcha_text(), now + SESSION_TTL)
        return self._captcha_response(session_id)

    def _reload_captcha(self, call: VendorRequest) -> Response:
        refusal = self._require(call, "session_id")
        if refusal is not None:
            return refusal
        session_id = call.params["session_id"]
        session = self._live_session(session_id)
        if session is None:
            return self._error(SESSION_EXPIRED)
        session.captcha_text = self._captcha_text()
        return self._captcha_response(session_id)

    def _generate_otp(self, call: VendorRequest) -> Response:
        captcha_params = ("session_id", "captcha") if self.config.captcha_required else ()
        refusal = self._require(call, "aadhaar_number", *captcha_params)
        if refusal is None and captcha_params:
            refusal = self._check_captcha(call.params["session_id"], call.params["captcha"])
        if refusal is not None:
            return refusal
        number = call.params["aadhaar_number"]
        if not (_AADHAAR_SHAPE.fullmatch(number) and aadhaar.is_valid(number)):
            return self._error(INVALID_AADHAAR)
        fixture = outcome_for(number)
        failure = self._fixture_failure(fixture)
        if failure is not None:
            return self._error(failure)
        if captcha_params:
            del self._sessions[call.params["session_id"]]  # a session sends one OTP
        reference_id = self._new_reference(fixture.seeding)
        # The real vendor echoes the full number; so does the sandbox (the client must not log it).
        data = {"aadhaar_number": number, "otp_sent": True, "reference_id": reference_id}
        return self._success("OTP Sent Successfully", data)

    def _verify_otp(self, call: VendorRequest) -> Response:
        refusal = self._require(call, "otp", "reference_id")
        if refusal is not None:
            return refusal
        reference_id = call.params["reference_id"]
        reference = self._references.get(reference_id)
        if reference is None:
            return self._error(INVALID_REFERENCE_ID)
        if self.clock.now() >= reference.expires_at:
            return self._error(OTP_EXPIRED)
        if call.params["otp"] != SANDBOX_OTP:
            reference.wrong_otps += 1
            if reference.wrong_otps >= MAX_WRONG_OTPS:
                del self._references[reference_id]
            return self._error(INVALID_OTP)
        del self._references[reference_id]  # single use
        seeding = reference.seeding
        data = {
            "bank_name": seeding.bank_name,
            "status": seeding.status,
            "last_updated_date": seeding.last_updated_date,
            "reference_id": reference_id,
        }
        return self._success("OTP Verified Successfully", data)

    # ---- endpoint helpers ----

    def _live_session(self, session_id: str) -> _Session | None:
        """The session if it exists and has not expired (an expired one is dropped)."""
        session = self._sessions.get(session_id)
        if session is not None and self.clock.now() >= session.expires_at:
            del self._sessions[session_id]
            return None
        return session

    def _check_captcha(self, session_id: str, typed: str) -> Response | None:
        """A wrong captcha keeps the session but changes its text: the old image is void."""
        session = self._live_session(session_id)
        if session is None:
            return self._error(SESSION_EXPIRED)
        if typed.strip().upper() != session.captcha_text.upper():
            session.captcha_text = self._captcha_text()
            return self._error(INVALID_CAPTCHA)
        return None

    def _fixture_failure(self, fixture: Fixture) -> ScriptedFailure | None:
        """The fixture's generate-otp error, if this attempt is one that fails."""
        if fixture.generate_error is None:
            return None
        self._fixture_attempts[fixture.name] += 1
        limit = fixture.failing_attempts
        if limit is None or self._fixture_attempts[fixture.name] <= limit:
            return fixture.generate_error
        return None

    def _new_reference(self, seeding: Seeding) -> str:
        now = self.clock.now()
        _purge(self._references, now - EXPIRED_REFERENCE_RETENTION)
        reference_id = "aadhaar_seeding_status_" + "".join(self._ids.choices(ascii_letters, k=20))
        self._references[reference_id] = _Reference(seeding, now + REFERENCE_TTL)
        return reference_id

    def _issue_token(self) -> tuple[str, datetime]:
        """A JWT-looking opaque token; the sandbox only looks it up, never decodes it."""
        now = self.clock.now()
        _purge(self._tokens, now)
        expiry = (now + timedelta(seconds=self.config.token_lifetime_s)).replace(microsecond=0)
        claims = {
            "sub": self.config.client_id,
            "exp": int(expiry.timestamp()),
            "jti": self._hex_id(),
        }
        token = ".".join(
            _b64url(part)
            for part in (
                _JWT_HEADER,
                json.dumps(claims, separators=(",", ":")).encode(),
                self._ids.randbytes(32),
            )
        )
        self._tokens[token] = _Token(expiry)
        return token, expiry

    def _captcha_text(self) -> str:
        return self.config.captcha_text or random_captcha_text(self._ids)

    def _captcha_response(self, session_id: str) -> Response:
        """The captcha step's answer: no sub_code and no message, as the contract shows."""
        text = self._sessions[session_id].captcha_text
        image = base64.b64encode(render_captcha(text, self._ids)).decode("ascii")
        return JSONResponse(
            {**self._stamp(200), "data": {"session_id": session_id, "captcha": image}}
        )

    def _require(self, call: VendorRequest, *names: str) -> Response | None:
        missing = [name for name in names if name not in call.params]
        if missing:
            return self._invalid_request(f"missing query parameter(s): {', '.join(missing)}")
        return None

    def _invalid_request(self, message: str) -> Response:
        return self._error(
            ScriptedFailure(422, INVALID_REQUEST_CODE, f"Invalid request: {message}")
        )

    def _hex_id(self) -> str:
        return f"{self._ids.getrandbits(128):032x}"

    def _stamp(self, code: int) -> dict[str, Any]:
        """The fields every envelope starts with."""
        timestamp = int(self.clock.now().timestamp() * 1000)
        return {"code": code, "timestamp": timestamp, "transaction_id": self._hex_id()}

    def _success(self, message: str, data: dict[str, Any]) -> Response:
        return JSONResponse(
            {**self._stamp(200), "sub_code": "SUCCESS", "message": message, "data": data}
        )

    def _error(self, error: ScriptedFailure) -> Response:
        body = {**self._stamp(error.status), "sub_code": error.sub_code, "message": error.message}
        return JSONResponse(body, error.status)


# ---- module helpers ----


def _purge(entries: OrderedDict[str, _E], horizon: datetime) -> None:
    """Drop entries that expired at or before ``horizon``, oldest first.

    Entries are inserted in expiry order (fixed lifetimes, a clock that moves forward), so the
    sweep stops at the first live one: O(expired), not O(all), which keeps a long benchmark's
    memory flat. Lookups still check expiry, so a clock set backwards only delays the sweep.
    """
    while entries:
        oldest = next(iter(entries.values()))
        if oldest.expires_at > horizon:
            return
        entries.popitem(last=False)


async def _pause(request: Request, milliseconds: int) -> None:
    """Sleep, but stop early if the client hangs up.

    A client that timed out leaves no sleeping handler behind, so a server shutdown need not
    wait out an injected delay. Call only after the request body has been read.
    """
    if milliseconds <= 0:
        return
    tasks = {
        asyncio.ensure_future(asyncio.sleep(milliseconds / 1000)),
        asyncio.ensure_future(_hang_up(request)),
    }
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks)


async def _hang_up(request: Request) -> None:
    """Returns when the ASGI server reports that the client disconnected."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def _detail(status: int, detail: str) -> Response:
    """The vendor's bare error shape."""
    return JSONResponse({"detail": detail}, status)


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
