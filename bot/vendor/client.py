"""The Deepvue bank–Aadhaar seeding client: the real :class:`SeedingVendor`.

Exception story: every failed call raises :class:`VendorError` carrying an :class:`Outcome`
and only what is safe to log. No httpx, pydantic or JSON exception escapes, nor is one chained
onto a VendorError: they hold request URLs (with the Aadhaar number or the OTP) and response
bodies (with the echoed Aadhaar number). Misuse (a malformed OTP, a missing captcha) raises
``ValueError`` before anything is sent.

Privacy: the query parameters are added only inside the transport (:class:`_QueryOnTheWire`),
so the request that httpx logs, attaches to exceptions and shows to instrumentation carries the
bare path. Each call logs one line on ``bot.vendor``: endpoint name, status, sub_code,
transaction_id, latency, attempt and outcome, never a URL, parameter, header or body.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from bot.check.outcomes import Outcome
from bot.clock import Clock
from bot.vendor.config import RateLimits, VendorConfig
from bot.vendor.errors import Endpoint, Verdict, judge, judge_transport_error, parse_retry_after
from bot.vendor.models import CaptchaData, OtpData, SeedingData, SessionData, TokenGrant
from bot.vendor.pacing import Pacer, PacingTimeout, Sleep
from bot.vendor.types import Captcha, OtpSent, SeedingResult, VendorError

logger = logging.getLogger("bot.vendor")

_Model = TypeVar("_Model", bound=BaseModel)

_QUERY_EXTENSION = "bot.vendor.query"
_METHODS: Mapping[Endpoint, str] = {
    Endpoint.AUTHORIZE: "POST",
    Endpoint.INITIATE_SESSION: "GET",
    Endpoint.RELOAD_CAPTCHA: "GET",
    Endpoint.GENERATE_OTP: "POST",
    Endpoint.VERIFY_OTP: "POST",
}
# Outcomes an operator should look at; the rest are answers about the citizen's own data.
_WARN_OUTCOMES = frozenset(
    {
        Outcome.RATE_LIMITED,
        Outcome.UPSTREAM_UNAVAILABLE,
        Outcome.NO_ANSWER,
        Outcome.CREDENTIALS_REJECTED,
        Outcome.UNKNOWN,
    }
)
_AADHAAR_SHAPE = re.compile(r"\d{12}")
_OTP_SHAPE = re.compile(r"\d{6}")


class _QueryOnTheWire(httpx.AsyncBaseTransport):
    """Puts the query parameters on the URL at the last step before the wire.

    httpx logs each request URL at INFO and attaches the request to its exceptions; keeping the
    parameters out of that request keeps the Aadhaar number and the OTP out of both.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if _QUERY_EXTENSION in request.extensions:
            extensions = dict(request.extensions)
            query = extensions.pop(_QUERY_EXTENSION)
            request = httpx.Request(
                request.method,
                request.url.copy_merge_params(query),
                headers=request.headers,
                stream=request.stream,
                extensions=extensions,
            )
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass(frozen=True, slots=True)
class _Reply:
    """One answer (or transport failure), judged; the body is already scrubbed."""

    verdict: Verdict
    status: int | None = None
    body: Mapping[str, object] | None = None
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class _Token:
    value: str
    refresh_at: datetime


class DeepvueClient:
    """Talks to Deepvue (or the in-process sandbox) through one reused ``httpx.AsyncClient``.

    The token is cached in memory and refreshed by one caller at a time; verification calls are
    paced under the configured plan limits and sent again only where that cannot reach the
    citizen twice (see :mod:`bot.vendor.errors`). ``pacer`` is public for its ``queue_length``
    (metrics).
    """

    def __init__(
        self,
        config: VendorConfig,
        *,
        clock: Clock,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.captcha_enabled = config.captcha_enabled
        self._config = config
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
        self._http = httpx.AsyncClient(
            base_url=config.base_url,
            transport=_QueryOnTheWire(transport or httpx.AsyncHTTPTransport()),
            timeout=httpx.Timeout(config.read_timeout, connect=config.connect_timeout),
        )
        self.pacer = Pacer(
            config.rate_limits,
            clock=clock,
            sleep=sleep,
            max_wait_s=config.pacing_max_wait_s,
            guard_s=config.pacing_guard_s,
        )
        self._token: _Token | None = None
        self._token_lock = asyncio.Lock()

    @property
    def rate_limits(self) -> RateLimits:
        """The plan limits this client paces to (its share of them, with workers)."""
        return self._config.rate_limits

    @property
    def pacing_guard_s(self) -> float:
        return self._config.pacing_guard_s

    async def aclose(self) -> None:
        await self._http.aclose()

    async def initiate_session(self) -> Captcha:
        reply = await self._call(
            Endpoint.INITIATE_SESSION, {"consent": "Y", "purpose": self._config.purpose}
        )
        data = self._parse(Endpoint.INITIATE_SESSION, SessionData, reply, _data(reply))
        return Captcha(session_id=data.session_id, image_jpeg=data.captcha)

    async def reload_captcha(self, session_id: str) -> Captcha:
        reply = await self._call(Endpoint.RELOAD_CAPTCHA, {"session_id": session_id})
        data = self._parse(Endpoint.RELOAD_CAPTCHA, CaptchaData, reply, _data(reply))
        return Captcha(session_id=session_id, image_jpeg=data.captcha)

    async def generate_otp(
        self, aadhaar_number: str, *, session_id: str | None, captcha: str | None
    ) -> OtpSent:
        """Have the vendor send the OTP SMS.

        Sent again only when the vendor cannot have acted on it (no connection, 429, 503, a
        refused token); a read timeout or SOURCE_FAILURE is reported, never repeated.
        """
        if not _AADHAAR_SHAPE.fullmatch(aadhaar_number):
            raise ValueError("aadhaar_number must be 12 digits")  # the value is never repeated
        query = {"aadhaar_number": aadhaar_number}
        if self.captcha_enabled:
            if not session_id or not captcha:
                raise ValueError("session_id and captcha are required while the captcha is on")
            query |= {"session_id": session_id, "captcha": captcha}
        reply = await self._call(Endpoint.GENERATE_OTP, query)
        data = self._parse(Endpoint.GENERATE_OTP, OtpData, reply, _data(reply))
        if not data.otp_sent:
            raise self._error(Endpoint.GENERATE_OTP, reply, Outcome.UNKNOWN)
        return OtpSent(reference_id=data.reference_id)

    async def verify_otp(self, reference_id: str, otp: str) -> SeedingResult:
        """The seeding answer; "not seeded" is a result (``bank_name=None``), not an error."""
        if not _OTP_SHAPE.fullmatch(otp):
            raise ValueError("otp must be 6 digits")
        try:
            reply = await self._call(
                Endpoint.VERIFY_OTP, {"otp": otp, "reference_id": reference_id}
            )
        except VendorError as error:
            if error.outcome is Outcome.NOT_SEEDED:
                return SeedingResult(bank_name=None, status=None, last_updated=None)
            raise
        data = self._parse(Endpoint.VERIFY_OTP, SeedingData, reply, _data(reply))
        return SeedingResult(
            bank_name=data.bank_name, status=data.status, last_updated=data.last_updated_date
        )

    async def ping(self) -> None:
        """Make sure the vendor takes our credentials: authorizes only when the cached token is
        stale (readiness probes must not cost verification calls). Raises VendorError."""
        await self._access_token(None)

    async def _call(self, endpoint: Endpoint, query: Mapping[str, str] | None = None) -> _Reply:
        """Send one call until it succeeds or may not be sent again; raise VendorError if not.

        Safe failures are sent again with backoff, up to ``max_attempts`` sends; a refused token
        earns one fresh authorize and one more send on top of that.
        """
        rejected_token: str | None = None
        attempt = retries = 0
        while True:
            attempt += 1
            request, token = await self._request(endpoint, query, rejected_token)
            reply = await self._send(endpoint, request, attempt)
            verdict = reply.verdict
            if verdict.outcome is Outcome.SUCCESS:
                return reply
            if verdict.reauthorize and rejected_token is None:
                rejected_token = token
                continue
            if verdict.retryable and retries + 1 < self._config.max_attempts:
                delay = self._backoff(retries, reply.retry_after)
                if delay is not None:
                    retries += 1
                    await self._sleep(delay)
                    continue
            raise self._error(endpoint, reply, verdict.outcome)

    async def _request(
        self, endpoint: Endpoint, query: Mapping[str, str] | None, rejected_token: str | None
    ) -> tuple[httpx.Request, str | None]:
        """Build one send of a call: authorize posts a form; verification calls are paced,
        carry the two auth headers, an empty body and their query (see _QueryOnTheWire)."""
        method, path = _METHODS[endpoint], self._config.path(endpoint)
        secret = self._config.client_secret.get_secret_value()
        if endpoint is Endpoint.AUTHORIZE:
            form = {"client_id": self._config.client_id, "client_secret": secret}
            return self._http.build_request(method, path, data=form), None
        token = await self._access_token(rejected_token)
        try:
            await self.pacer.acquire(urgent=not self._starts_check(endpoint))
        except PacingTimeout as waited:
            logger.warning("deepvue %s paced out: wait_s=%.1f", endpoint, waited.retry_after)
            raise VendorError(
                Outcome.RATE_LIMITED, endpoint=endpoint, retry_after=waited.retry_after
            ) from None
        headers = {"Authorization": f"Bearer {token}", "x-api-key": secret}
        extensions = {_QUERY_EXTENSION: dict(query or {})}
        request = self._http.build_request(method, path, headers=headers, extensions=extensions)
        return request, token

    def _starts_check(self, endpoint: Endpoint) -> bool:
        """The call that starts a check (the waiting room admits those at the plan's rate);
        the rest belong to a check under way and go first in the pacer's queue."""
        first = Endpoint.INITIATE_SESSION if self.captcha_enabled else Endpoint.GENERATE_OTP
        return endpoint is first

    async def _send(self, endpoint: Endpoint, request: httpx.Request, attempt: int) -> _Reply:
        """One HTTP exchange, judged and logged. Raises nothing but cancellation."""
        started = time.perf_counter()
        failure: str | None = None
        try:
            response = await self._http.send(request)
        except httpx.RequestError as error:
            # Only the class name survives: the exception holds the request.
            reply, failure = _Reply(judge_transport_error(error)), type(error).__name__
        else:
            body = _scrub(_json(response))
            verdict = judge(
                endpoint,
                response.status_code,
                body,
                not_seeded_sub_codes=self._config.not_seeded_sub_codes,
            )
            reply = _Reply(
                verdict,
                status=response.status_code,
                body=body if isinstance(body, Mapping) else None,
                retry_after=parse_retry_after(
                    response.headers.get("retry-after"), self._clock.now()
                ),
            )
        logger.log(
            logging.WARNING if reply.verdict.outcome in _WARN_OUTCOMES else logging.INFO,
            "deepvue %s status=%s sub_code=%s transaction_id=%s latency_ms=%d attempt=%d "
            "outcome=%s error=%s",
            endpoint,
            reply.status,
            reply.verdict.sub_code,
            reply.verdict.transaction_id,
            (time.perf_counter() - started) * 1000,
            attempt,
            reply.verdict.outcome,
            failure,
        )
        return reply

    async def _access_token(self, rejected: str | None) -> str:
        """A bearer token that is fresh and not ``rejected``; one refresh at a time.

        Concurrent callers that find the token stale queue on the lock; the first refreshes, the
        rest find the new token on the re-check and use it.
        """
        token = self._usable_token(rejected)
        if token is None:
            async with self._token_lock:
                token = self._usable_token(rejected)
                if token is None:
                    token = self._token = await self._authorize()
        return token.value

    def _usable_token(self, rejected: str | None) -> _Token | None:
        token = self._token
        if token is None or token.value == rejected or self._clock.now() >= token.refresh_at:
            return None
        return token

    async def _authorize(self) -> _Token:
        """Authorize; refresh ``token_refresh_margin_s`` before expiry (at most half-way)."""
        reply = await self._call(Endpoint.AUTHORIZE)
        grant = self._parse(Endpoint.AUTHORIZE, TokenGrant, reply, reply.body)
        lifetime = grant.expiry - self._clock.now()
        margin = min(timedelta(seconds=self._config.token_refresh_margin_s), lifetime / 2)
        return _Token(grant.access_token, refresh_at=grant.expiry - margin)

    def _backoff(self, retries: int, retry_after: float | None) -> float | None:
        """Full-jitter exponential backoff, at least the vendor's Retry-After.

        ``None`` when Retry-After asks for longer than ``retry_after_max_s``: better to tell the
        user "try later" than to hold them.
        """
        config = self._config
        if retry_after is not None and retry_after > config.retry_after_max_s:
            return None
        ceiling = min(config.backoff_max_s, config.backoff_base_s * 2**retries)
        return max(self._rng.uniform(0, ceiling), retry_after or 0.0)

    def _parse(
        self, endpoint: Endpoint, model: type[_Model], reply: _Reply, payload: object
    ) -> _Model:
        """Validate a success payload; a missing or malformed field is an UNKNOWN outcome."""
        try:
            return model.model_validate(payload)
        except ValidationError as error:
            fields = sorted({".".join(map(str, item["loc"])) or "-" for item in error.errors()})
        # Raised outside the except block, so the ValidationError is not chained on.
        logger.warning(
            "deepvue %s answer unusable: fields=%s transaction_id=%s",
            endpoint,
            fields,
            reply.verdict.transaction_id,
        )
        raise self._error(endpoint, reply, Outcome.UNKNOWN)

    @staticmethod
    def _error(endpoint: Endpoint, reply: _Reply, outcome: Outcome) -> VendorError:
        return VendorError(
            outcome,
            endpoint=endpoint,
            http_status=reply.status,
            sub_code=reply.verdict.sub_code,
            transaction_id=reply.verdict.transaction_id,
            retry_after=reply.retry_after,
        )


def _json(response: httpx.Response) -> object:
    """The parsed body, or ``None`` for anything that is not JSON (an HTML error page)."""
    try:
        return response.json()
    except ValueError:  # JSONDecodeError and UnicodeDecodeError; both hold the raw body
        return None


def _scrub(body: object) -> object:
    """Drop the echoed Aadhaar number the moment the body is parsed, before anything holds it."""
    if isinstance(body, dict) and isinstance(data := body.get("data"), dict):
        data.pop("aadhaar_number", None)
    return body


def _data(reply: _Reply) -> object:
    return None if reply.body is None else reply.body.get("data")
