"""A bot-level double for the check's step modules: no HTTP, no database, no locale files
(tests/bot/check/ uses it through its conftest's fixtures).

:class:`RecordingBot` stands in for PTB's ``Bot`` and records what would be sent, edited and
deleted; :class:`MemoryStore` keeps the flow row and the check log in dicts; the translator
answers with the message keys, so a test reads ``"otp-wrong"`` rather than English. A
:class:`Turn` is built around them directly (``make_turn``), as ``Turn.load`` would.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any, cast

from telegram import Chat, Message, Update, User

from bot.capacity.held_numbers import HeldNumbers
from bot.check.state import FlowState
from bot.config import Settings
from bot.domain.policy import Limits
from bot.i18n.notices import Notices
from bot.i18n.translator import Translator
from bot.runtime.services import Services
from bot.store.base import CheckRecord, Store
from bot.vendor.types import Captcha, OtpSent, SeedingResult, VendorError
from handlers.turn import Turn
from testing.clock import FakeClock

CHAT = 4242
T0 = datetime(2026, 1, 15, 6, 30, tzinfo=UTC)


@dataclass
class Sent:
    method: str
    text: str = ""
    buttons: list[str] = field(default_factory=list)  # callback data, row by row flattened
    message_id: int | None = None


class RecordingBot:
    """What the handlers would have asked Telegram to do, in order."""

    def __init__(self) -> None:
        self.calls: list[Sent] = []
        self._ids = itertools.count(100)

    def _message(self, text: str, reply_markup: Any) -> tuple[SimpleNamespace, list[str]]:
        rows = reply_markup.inline_keyboard if reply_markup else ()
        data = [str(button.callback_data) for row in rows for button in row]
        message_id = next(self._ids)
        return SimpleNamespace(message_id=message_id, reply_markup=reply_markup, text=text), data

    async def send_message(self, chat_id: int, text: str, **kw: Any) -> SimpleNamespace:
        message, data = self._message(text, kw.get("reply_markup"))
        self.calls.append(Sent("send_message", text, data, message.message_id))
        return message

    async def send_photo(
        self, chat_id: int, photo: bytes, caption: str, **kw: Any
    ) -> SimpleNamespace:
        message, data = self._message(caption, kw.get("reply_markup"))
        self.calls.append(Sent("send_photo", caption, data, message.message_id))
        return message

    async def edit_message_reply_markup(self, chat_id: int, message_id: int, **kw: Any) -> bool:
        self.calls.append(Sent("edit_message_reply_markup", message_id=message_id))
        return True

    async def edit_message_text(self, text: str, **kw: Any) -> bool:
        self.calls.append(Sent("edit_message_text", text, message_id=kw.get("message_id")))
        return True

    async def delete_message(self, chat_id: int, message_id: int) -> bool:
        self.calls.append(Sent("delete_message", message_id=message_id))
        return True

    async def send_chat_action(self, chat_id: int, action: str) -> bool:
        return True

    @property
    def sent(self) -> list[Sent]:
        return [c for c in self.calls if c.method in ("send_message", "send_photo")]

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.sent]

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]


class MemoryStore:
    """The few store calls the check's steps make. Each save is noted among the bot's calls,
    so a test sees whether the state was saved before the user was told."""

    def __init__(self, bot: RecordingBot) -> None:
        self._bot = bot
        self.flows: dict[int, FlowState] = {}
        self.log: list[CheckRecord] = []
        self.otp_requests: list[datetime] = []
        self.left_line: list[int] = []

    async def get_flow(self, chat_id: int) -> FlowState | None:
        return self.flows.get(chat_id)

    async def save_flow(self, state: FlowState) -> None:
        self.flows[state.chat_id] = state
        self._bot.calls.append(Sent("save_flow", state.step.value))

    async def delete_flow(self, chat_id: int) -> None:
        self.flows.pop(chat_id, None)

    async def log_check(self, record: CheckRecord) -> None:
        self.log.append(record)

    async def count_otp_requests(self, user_id: int, since: datetime) -> int:
        return sum(at >= since for at in self.otp_requests)

    async def add_otp_request(self, user_id: int, at: datetime) -> None:
        self.otp_requests.append(at)

    async def get_language(self, chat_id: int) -> str | None:
        return None

    async def leave_line(self, chat_id: int) -> None:
        self.left_line.append(chat_id)


class KeyTranslator:
    """Messages as their keys (and variables), so tests name what is said, not its words."""

    def t(self, language: str, key: str, **args: Any) -> str:
        return key

    def format_datetime(self, language: str, value: datetime) -> str:
        return value.isoformat()

    def format_date(self, language: str, value: date) -> str:
        return value.isoformat()


class ScriptedVendor:
    """A vendor whose next answers the test sets: a value, or an outcome to raise."""

    captcha_enabled = True

    def __init__(self) -> None:
        self.script: list[object] = []
        self.calls: list[str] = []

    def _next(self, call: str) -> Any:  # the scripted answer, of the caller's type
        self.calls.append(call)
        answer = self.script.pop(0)
        if isinstance(answer, VendorError):
            raise answer
        return answer

    async def initiate_session(self) -> Captcha:
        return self._next("initiate-session")  # type: ignore[no-any-return]

    async def reload_captcha(self, session_id: str) -> Captcha:
        return self._next("reload-captcha")  # type: ignore[no-any-return]

    async def generate_otp(
        self, number: str, *, session_id: str | None, captcha: str | None
    ) -> OtpSent:
        return self._next("generate-otp")  # type: ignore[no-any-return]

    async def verify_otp(self, reference_id: str, otp: str) -> SeedingResult:
        return self._next("verify-otp")  # type: ignore[no-any-return]

    async def aclose(self) -> None:
        return None


@dataclass
class CheckWorld:
    bot: RecordingBot
    store: MemoryStore
    vendor: ScriptedVendor
    services: Services
    clock: FakeClock

    def update(self, text: str | None = None, **message: Any) -> Update:
        """An incoming message: ``text``, or e.g. ``sticker=...`` / ``caption=...``."""
        user = User(CHAT, "Asha", is_bot=False)
        sent = Message(
            message_id=7, date=self.clock.now(), chat=Chat(CHAT, "private"), from_user=user,
            text=text, **message,
        )
        return Update(update_id=1000, message=sent)

    @property
    def context(self) -> Any:
        """What handlers reach through PTB's callback context: the bot and our services."""
        return SimpleNamespace(bot=self.bot, services=self.services)

    def turn(self, state: FlowState | None, text: str | None = None) -> Turn:
        """One incoming message (``text``) to a chat whose check is ``state``."""
        return Turn(self.update(text), self.context, self.services, CHAT, CHAT, "en", state)


def make_world() -> CheckWorld:
    """A chat's world: the double, an empty store, a vendor with nothing scripted yet."""
    clock = FakeClock(T0)
    bot = RecordingBot()
    store, vendor = MemoryStore(bot), ScriptedVendor()
    # Doubles of the parts the steps use, passed where the real types go (hence the casts).
    settings = SimpleNamespace(
        operator_name="Op", grievance_contact="g@example.org", typing_delay_s=60.0
    )
    services = Services(
        settings=cast(Settings, settings),
        store=cast(Store, store),
        vendor=vendor,
        translator=cast(Translator, KeyTranslator()),
        notices=cast(Notices, None),
        clock=clock,
        limits=Limits(),
        held=HeldNumbers(clock),
        sandbox=False,
    )
    return CheckWorld(bot, store, vendor, services, clock)
