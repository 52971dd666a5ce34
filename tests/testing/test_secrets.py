"""The leak guard (tests/conftest.py) knows every secret the tests use, and would catch it."""

from __future__ import annotations

import pytest

from bot.observability.logging_setup import redact
from testing.harness import HARNESS_TOKEN, SECRET_STRINGS, WEBHOOK_SECRET
from testing.leaks import find_secrets


@pytest.mark.parametrize("secret", [HARNESS_TOKEN, WEBHOOK_SECRET, "s3cret-key"])
def test_the_guard_finds_each_secret(secret: str) -> None:
    assert find_secrets(f'{{"message": "something {secret} leaked"}}')


def test_the_guard_knows_the_token_without_its_bot_id() -> None:
    assert HARNESS_TOKEN.split(":", 1)[1] in SECRET_STRINGS


def test_the_bot_token_is_redacted_from_a_request_url() -> None:
    line = redact(f"POST https://api.telegram.org/bot{HARNESS_TOKEN}/sendMessage")
    assert not find_secrets(line)
