"""Adapters' pure pieces: log redaction, button payloads, settings errors."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator

import pytest

from bot.config import SettingsError, load_settings
from bot.observability.logging_setup import JsonFormatter, RedactingFilter, redact
from handlers.callbacks import MAX_CALLBACK_BYTES, Action, decode, encode


@pytest.mark.parametrize(
    "secret",
    [
        "987654321096",
        "9876 5432 1096",
        "9876-5432-1096",
        "GET /v1/x?aadhaar_number=987654321096&captcha=AB12",
        "POST /verify-otp?otp=123456&reference_id=r",
        "https://api.telegram.org/bot123456:ABCdefGhIJKlmNoPQRsTUVwxyZ0123456789ab/getMe",
    ],
)
def test_redact_removes_secrets(secret: str) -> None:
    out = redact(f"before {secret} after")
    for piece in ("987654321096", "9876 5432 1096", "123456:ABC", "otp=123456", "captcha=AB12"):
        assert piece not in out


def test_redact_keeps_ordinary_numbers() -> None:
    assert redact("update 12345 took 42 ms") == "update 12345 took 42 ms"


@contextlib.contextmanager
def production_handler(logger_name: str) -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """``logger_name``'s logger with the production handler's filter and format on it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)


def test_filter_redacts_args_and_exceptions() -> None:
    with production_handler("test.redaction") as (logger, stream):
        try:
            raise ValueError("bad number 9876 5432 1096")
        except ValueError:
            logger.exception("failed for %s", "987654321096", extra={"detail": "otp=654321"})
    output = stream.getvalue()
    assert "1096" not in output.replace("[redacted]", "")
    assert "654321" not in output


def test_python_telegram_bots_records_never_carry_what_they_format() -> None:
    """PTB logs "Error while building CallbackContext for update %s" at CRITICAL with the
    whole update; a batch holds other users' OTPs (a six-digit OTP is no Aadhaar number for
    the redaction's patterns)."""
    with production_handler("telegram.ext.Application") as (logger, stream):
        try:
            raise KeyError("text: 654321")
        except KeyError as exc:
            logger.critical("Error for update %s.", {"text": "OTP 654321"}, exc_info=exc)
    output = stream.getvalue()
    assert "654321" not in output
    assert "Error for update %s. (KeyError)" in output


def test_callback_payload_round_trip() -> None:
    data = encode(Action.LANGUAGE, "Ab_9-xYz", "hi")
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    callback = decode(data)
    assert callback is not None
    assert (callback.action, callback.check_id, callback.arg) == (Action.LANGUAGE, "Ab_9-xYz", "hi")


@pytest.mark.parametrize("garbage", [None, "", "x", "z|abc|", "a||", "a|b", "a|" + "x" * 70 + "|"])
def test_callback_garbage_is_rejected(garbage: str | None) -> None:
    assert decode(garbage) is None


def test_settings_error_names_the_setting_and_hides_the_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ADMIN_IDS", "12,secret-ish")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "ADMIN_IDS" in message
    assert "\n" not in message


def test_settings_require_vendor_credentials_with_a_vendor_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEEPVUE_BASE_URL", "https://production.deepvue.tech")
    with pytest.raises(SettingsError, match="DEEPVUE_CLIENT_ID"):
        load_settings()


def test_secret_settings_never_print(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:very-secret-token-value")
    assert "very-secret" not in repr(load_settings())
