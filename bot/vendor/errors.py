"""How a vendor answer becomes an :class:`Outcome`: pure functions, no I/O, unit-testable.

The vendor answers errors in two shapes on any status (a full envelope with a ``sub_code``, or a
bare ``{"detail": ...}``), sometimes with an HTML page from a proxy instead. Every answer, and
every transport failure, is judged here into one :class:`Verdict`: the outcome the conversation
acts on, plus the two decisions the client takes from it (send again? authorize again?). Keeping
the decisions here means the client holds no status-code knowledge of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from types import MappingProxyType

import httpx

from bot.check.outcomes import Outcome


class Endpoint(StrEnum):
    """The vendor calls by name; the name is what logs and errors carry, never the URL."""

    AUTHORIZE = "authorize"
    INITIATE_SESSION = "initiate-session"
    RELOAD_CAPTCHA = "reload-captcha"
    GENERATE_OTP = "generate-otp"
    VERIFY_OTP = "verify-otp"


# How the vendor reports "not seeded to any bank" is undocumented [INFER]; the client's config
# can replace this set without a code change.
DEFAULT_NOT_SEEDED_SUB_CODES: frozenset[str] = frozenset(
    {"NOT_SEEDED", "AADHAAR_NOT_SEEDED", "BANK_NOT_SEEDED"}
)

SUB_CODE_OUTCOMES: Mapping[str, Outcome] = MappingProxyType(
    {
        "INVALID_AADHAAR_NUMBER": Outcome.INVALID_AADHAAR,
        "INVALID_CAPTCHA": Outcome.INVALID_CAPTCHA,
        "SESSION_EXPIRED": Outcome.SESSION_EXPIRED,
        "MOBILE_NOT_LINKED_OR_UNABLE_TO_VALIDATE": Outcome.MOBILE_NOT_LINKED,
        "INVALID_OTP": Outcome.INVALID_OTP,
        "OTP_EXPIRED": Outcome.OTP_EXPIRED,
        "INVALID_REFERENCE_ID": Outcome.OTP_EXPIRED,
        "SOURCE_FAILURE": Outcome.UPSTREAM_UNAVAILABLE,
    }
)

_SUCCESS_SUB_CODE = "SUCCESS"
_SOURCE_FAILURE = "SOURCE_FAILURE"

# Bare ``detail`` texts, matched case-insensitively by prefix (the 429 text carries a suffix).
# A refused token is worth one fresh authorize; refused credentials are not (nothing changes).
_TOKEN_REFUSED_DETAILS = (
    "not authenticated",
    "could not validate credentials",
    "not a valid token",
)
_CREDENTIALS_REFUSED_DETAILS = ("incorrect client_id or client_secret", "inactive client_id")
_DETAIL_OUTCOMES: tuple[tuple[str, Outcome], ...] = (
    *(
        (text, Outcome.CREDENTIALS_REJECTED)
        for text in _TOKEN_REFUSED_DETAILS + _CREDENTIALS_REFUSED_DETAILS
    ),
    ("internal server error", Outcome.UPSTREAM_UNAVAILABLE),
    ("source unavailable", Outcome.UPSTREAM_UNAVAILABLE),
    ("rate limit exceeded", Outcome.RATE_LIMITED),
)

# A SOURCE_FAILURE means UIDAI did not answer the vendor. Sending again is safe where nothing
# reaches the citizen; on generate-otp it could mean a second SMS, so that step never repeats.
_SOURCE_FAILURE_RETRIED = frozenset(
    {Endpoint.INITIATE_SESSION, Endpoint.RELOAD_CAPTCHA, Endpoint.VERIFY_OTP}
)

_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_MAYBE_SENT = (
    httpx.TimeoutException,  # read and write timeouts: the connect ones are caught above
    httpx.NetworkError,
    httpx.RemoteProtocolError,
    httpx.DecodingError,
)

# Statuses that mean the same whatever sub_code rides along with them.
_STATUS_OUTCOMES: Mapping[int, Outcome] = MappingProxyType(
    {
        401: Outcome.CREDENTIALS_REJECTED,
        403: Outcome.CREDENTIALS_REJECTED,
        429: Outcome.RATE_LIMITED,
        503: Outcome.UPSTREAM_UNAVAILABLE,
    }
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What one vendor answer means and what the client may do about it."""

    outcome: Outcome
    sub_code: str | None = None
    transaction_id: str | None = None
    retryable: bool = False  # safe to send the same call again after a backoff
    reauthorize: bool = False  # the token was refused: authorize again, then send once more


def judge(
    endpoint: Endpoint,
    status: int,
    body: object,
    *,
    not_seeded_sub_codes: frozenset[str] = DEFAULT_NOT_SEEDED_SUB_CODES,
) -> Verdict:
    """Judge one HTTP answer. ``body`` is the parsed JSON, or ``None`` when it was not JSON."""
    envelope: Mapping[object, object] = body if isinstance(body, Mapping) else {}
    sub_code = _text(envelope.get("sub_code"))
    detail = _text(envelope.get("detail"))
    effective = _effective_status(status, envelope)
    outcome = _outcome(effective, sub_code, detail, body, not_seeded_sub_codes)
    return Verdict(
        outcome=outcome,
        sub_code=sub_code,
        transaction_id=_text(envelope.get("transaction_id")),
        retryable=(
            outcome is Outcome.RATE_LIMITED
            or effective == 503
            or (sub_code == _SOURCE_FAILURE and endpoint in _SOURCE_FAILURE_RETRIED)
        ),
        reauthorize=(
            endpoint is not Endpoint.AUTHORIZE
            and status in (401, 403)
            and outcome is Outcome.CREDENTIALS_REJECTED
            and not (detail and detail.lower().startswith(_CREDENTIALS_REFUSED_DETAILS))
        ),
    )


def classify(
    endpoint: Endpoint,
    status: int,
    body: object,
    *,
    not_seeded_sub_codes: frozenset[str] = DEFAULT_NOT_SEEDED_SUB_CODES,
) -> Outcome:
    """The :class:`Outcome` of one HTTP answer (see :func:`judge` for the whole verdict)."""
    return judge(endpoint, status, body, not_seeded_sub_codes=not_seeded_sub_codes).outcome


def judge_transport_error(error: httpx.RequestError) -> Verdict:
    """Judge a call that got no usable HTTP answer, by whether the vendor can have seen it.

    A refused or timed-out connection (or no free pooled connection) means nothing was sent:
    safe to send again. A timeout, break or undecodable answer after that point may come after
    the vendor acted (an OTP SMS may be on its way): never repeated, reported as ``NO_ANSWER``.
    """
    if isinstance(error, _NOT_SENT):
        return Verdict(Outcome.UPSTREAM_UNAVAILABLE, retryable=True)
    if isinstance(error, _MAYBE_SENT):
        return Verdict(Outcome.NO_ANSWER)
    return Verdict(Outcome.UPSTREAM_UNAVAILABLE)  # proxy or protocol set-up failures


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or HTTP date), if usable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an obsolete date form without a zone: HTTP dates are GMT
        return None
    return max(0.0, (when - now).total_seconds())


def _outcome(
    status: int,
    sub_code: str | None,
    detail: str | None,
    body: object,
    not_seeded_sub_codes: frozenset[str],
) -> Outcome:
    if sub_code in not_seeded_sub_codes:
        return Outcome.NOT_SEEDED
    if sub_code is not None and sub_code in SUB_CODE_OUTCOMES:
        return SUB_CODE_OUTCOMES[sub_code]
    if detail is not None:
        lowered = detail.lower()
        for prefix, outcome in _DETAIL_OUTCOMES:
            if lowered.startswith(prefix):
                return outcome
    if status in _STATUS_OUTCOMES:
        return _STATUS_OUTCOMES[status]
    if sub_code not in (None, _SUCCESS_SUB_CODE):
        return Outcome.UNKNOWN  # a sub_code we do not know: the caller logs its transaction_id
    if 200 <= status < 300:
        return Outcome.SUCCESS if isinstance(body, Mapping) else Outcome.UNKNOWN
    if status >= 500:
        return Outcome.UPSTREAM_UNAVAILABLE
    return Outcome.UNKNOWN


def _effective_status(status: int, envelope: Mapping[object, object]) -> int:
    """The envelope's ``code`` when a 2xx answer carries an error code inside it."""
    code = envelope.get("code")
    if 200 <= status < 300 and isinstance(code, int) and not isinstance(code, bool):
        return code
    return status


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
