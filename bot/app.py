"""The one place that wires the application: settings → services → PTB Application.

Embedded defaults: SQLite under ./data, and the vendor sandbox in-process (through
``httpx.ASGITransport``, no port) whenever no DEEPVUE_BASE_URL is configured.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import SecretStr
from telegram import BotCommand
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationBuilder, ContextTypes

from bot.capacity.held_numbers import HeldNumbers
from bot.capacity.usage import AdmissionWaits
from bot.capacity.waiting_room import CountingRateLimiter, WaitingRoom
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.domain.policy import Limits
from bot.domain.roles import EVERYONE_COMMANDS
from bot.domain.waiting import CALLS_PER_CHECK, CALLS_PER_CHECK_NO_CAPTCHA, Capacity
from bot.i18n.notices import Notices, load_registry
from bot.i18n.translator import shared_translator
from bot.observability import metrics
from bot.observability.metrics import LiveValues, MeteredVendor, serving_metrics
from bot.operator import digest, retention
from bot.runtime import updates
from bot.runtime.concurrency import OffSlotVendor, PerChatUpdateProcessor
from bot.runtime.error_handler import on_error
from bot.runtime.http_pool import ShardedTransport
from bot.runtime.leader import Leadership, leader_gauge
from bot.runtime.recovery import answer_interrupted
from bot.runtime.services import BotContext, SeedingApplication, Services
from bot.runtime.startup import with_retries
from bot.runtime.telegram_http import AiohttpRequest
from bot.runtime.telegram_request import RetryingRequest
from bot.runtime.updates import HandledTracker, RawBotApi, parse_update, update_source
from bot.runtime.webhook import readiness
from bot.sandbox import Sandbox, SandboxConfig, SandboxTransport, create_sandbox_app, sandbox_of
from bot.store.base import Store
from bot.store.factory import open_store
from bot.vendor.breaker import BreakerMachine, CircuitBreaker
from bot.vendor.client import DeepvueClient
from bot.vendor.config import VendorConfig
from bot.vendor.pacing import Sleep
from handlers import access, router, waiting

log = logging.getLogger(__name__)

SANDBOX_BASE_URL = "http://sandbox.invalid"  # never resolved: the transport is in-process
SANDBOX_CREDENTIAL = "sandbox"
COMMAND_KEYS = EVERYONE_COMMANDS  # admins' and agents' chats get theirs: handlers/access.py


def build_vendor(
    settings: Settings, clock: Clock, sleep: Sleep = asyncio.sleep, *, share: int = 1
) -> tuple[DeepvueClient, Sandbox | None]:
    """The real Deepvue client, or the same client talking to the sandbox in-process.

    ``sleep`` is what the client waits with between retries (tests pass a fake clock's).
    ``share``: how many processes pace their calls separately (worker processes), each
    keeping to its share of the plan's limits.
    """
    if settings.uses_sandbox:
        config = (
            VendorConfig(
                base_url=SANDBOX_BASE_URL,
                client_id=SANDBOX_CREDENTIAL,
                client_secret=SecretStr(SANDBOX_CREDENTIAL),
                captcha_enabled=settings.deepvue_captcha,
                connect_timeout=settings.deepvue_connect_timeout_s,
                read_timeout=settings.deepvue_read_timeout_s,
            )
            .with_plan(settings.effective_plan)
            .shared_by(share)
        )
        sandbox_app = create_sandbox_app(
            SandboxConfig(
                captcha_text=settings.sandbox_captcha_text,
                latency_ms=settings.sandbox_latency_ms,
                captcha_required=settings.deepvue_captcha,
                # Refuses what the vendor would on this process's share of the plan.
                rate_limit_per_second=config.per_second,
                rate_limit_per_minute=config.per_minute,
                rate_limit_per_day=config.per_day,
            ),
            clock,
        )
        sandbox = sandbox_of(sandbox_app)
        transport = SandboxTransport(sandbox_app, sandbox.connect_faults)
        return DeepvueClient(config, clock=clock, transport=transport, sleep=sleep), sandbox
    assert (
        settings.deepvue_base_url and settings.deepvue_client_id and settings.deepvue_client_secret
    )
    config = (
        VendorConfig(
            base_url=settings.deepvue_base_url,
            client_id=settings.deepvue_client_id,
            client_secret=settings.deepvue_client_secret,
            captcha_enabled=settings.deepvue_captcha,
            connect_timeout=settings.deepvue_connect_timeout_s,
            read_timeout=settings.deepvue_read_timeout_s,
        )
        .with_plan(settings.effective_plan)
        .shared_by(share)
    )
    # Many calls may wait on the vendor at once (a thousand users, pacing off): small pools.
    pool = ShardedTransport()
    return DeepvueClient(config, clock=clock, transport=pool, sleep=sleep), None


def build_waiting_room(
    settings: Settings,
    client: DeepvueClient,
    store: Store,
    clock: Clock,
    *,
    lane: int = 0,
    lanes: int = 1,
) -> WaitingRoom:
    """The line in front of this process's share of the vendor plan
    (bot/capacity/waiting_room.py)."""
    limits = client.rate_limits
    capacity = Capacity(
        per_second=limits.per_second,
        per_minute=limits.per_minute,
        per_day=limits.per_day,
        calls_per_check=CALLS_PER_CHECK if client.captcha_enabled else CALLS_PER_CHECK_NO_CAPTCHA,
        guard_s=client.pacing_guard_s,
    )
    return WaitingRoom(
        capacity,
        store,
        clock,
        no_show_after=timedelta(seconds=settings.waiting_room_no_show_s),
        assisted_first=settings.waiting_room_assisted_first,
        lane=lane,
        lanes=lanes,
    )


def build_breaker(settings: Settings, clock: Clock, client: DeepvueClient) -> CircuitBreaker:
    """The vendor as the conversation sees it: the client behind a circuit breaker."""
    machine = BreakerMachine(
        clock,
        failure_threshold=settings.vendor_breaker_failures,
        open_for=timedelta(seconds=settings.vendor_breaker_open_s),
    )
    return CircuitBreaker(client, machine)


async def build_services(
    settings: Settings,
    clock: Clock | None = None,
    *,
    sleep: Sleep = asyncio.sleep,
    vendor_share: int = 1,
    lane: int = 0,
) -> Services:
    clock = clock or SystemClock()
    translator = shared_translator()
    limits = Limits(
        daily_otp_requests=settings.daily_otp_requests,
        agent_daily_checks=settings.agent_daily_checks,
    )
    store = await open_store(settings.database_url)
    client, sandbox = build_vendor(settings, clock, sleep, share=vendor_share)
    breaker = build_breaker(settings, clock, client)
    return Services(
        settings=settings,
        store=store,
        # A vendor call gives its running slot back while it waits (bot/runtime/concurrency.py).
        vendor=OffSlotVendor(MeteredVendor(breaker)),
        translator=translator,
        notices=Notices(translator, load_registry()),
        clock=clock,
        limits=limits,
        held=HeldNumbers(clock, ttl=limits.captcha_session_validity + timedelta(minutes=5)),
        sandbox=settings.uses_sandbox,
        sandbox_control=sandbox,
        breaker=breaker,
        waiting=build_waiting_room(settings, client, store, clock, lane=lane, lanes=vendor_share),
    )


def build_application(services: Services, *, runs_jobs: bool = True) -> SeedingApplication:
    """The PTB application. It has no updater of its own: updates come from our one pipeline
    (bot/runtime/updates.py), directly or, in a worker process (bot/runtime/workers.py), through the
    update fan-out; only one process runs the jobs."""
    settings = services.settings
    token = settings.telegram_bot_token
    if token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    requests = (
        RetryingRequest(connection_pool_size=settings.max_concurrent_updates + 4),
        AiohttpRequest(),
    )
    builder = (
        ApplicationBuilder()
        .application_class(SeedingApplication, {"services": services})
        .token(token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_url.replace("/bot", "/file/bot"))
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(
            PerChatUpdateProcessor(settings.max_concurrent_updates, on_done=metrics.update_handled)
        )
        # One connection per update in flight. Sends that fail in passing are sent again
        # (bot/runtime/telegram_request.py). getUpdates is bot/runtime/updates.py's, on a session of
        # its own.
        .request(requests[0])
        .get_updates_request(requests[1])
        .updater(None)
    )
    if settings.telegram_sends_per_second:
        # Counts what queues behind it: the waiting room adds that to its estimates.
        limiter: Any = CountingRateLimiter(
            overall_max_rate=settings.telegram_sends_per_second, max_retries=3
        )
        builder = builder.rate_limiter(limiter)
    application = builder.build()
    assert isinstance(application, SeedingApplication)
    application.requests = requests
    router.register(application)
    if services.waiting is not None:  # the longest wait in line, in /stats and the digest
        services.capacity = AdmissionWaits(services.store)
    if runs_jobs:
        retention.schedule(application)
        digest.schedule(application)
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
async def taking_updates(application: SeedingApplication) -> AsyncIterator[Leadership | None]:
    """This process's update source (bot/runtime/updates.py: long polling or the webhook, under the
    leadership rule), feeding ``application.update_queue``; an update is confirmed to Telegram
    once the update processor has handled it."""
    services = application.services
    settings = services.settings
    tracker = HandledTracker()
    processor = application.update_processor
    assert isinstance(processor, PerChatUpdateProcessor)
    processor.on_handled = tracker.handled

    async def deliver(data: Mapping[str, Any]) -> None:
        update = parse_update(data, application.bot)
        if update is None:  # set aside (logged): confirmed, so that the others flow
            tracker.set_aside += 1
            tracker.handled(int(data["update_id"]))
            return
        await application.update_queue.put(update)

    async def ready() -> dict[str, bool]:
        return await readiness(services)

    async def send(chat_id: int, text: str) -> None:
        await application.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)

    def recover() -> Awaitable[int]:  # users whose vendor call died with the last process
        return answer_interrupted(services.store, services.translator, send)

    api = RawBotApi(settings.telegram_base_url, application.bot.token)
    try:
        source = update_source(settings, api, tracker, deliver, ready)
        async with updates.taking_updates(settings, api.bot_id, source, recover) as leadership:
            services.leadership = leadership
            services.tracker = tracker
            yield leadership
    finally:
        await api.aclose()


@contextlib.asynccontextmanager
async def exporting_metrics(
    application: SeedingApplication, *, reports_leader: bool = True
) -> AsyncIterator[int | None]:
    """/metrics on METRICS_PORT (off when 0), with the values read at scrape time. A worker
    process does not report leadership: its instance's fan-out does (bot/runtime/workers.py)."""
    services = application.services
    settings = services.settings
    breaker = services.breaker
    client = breaker.inner if breaker is not None else None
    pacer = getattr(client, "pacer", None)
    leadership = services.leadership
    processor = application.update_processor
    room = services.waiting if services.waiting is not None and services.waiting.limited else None
    values = LiveValues(
        pacing_queue=(lambda: pacer.queue_length) if pacer is not None else None,
        circuit_state=(lambda: breaker.state) if breaker is not None else None,
        leader=leader_gauge(leadership) if reports_leader else None,
        updates_in_flight=(lambda: getattr(processor, "in_flight", 0)),
        waiting_line=(lambda: room.line_length) if room is not None else None,
        budget_left=(lambda: room.budget) if room is not None else None,
    )
    with serving_metrics(settings.metrics_port, settings.metrics_host, values) as port:
        yield port


@dataclass(frozen=True)
class WorkerSlot:
    """Which of an instance's worker processes this is (bot/runtime/workers.py)."""

    index: int
    count: int

    def settings(self, settings: Settings) -> Settings:
        """This worker's share of the instance's settings: Telegram's send limit split between
        the workers, and a metrics port of its own (METRICS_PORT + 1 + index)."""
        sends = settings.telegram_sends_per_second
        port = settings.metrics_port
        return settings.model_copy(
            update={
                "telegram_sends_per_second": max(1, sends // self.count) if sends else 0,
                "metrics_port": port + 1 + self.index if port else 0,
            }
        )


@contextlib.asynccontextmanager
async def running_bot(
    settings: Settings,
    clock: Clock | None = None,
    *,
    sleep: Sleep = asyncio.sleep,
    worker: WorkerSlot | None = None,
) -> AsyncIterator[SeedingApplication]:
    """Start the bot (long polling or webhook); stop it and release everything on exit.

    ``sleep`` is how the vendor client waits between retries: tests pass their fake clock's.
    As a ``worker`` process it takes no updates itself: the caller puts the ones its
    instance's update fan-out hands it on ``update_queue`` (bot/runtime/workers.py). The first
    worker sets the command menus and runs the jobs.
    """
    if worker is not None:
        settings = worker.settings(settings)
    first = worker is None or worker.index == 0
    services = await build_services(
        settings,
        clock,
        sleep=sleep,
        vendor_share=worker.count if worker else 1,
        lane=worker.index if worker else 0,
    )
    try:
        application = build_application(services, runs_jobs=first)
        try:
            async with application:
                await application.start()
                source: contextlib.AbstractAsyncContextManager[object] = (
                    taking_updates(application) if worker is None else contextlib.nullcontext()
                )
                try:
                    async with (
                        source as leadership,
                        exporting_metrics(application, reports_leader=worker is None),
                        waiting.serving(application, leadership, worker=worker is not None),
                    ):
                        if first:
                            # After the update source has started: the menus are a convenience
                            # (every language to parse, some fifteen calls), not worth keeping the
                            # first user waiting for. Tests await ``application.menus``.
                            application.menus = asyncio.create_task(_set_menus(application))
                        log.info(
                            "bot.started",
                            extra={"sandbox": services.sandbox, "mode": settings.bot_mode},
                        )
                        yield application
                finally:
                    if application.menus is not None:
                        application.menus.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await application.menus
                    await application.stop()
        finally:
            # A start-up that failed (Telegram unreachable) leaves PTB's sessions open.
            await _close_requests(application)
    finally:
        await services.vendor.aclose()
        await services.store.close()


async def _close_requests(application: SeedingApplication) -> None:
    for request in application.requests:
        await request.shutdown()  # nothing to do when PTB has closed it


async def _set_menus(application: SeedingApplication) -> None:
    """The menus, in the background: a failure is logged, never raised (they are a convenience,
    and the next start sets them again)."""
    try:
        await set_command_menus(application)
        await access.set_staff_menus(application)
    except Exception as exc:  # the store or Telegram failing now must not stop the bot
        log.warning("menus.not_set", extra={"error": type(exc).__name__})


def settle_process(*, all_locales: bool = False) -> None:
    """Move everything loaded so far (modules, locales: over 100,000 objects) out of the
    garbage collector's way for good. A full collection over them took 75 ms, a pause every
    update in flight waited out; with them frozen it is well under a millisecond. Call once,
    before the event loop starts; before forking workers, with ``all_locales`` parsed first so
    that the workers share them (and the collector does not write to those shared pages)."""
    translator = shared_translator()
    if all_locales:
        translator.load_all()
    gc.freeze()


async def run_until_signalled(settings: Settings) -> None:
    """The bot until SIGINT or SIGTERM; while Telegram or the database is unreachable at
    start-up, it tries again (bot/runtime/startup.py)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    async def run() -> None:
        async with running_bot(settings):
            await stop.wait()

    await with_retries(run, stop)
    log.info("bot.stopped")
