"""The one place that wires the application: settings → services → PTB Application.

Embedded defaults: SQLite under ./data, and the vendor sandbox in-process (through
``httpx.ASGITransport``, no port) whenever no DEEPVUE_BASE_URL is configured.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
from pydantic import SecretStr
from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes
from telegram.request import HTTPXRequest

from bot.clock import Clock, SystemClock
from bot.concurrency import PerChatUpdateProcessor
from bot.config import Settings
from bot.domain.policy import Limits
from bot.errors import on_error
from bot.held_numbers import HeldNumbers
from bot.i18n import Translator
from bot.notices import Notices, load_registry
from bot.sandbox import Sandbox, SandboxConfig, create_sandbox_app, sandbox_of
from bot.services import BotContext, SeedingApplication, Services
from bot.store.factory import open_store
from bot.vendor.client import DeepvueClient
from bot.vendor.config import VendorConfig
from handlers import router

log = logging.getLogger(__name__)

SANDBOX_BASE_URL = "http://sandbox.invalid"  # never resolved: the transport is in-process
SANDBOX_CREDENTIAL = "sandbox"
COMMAND_KEYS = ("start", "cancel", "language", "help", "privacy", "forget")
# Long polling: how long getUpdates waits on Telegram's side for something to arrive.
POLL_TIMEOUT_S = 10


def build_vendor(settings: Settings, clock: Clock) -> tuple[DeepvueClient, Sandbox | None]:
    """The real Deepvue client, or the same client talking to the sandbox in-process."""
    if settings.uses_sandbox:
        sandbox_app = create_sandbox_app(
            SandboxConfig(
                captcha_text=settings.sandbox_captcha_text,
                latency_ms=settings.sandbox_latency_ms,
                captcha_required=settings.deepvue_captcha,
            ),
            clock,
        )
        config = VendorConfig(
            base_url=SANDBOX_BASE_URL,
            client_id=SANDBOX_CREDENTIAL,
            client_secret=SecretStr(SANDBOX_CREDENTIAL),
            captcha_enabled=settings.deepvue_captcha,
        ).with_plan(settings.effective_plan)
        transport = httpx.ASGITransport(app=sandbox_app)
        return DeepvueClient(config, clock=clock, transport=transport), sandbox_of(sandbox_app)
    assert (
        settings.deepvue_base_url and settings.deepvue_client_id and settings.deepvue_client_secret
    )
    config = VendorConfig(
        base_url=settings.deepvue_base_url,
        client_id=settings.deepvue_client_id,
        client_secret=settings.deepvue_client_secret,
        captcha_enabled=settings.deepvue_captcha,
    ).with_plan(settings.effective_plan)
    return DeepvueClient(config, clock=clock), None


async def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    clock = clock or SystemClock()
    translator = Translator()
    limits = Limits(daily_otp_requests=settings.daily_otp_requests)
    store = await open_store(settings.database_url)
    vendor, sandbox = build_vendor(settings, clock)
    return Services(
        settings=settings,
        store=store,
        vendor=vendor,
        translator=translator,
        notices=Notices(translator, load_registry()),
        clock=clock,
        limits=limits,
        held=HeldNumbers(clock, ttl=limits.captcha_session_validity + timedelta(minutes=5)),
        sandbox=settings.uses_sandbox,
        sandbox_control=sandbox,
    )


def build_application(services: Services) -> SeedingApplication:
    settings = services.settings
    token = settings.telegram_bot_token
    if token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    builder = (
        ApplicationBuilder()
        .application_class(SeedingApplication, {"services": services})
        .token(token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_url.replace("/bot", "/file/bot"))
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(PerChatUpdateProcessor(settings.max_concurrent_updates))
        # One connection per update in flight, plus getUpdates on its own pool.
        .request(HTTPXRequest(connection_pool_size=settings.max_concurrent_updates + 4))
        .get_updates_request(HTTPXRequest(read_timeout=POLL_TIMEOUT_S + 10))
    )
    if settings.telegram_sends_per_second:
        limiter: Any = AIORateLimiter(
            overall_max_rate=settings.telegram_sends_per_second, max_retries=3
        )
        builder = builder.rate_limiter(limiter)
    application = builder.build()
    assert isinstance(application, SeedingApplication)
    router.register(application)
    application.add_error_handler(on_error)
    return application


async def set_command_menus(application: SeedingApplication) -> None:
    """The command menu, in every language (Telegram picks by the user's app language).

    A failure here must not keep the bot from answering: the menu is a convenience.
    """
    translator = application.services.translator
    try:
        for code in (None, *translator.codes):
            lang = code or "en"
            commands = [BotCommand(key, translator.t(lang, f"cmd-{key}")) for key in COMMAND_KEYS]
            await application.bot.set_my_commands(commands, language_code=code)
    except TelegramError as exc:
        log.warning("commands.not_set", extra={"error": type(exc).__name__})


@contextlib.asynccontextmanager
async def running_bot(
    settings: Settings, clock: Clock | None = None
) -> AsyncIterator[SeedingApplication]:
    """Start the bot with long polling; stop it and release everything on exit."""
    services = await build_services(settings, clock)
    try:
        application = build_application(services)
        async with application:
            await application.start()
            await set_command_menus(application)
            assert application.updater is not None
            await application.updater.start_polling(
                poll_interval=0,
                timeout=POLL_TIMEOUT_S,
                allowed_updates=Update.ALL_TYPES,
                drop_pending_updates=False,
            )
            log.info("bot.started", extra={"sandbox": services.sandbox})
            try:
                yield application
            finally:
                await application.updater.stop()
                await application.stop()
    finally:
        await services.vendor.aclose()
        await services.store.close()


async def run_until_signalled(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with running_bot(settings):
        await stop.wait()
    log.info("bot.stopped")
