"""The few response fields the client reads, as pydantic models.

Every model ignores fields it does not declare, so new vendor fields are harmless, and keeps
its input out of validation errors (``hide_input_in_errors``): a generate-otp body echoes the
full Aadhaar number, and a ValidationError message would otherwise repeat it.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field


def _decode_base64(value: object) -> object:
    """Bare base64 per the contract; a ``data:...;base64,`` prefix is tolerated all the same."""
    if not isinstance(value, str):
        return value
    encoded = "".join(value.rpartition(",")[2].split())  # line breaks are common in base64
    try:
        return base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise ValueError("captcha is not base64") from None


def _as_utc(value: datetime) -> datetime:
    """``expiry`` is documented as ``YYYY-MM-DDTHH:MM:SSZ``; a zone-less one is read as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")


def _lenient_date(value: object) -> object:
    """A date the client cannot read must not turn a seeding answer into a failure: ``None``."""
    if not isinstance(value, str):
        return value
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), form).date()
        except ValueError:
            continue
    return None


def _blank_to_none(value: object) -> object:
    return (value.strip() or None) if isinstance(value, str) else value


JpegBytes = Annotated[bytes, BeforeValidator(_decode_base64), Field(min_length=1)]
OptionalText = Annotated[str | None, BeforeValidator(_blank_to_none)]


class _VendorModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, hide_input_in_errors=True)


class TokenGrant(_VendorModel):
    """``POST /v1/authorize`` → the bearer token and when it stops working."""

    access_token: str = Field(min_length=1)
    expiry: Annotated[datetime, AfterValidator(_as_utc)]


class CaptchaData(_VendorModel):
    """``reload-captcha`` → ``data``: a new image for the same session."""

    captcha: JpegBytes


class SessionData(CaptchaData):
    """``initiate-session`` → ``data``: a session and its first captcha image."""

    session_id: str = Field(min_length=1)


class OtpData(_VendorModel):
    """``generate-otp`` → ``data``.

    The vendor echoes ``aadhaar_number`` here. It is deliberately not declared, so the parsed
    model never holds it (and the client drops it from the raw body as soon as it is parsed).
    """

    reference_id: str = Field(min_length=1)
    otp_sent: bool = True


class SeedingData(_VendorModel):
    """``verify-otp`` → ``data``. A null (or absent) bank means: not seeded to any bank."""

    bank_name: OptionalText = None
    status: OptionalText = None
    last_updated_date: Annotated[date | None, BeforeValidator(_lenient_date)] = None
