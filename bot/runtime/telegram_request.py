"""Bot API requests that survive a passing fault: sent again after a failed connection, a 5xx
answer or a lost answer.

python-telegram-bot turns each of those into a ``NetworkError`` inside whichever handler was
sending, which would leave the user with half an answer, a flow row that no longer matches what
they see, and the error handler's "something went wrong". Telegram's rate limit (429 with
retry_after) is the ``AIORateLimiter``'s job (bot/app.py): those answers pass through here.

Sending again after a *lost answer* (read timeout, dropped connection) may deliver a message
twice. We prefer a repeated message to a silence that leaves a user stuck. A repeated
deleteMessage answers "message to delete not found", which ``Turn.delete_incoming`` reads as
deleted (the message is gone either way).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram._utils.types import ODVInput
from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

from bot.runtime.telegram_http import AiohttpRequest

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]

SEND_ATTEMPTS = 3
BACKOFF_S = 0.25


class RetryingRequest(AiohttpRequest):
    """``AiohttpRequest`` (bot/runtime/telegram_http.py) that sends a failed request again, up to
    ``attempts`` sends in all, with a linear backoff (``backoff_s``, then twice that...)."""

    def __init__(
        self,
        *,
        attempts: int = SEND_ATTEMPTS,
        backoff_s: float = BACKOFF_S,
        sleep: Sleep = asyncio.sleep,
        **kwargs: Any,
    ) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        super().__init__(**kwargs)
        self._attempts = attempts
        self._backoff_s = backoff_s
        self._sleep = sleep

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        attempt = 1
        while True:
            try:
                code, payload = await super().do_request(
                    url,
                    method,
                    request_data,
                    read_timeout,
                    write_timeout,
                    connect_timeout,
                    pool_timeout,
                )
            except NetworkError as error:  # TimedOut included
                if attempt >= self._attempts:
                    raise
                reason = type(error.__cause__ or error).__name__
            else:
                if code < 500 or attempt >= self._attempts:
                    return code, payload
                reason = f"HTTP {code}"
            # The URL holds the bot token: only the method name is logged.
            log.warning(
                "telegram.retry",
                extra={"method": url.rsplit("/", 1)[-1], "attempt": attempt, "reason": reason},
            )
            await self._sleep(self._backoff_s * attempt)
            attempt += 1
