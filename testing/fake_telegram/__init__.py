"""A fake Telegram Bot API server, served over loopback HTTP, with a scriptable user side: for
end-to-end tests, the offline demo and benchmarks.

Why a server and not a mocked ``Bot`` object: the bot must run unmodified, through its real
python-telegram-bot (PTB) request stack, error mapping, retries and rate limiter. PTB is pointed
here with ``ApplicationBuilder().base_url(fake.base_url)``; requests arrive as
``/bot<TOKEN>/<method>`` with form fields (urlencoded, or multipart when a file is uploaded)
whose non-string values are JSON-encoded, exactly as they reach api.telegram.org.

Why it is strict: a fake that accepts everything hides the bugs that real bots ship with. So the
answers follow the real Bot API, errors included: unescaped ``<`` in HTML or ``.`` in MarkdownV2
("can't parse entities"), callback_data over 64 bytes (BUTTON_DATA_INVALID), an edit that changes
nothing ("message is not modified"), deleting a message twice ("message to delete not found"),
answering a callback query twice, sending to a chat that never talked to the bot ("chat not
found"), getUpdates while a webhook is set or from two pollers at once (409 Conflict). getUpdates
returns at most ``limit`` (100) updates from the offset and keeps each until a later offset
confirms it; a webhook delivery keeps it until answered 2xx. Editing a
message's text without passing reply_markup drops its inline keyboard, as on the real server.
Text is parsed and trimmed like Telegram does, so the transcript holds what the user would see.

Modelled: the methods listed in ``FakeTelegram._methods``; any other method answers
404 "Not Found: method not supported by the fake server" (the real server answers 404 for unknown
methods too, and PTB turns that into ``InvalidToken``). A wrong token answers 401 "Unauthorized".
Method names are case-insensitive, as on the real server. Group privacy mode is modelled (only
commands and replies to the bot reach it). Not modelled: flood limits (inject them with
``fail_next``), inline mode, channels, topics, payments, getFile/downloads, and message age
limits for edits and deletes. Everything lives in memory in one event loop; the fake is not
thread-safe.

The modules, by job (``FakeTelegram`` is the last of a chain of classes, one per module):

- ``records``: what the bot did, as records a test compares (``BotMessage``, ``BotEvent``,
  ``ApiCall``...), JSON both ways for a fake in another process
- ``requests``: decoding a Bot API call (query string, urlencoded, multipart or JSON body through
  bot/runtime/asgi.py's decoder) into typed ``Params`` that fail like the real API
- ``entities``: HTML, MarkdownV2 and Markdown parse modes (TDLib's rules), trimming, commands
- ``app``: the ASGI side: Starlette plus a fast path for Bot API and control calls, answers as
  bytes, dropping a connection unanswered
- ``world``: ``World``, the state (chats, users, files, queued updates), reading it back, waiting
  for it without polling, queued faults
- ``user_side``: ``UserSide(World)``, what a person does (send, edit, tap), as queued Updates
- ``bot_api``: ``BotApi(UserSide)``, the Bot API endpoint and its methods
- ``control``: ``Control(BotApi)``, the ``/_fake/`` HTTP control surface
- ``server``: ``FakeTelegram(Control)``, put together, served (bot/runtime/asgi.py's helper),
  delivering to a webhook; ``serve_forever`` for ``python -m testing.fake_telegram``
- ``client``: ``FakeTelegramClient``, driving a fake in another process over ``/_fake/``
"""

from testing.fake_telegram.client import FakeTelegramClient
from testing.fake_telegram.records import (
    DEFAULT_TOKEN,
    DEFAULT_USERNAME,
    ApiCall,
    BotEvent,
    BotMessage,
    Button,
    CallbackAnswer,
    FeedEvent,
    UploadedFile,
    Webhook,
)
from testing.fake_telegram.server import FakeTelegram, serve_forever

__all__ = [
    "DEFAULT_TOKEN",
    "DEFAULT_USERNAME",
    "ApiCall",
    "BotEvent",
    "BotMessage",
    "Button",
    "CallbackAnswer",
    "FakeTelegram",
    "FakeTelegramClient",
    "FeedEvent",
    "UploadedFile",
    "Webhook",
    "serve_forever",
]
