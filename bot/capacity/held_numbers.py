"""The only place an Aadhaar number lives: process memory, between entry and generate-otp.

Never persisted (compliance.md: not the database, not ``user_data``, not logs). Each number is
tied to one check id and expires on its own, so a number can't outlive its check even if a
handler forgets to drop it. After a restart it is gone, and the flow asks for it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock


@dataclass(slots=True)
class _Held:
    check_id: str
    number: str
    expires_at: datetime

    def __repr__(self) -> str:  # never let a debugger or a log print the number
        return f"_Held(check_id={self.check_id!r}, number='[redacted]')"


class HeldNumbers:
    def __init__(self, clock: Clock, ttl: timedelta = timedelta(minutes=10)) -> None:
        self._clock = clock
        self._ttl = ttl
        self._by_chat: dict[int, _Held] = {}

    def hold(self, chat_id: int, check_id: str, number: str, ttl: timedelta | None = None) -> None:
        """Hold ``number`` for ``ttl`` (the default one unless given: a number typed while
        waiting in line is held until the turn comes, bot/capacity/waiting_room.py)."""
        expires = self._clock.now() + (self._ttl if ttl is None else ttl)
        self._by_chat[chat_id] = _Held(check_id, number, expires)

    def get(self, chat_id: int, check_id: str) -> str | None:
        held = self._by_chat.get(chat_id)
        if held is None:
            return None
        if held.check_id != check_id or self._clock.now() >= held.expires_at:
            del self._by_chat[chat_id]
            return None
        return held.number

    def drop(self, chat_id: int) -> None:
        self._by_chat.pop(chat_id, None)

    def sweep(self) -> int:
        now = self._clock.now()
        expired = [chat for chat, held in self._by_chat.items() if now >= held.expires_at]
        for chat in expired:
            del self._by_chat[chat]
        return len(expired)

    def __len__(self) -> int:
        return len(self._by_chat)
