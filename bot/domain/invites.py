"""Invite links for agents: a random token in a ``t.me`` deep link; only its hash is stored."""

from __future__ import annotations

import hashlib
import re
import secrets

# Telegram's start parameter: up to 64 of A-Z a-z 0-9 _ -. 24 random bytes = 32 characters.
TOKEN_BYTES = 24
_START_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What the store keeps: a database copy then holds no working link. The token carries 192
    random bits, so an unsalted hash cannot be reversed by guessing."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def invite_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


def looks_like_token(payload: str) -> bool:
    """A /start payload that could be one of our tokens (anything else is refused unread)."""
    return _START_PARAMETER.fullmatch(payload) is not None
