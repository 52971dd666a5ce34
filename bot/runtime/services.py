"""Everything a handler needs, built once in ``bot/app.py``, reached from the callback context."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot
from telegram.request import BaseRequest

from bot.capacity.held_numbers import HeldNumbers
from bot.capacity.waiting_room import WaitingRoom
from bot.clock import Clock
from bot.config import Settings
from bot.domain.policy import Limits
from bot.i18n.notices import Notices
from bot.i18n.translator import Translator
from bot.sandbox import Sandbox
from bot.store.base import Store
from bot.vendor.breaker import CircuitBreaker
from bot.vendor.types import SeedingVendor

if TYPE_CHECKING:  # annotations only: these modules are above services in the import order
    from bot.capacity.usage import CapacitySource
    from bot.runtime.leader import Leadership
    from bot.runtime.updates import HandledTracker


@dataclass(slots=True)
class Services:
    settings: Settings
    store: Store
    vendor: SeedingVendor
    translator: Translator
    notices: Notices
    clock: Clock
    limits: Limits
    held: HeldNumbers
    sandbox: bool
    # The in-process sandbox's control object (faults, call counts), when it is the vendor.
    sandbox_control: Sandbox | None = None
    # The circuit breaker ``vendor`` is wrapped in: its ``state`` for metrics, ``ready()`` for
    # /readyz, ``inner`` for the client itself (e.g. its pacer).
    breaker: CircuitBreaker | None = None
    # The line in front of the vendor plan's capacity (bot/capacity/waiting_room.py).
    waiting: WaitingRoom | None = None
    # The longest wait in line, for /stats and the digest (bot/capacity/usage.py), with a waiting
    # room.
    capacity: CapacitySource | None = None
    # Set while this process takes updates (bot/app.py: taking_updates). ``leadership`` is None
    # with SQLite (one instance, always the leader); ``tracker`` is what is confirmed to Telegram.
    leadership: Leadership | None = None
    tracker: HandledTracker | None = None


class SeedingApplication(Application[Any, Any, Any, Any, Any, Any]):
    """The PTB application with our services attached (kept off ``bot_data`` on purpose:
    nothing of ours should sit in PTB's data dicts, which persistence could write to disk)."""

    services: Services

    def __init__(self, *, services: Services, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services
        self.menus: asyncio.Task[None] | None = None  # setting the command menus, at start
        self.requests: tuple[BaseRequest, ...] = ()  # the Bot API sessions (bot/app.py)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def services(self) -> Services:
        application = self.application
        assert isinstance(application, SeedingApplication)
        return application.services
