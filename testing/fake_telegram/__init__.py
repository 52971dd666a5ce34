"""A fake Telegram Bot API server for end-to-end tests, the offline demo and benchmarks.

The bot runs unmodified against it (``ApplicationBuilder().base_url(fake.base_url)``); tests
play the user with ``send_text``/``press`` and read what the bot did as a user would see it.
See ``server`` for what is modelled and ``client`` for driving a fake in another process.
"""

from testing.fake_telegram.client import FakeTelegramClient
from testing.fake_telegram.server import (
    DEFAULT_TOKEN,
    DEFAULT_USERNAME,
    ApiCall,
    BotEvent,
    BotMessage,
    Button,
    CallbackAnswer,
    FakeTelegram,
    FeedEvent,
    UploadedFile,
    Webhook,
    serve_forever,
)

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
