"""The closed set of vendor outcomes the conversation acts on."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    SUCCESS = "success"
    INVALID_AADHAAR = "invalid_aadhaar"  # UIDAI does not know the number (checksum was fine)
    INVALID_CAPTCHA = "invalid_captcha"
    SESSION_EXPIRED = "session_expired"  # the captcha session is gone: start the captcha again
    MOBILE_NOT_LINKED = "mobile_not_linked"
    INVALID_OTP = "invalid_otp"
    OTP_EXPIRED = "otp_expired"  # the reference is expired or spent
    NOT_SEEDED = "not_seeded"
    RATE_LIMITED = "rate_limited"
    UPSTREAM_UNAVAILABLE = "upstream_unavailable"  # 5xx, SOURCE_FAILURE, connection failures
    NO_ANSWER = "no_answer"  # read timeout: the request may have reached the vendor
    CREDENTIALS_REJECTED = "credentials_rejected"
    CIRCUIT_OPEN = "circuit_open"  # not called: too many recent failures (bot/vendor/breaker.py)
    UNKNOWN = "unknown"
