"""A client for the ``/_fake/`` control routes of a fake Telegram running in another process.

Why: the terminal demo and the benchmarks run the fake (``serve_forever``) and the bot as
separate processes, so they cannot call ``FakeTelegram`` methods directly. This mirrors the
in-process user side and readers over HTTP, returning the same record types.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from testing.fake_telegram.records import BotEvent, BotMessage, ChatType, FeedEvent, JSONDict


@dataclass(frozen=True, slots=True)
class ActionDone:
    """The outcome of one action of a :meth:`FakeTelegramClient.batch`: its result (a message
    id, a callback query id...) and the fake's monotonic time when it was queued, or the
    fake's description of why it was refused."""

    result: Any = None
    at: float = 0.0
    error: str | None = None


class FakeTelegramClient:
    """Drives a fake Telegram at ``url`` (its root, e.g. http://127.0.0.1:8081; a trailing
    /bot, as in the bot's base_url, is accepted too)."""

    def __init__(self, url: str, *, http: httpx.AsyncClient | None = None) -> None:
        self.url = url.rstrip("/").removesuffix("/bot")
        self._http = http or httpx.AsyncClient(timeout=30.0)
        self._owns_http = http is None
        self._cursors: dict[int, int] = {}  # chat id -> last event seq read by next_bot_message

    @property
    def base_url(self) -> str:
        """What the bot under test gives ``ApplicationBuilder().base_url()``."""
        return f"{self.url}/bot"

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> FakeTelegramClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _call(
        self, action: str, body: Mapping[str, Any] | None = None, *, wait: float = 0.0
    ) -> Any:
        """POSTs ``body`` (GET without one) and unwraps the result; a refused action raises
        ValueError with the fake's description, like the in-process method would."""
        url = f"{self.url}/_fake/{action}"
        timeout = httpx.Timeout(30.0 + wait)
        if body is None:
            response = await self._http.get(url, timeout=timeout)
        else:
            payload = {k: v for k, v in body.items() if v is not None}
            response = await self._http.post(url, json=payload, timeout=timeout)
        data = response.json()
        if not data.get("ok"):
            raise ValueError(data.get("description", f"HTTP {response.status_code}"))
        return data["result"]

    async def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: ChatType = "private",
        language_code: str = "en",
        first_name: str = "Asha",
        title: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> int:
        body = {
            "chat_id": chat_id,
            "text": text,
            "user_id": user_id,
            "chat_type": chat_type,
            "language_code": language_code,
            "first_name": first_name,
            "title": title,
            "reply_to_message_id": reply_to_message_id,
        }
        return int(await self._call("send_text", body))

    async def send_sticker(
        self, chat_id: int, *, emoji: str = "👍", user_id: int | None = None
    ) -> int:
        body = {"chat_id": chat_id, "emoji": emoji, "user_id": user_id}
        return int(await self._call("send_sticker", body))

    async def send_photo(
        self,
        chat_id: int,
        *,
        data: bytes | None = None,
        caption: str | None = None,
        user_id: int | None = None,
    ) -> int:
        encoded = None if data is None else base64.b64encode(data).decode("ascii")
        body = {"chat_id": chat_id, "data": encoded, "caption": caption, "user_id": user_id}
        return int(await self._call("send_photo", body))

    async def send_document(
        self, chat_id: int, *, file_name: str | None = "scan.pdf", caption: str | None = None
    ) -> int:
        body = {"chat_id": chat_id, "file_name": file_name, "caption": caption}
        return int(await self._call("send_document", body))

    async def send_edited_text(self, chat_id: int, message_id: int, text: str) -> None:
        body = {"chat_id": chat_id, "message_id": message_id, "text": text}
        await self._call("send_edited_text", body)

    async def send_edited_caption(self, chat_id: int, message_id: int, caption: str) -> None:
        body = {"chat_id": chat_id, "message_id": message_id, "caption": caption}
        await self._call("send_edited_caption", body)

    async def press(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        *,
        user_id: int | None = None,
        strict: bool = True,
    ) -> str:
        body = {
            "chat_id": chat_id,
            "message_id": message_id,
            "callback_data": callback_data,
            "user_id": user_id,
            "strict": strict,
        }
        return str(await self._call("press", body))

    async def send_raw_update(self, update: JSONDict) -> int:
        return int(await self._call("send_raw_update", {"update": update}))

    async def messages(
        self,
        chat_id: int,
        *,
        after: int = 0,
        timeout: float = 0.0,
    ) -> list[BotMessage]:
        """Bot messages of the chat with ids above ``after`` (latest versions); with a
        ``timeout``, waits until there is at least one."""
        body = {"chat_id": chat_id, "after": after, "timeout": timeout}
        found = await self._call("messages", body, wait=timeout)
        return [BotMessage.from_json(m) for m in found]

    async def events(
        self,
        chat_id: int,
        *,
        after: int = 0,
        timeout: float = 0.0,
    ) -> list[BotEvent]:
        """Transcript changes (sent/edited/deleted) with seq above ``after``; with a
        ``timeout``, waits until there is at least one."""
        body = {"chat_id": chat_id, "after": after, "timeout": timeout}
        found = await self._call("events", body, wait=timeout)
        return [BotEvent.from_json(e) for e in found]

    async def next_bot_message(
        self,
        chat_id: int,
        timeout: float = 5.0,
    ) -> BotMessage:
        """Like ``FakeTelegram.next_bot_message``, with the read cursor kept in this client."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = max(deadline - time.monotonic(), 0.0)
            events = await self.events(
                chat_id, after=self._cursors.get(chat_id, 0), timeout=remaining
            )
            for event in events:
                self._cursors[chat_id] = event.seq
                if event.type != "deleted":
                    return event.message
            if not events:
                raise TimeoutError(f"no new bot message in chat {chat_id} in {timeout} s")

    async def batch(self, actions: Sequence[tuple[str, Mapping[str, Any]]]) -> list[ActionDone]:
        """Runs user-side actions (``("send_text", {"chat_id": 1, "text": "/start"})``,
        ``("press", {...})``...) in order in one request: the fast path for many users."""
        body = {"actions": [{"action": name, "args": dict(args)} for name, args in actions]}
        done = await self._call("batch", body)
        return [ActionDone(d.get("result"), d.get("at", 0.0), d.get("error")) for d in done]

    async def feed(
        self,
        after: int = 0,
        *,
        timeout: float = 0.0,
        limit: int = 10_000,
    ) -> list[FeedEvent]:
        """Compact events of every chat with seq above ``after``; with a ``timeout``, waits
        until there is at least one."""
        body = {"after": after, "timeout": timeout, "limit": limit}
        found = await self._call("feed", body, wait=timeout)
        return [FeedEvent.from_json(e) for e in found]

    async def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        body = {
            "method": method,
            "status": status,
            "description": description,
            "retry_after": retry_after,
            "times": times,
        }
        await self._call("fail_next", body)

    async def drop_next(self, method: str, *, times: int = 1, take_effect: bool = False) -> None:
        body = {"method": method, "times": times, "take_effect": take_effect}
        await self._call("drop_next", body)

    async def calls(self, method: str | None = None) -> list[JSONDict]:
        """Recorded API calls (ApiCall.to_json form), all or of one method."""
        result: list[JSONDict] = await self._call("calls", {"method": method})
        return result

    async def state(self) -> JSONDict:
        """Callback answers, chat actions, commands, webhook, deleted ids, pending updates."""
        result: JSONDict = await self._call("state", {})
        return result
