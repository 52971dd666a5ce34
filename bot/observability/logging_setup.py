"""Structured, redacted logging (compliance.md §5).

Every handler gets :class:`RedactingFilter`, so even a careless ``log.info(update)`` cannot
write a 12-digit run, an Aadhaar number in any form (the recogniser of bot/domain/numbers.py:
any script, separators, invisible marks), an OTP parameter, an Aadhaar parameter or the bot
token. A line that carries an update's content (python-telegram-bot logs a whole batch at
CRITICAL when it cannot parse one: "Error while parsing updates! Received data was …") also has
every 6-digit run masked: an OTP someone typed.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

from bot.domain.numbers import OTP_DIGITS, digit_runs, find_aadhaar_numbers, mask_runs

# 12 digits in a row, or in 4-4-4 groups with a space or hyphen, in ASCII or any script's digits.
_TWELVE_DIGITS = re.compile(r"(?<!\d)\d{4}[ \-]?\d{4}[ \-]?\d{4}(?!\d)")
_QUERY_SECRETS = re.compile(r"(?i)\b(otp|aadhaar_number|captcha|client_secret)=[^&\s\"']*")
_BOT_TOKEN_PATH = re.compile(r"/bot\d+:[A-Za-z0-9_-]+")
_BARE_TOKEN = re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}\b")
# Cheap first looks (linear: \d and \D never compete), so most lines skip the recogniser.
_TWELVE_DIGITS_ANYWHERE = re.compile(r"(?:\d\D*){12}")
_SIX_DIGITS_ANYWHERE = re.compile(r"(?:\d\D*){6}")
# What an update's content looks like in a log line (a dict's repr or its JSON).
_UPDATE_CONTENT = re.compile(r"update_id|message_id|callback_query")

REDACTED = "[redacted]"


def redact(text: str) -> str:
    text = _BOT_TOKEN_PATH.sub("/bot" + REDACTED, text)
    text = _BARE_TOKEN.sub(REDACTED, text)
    text = _QUERY_SECRETS.sub(lambda m: f"{m.group(1)}={REDACTED}", text)
    text = _TWELVE_DIGITS.sub(REDACTED, text)
    if _TWELVE_DIGITS_ANYWHERE.search(text):
        text = mask_runs(text, find_aadhaar_numbers(text), REDACTED)
    if _UPDATE_CONTENT.search(text) and _SIX_DIGITS_ANYWHERE.search(text):
        text = mask_runs(text, list(digit_runs(text, OTP_DIGITS)), REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites the record's message (and exception text) with :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("telegram"):
            _without_contents(record)
        message = record.getMessage()
        record.msg = redact(message)
        record.args = None
        if record.exc_info:
            formatter = logging.Formatter()
            record.exc_text = redact(formatter.formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def _without_contents(record: logging.LogRecord) -> None:
    """python-telegram-bot formats whole objects into some of its records (an update it could
    not build a context for, at CRITICAL): a batch holds other users' OTPs. Keep its words and
    the exception's type, never the arguments or the exception's text."""
    record.msg = str(record.msg)
    record.args = None
    if record.exc_info:
        error = record.exc_info[1]
        record.msg += f" ({type(error).__name__})" if error is not None else ""
        record.exc_info = None
        record.exc_text = None


_STANDARD_ATTRS = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime"}
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any ``extra=`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.format_unredacted(record))

    def format_unredacted(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                payload[key] = value
        if record.exc_text:
            payload["exception"] = record.exc_text
        return json.dumps(payload, default=str, ensure_ascii=False)


def configure_logging(level: str = "INFO", stream: Any = None) -> logging.Handler:
    """Install one redacted JSON handler on the root logger; quieten chatty HTTP libraries."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    quiet_noisy_loggers()
    return handler


# Libraries whose chatty levels would write what users typed, whatever LOG_LEVEL says:
# httpx logs every request URL at INFO (the vendor puts the Aadhaar number in the query);
# python-telegram-bot logs whole updates and request parameters at DEBUG.
NOISY_LOGGERS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "hpack": logging.WARNING,
    "uvicorn.access": logging.WARNING,
    "telegram": logging.INFO,
    "telegram.ext": logging.INFO,
    "aiosqlite": logging.INFO,  # logs every statement with its parameters at DEBUG
}


def quiet_noisy_loggers() -> None:
    for name, level in NOISY_LOGGERS.items():
        logging.getLogger(name).setLevel(level)
