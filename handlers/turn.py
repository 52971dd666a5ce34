"""One incoming update and what every step needs to answer it.

A :class:`Turn` knows the chat, the user, their language and their open check (if any), and
offers the few things steps do: say something (translated), delete the user's message, show
the typing indicator while the vendor is slow, save or end the check.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import secrets
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, TelegramError

from bot.check.machine import Event, first_step, may_end, next_step
from bot.check.outcomes import Outcome
from bot.check.state import FlowState, Mode, Step
from bot.domain.references import reference_hash
from bot.observability import metrics
from bot.runtime.concurrency import confirm_early
from bot.runtime.services import BotContext, Services
from bot.store.base import CheckRecord
from handlers.callbacks import Action, encode

log = logging.getLogger(__name__)

Buttons = Sequence[Sequence[tuple[str, str]]]


def escape(value: object) -> str:
    """Variables go into HTML messages escaped (a bank called "J&K BANK" must not break one)."""
    return html.escape(str(value), quote=False)


@dataclass(slots=True)
class Turn:
    update: Update
    context: BotContext
    services: Services
    chat_id: int
    user_id: int
    language: str
    state: FlowState | None
    # The check this turn ended, if any: what follows its end (the "Check another number" or
    # "Next customer" button) depends on what kind of check it was.
    ended: FlowState | None = None

    # ---------------------------------------------------------------- loading
    @classmethod
    async def load(cls, update: Update, context: BotContext) -> Turn:
        services = context.services
        chat = update.effective_chat
        user = update.effective_user
        assert chat is not None
        chat_id = chat.id
        user_id = user.id if user else chat_id
        state = await services.store.get_flow(chat_id)
        if state is not None:
            language = state.language
        else:
            stored = await services.store.get_language(chat_id)
            hint = services.translator.pick_first(user.language_code if user else None)
            language = stored or hint or "en"
        return cls(update, context, services, chat_id, user_id, language, state)

    @property
    def replayed(self) -> bool:
        """This update was applied to the check already: Telegram delivers it again because
        the process that handled it died before confirming it (bot/runtime/updates.py)."""
        applied = self.state.last_update_id if self.state is not None else None
        update_id = self.telegram_update_id
        return applied is not None and update_id is not None and update_id <= applied

    @property
    def telegram_update_id(self) -> int | None:
        """The id Telegram gave this update; None for the bot's own word to a chat (the waiting
        room's call, bot/capacity/waiting_room.py: id 0), which Telegram never delivers again."""
        update_id = self.update.update_id
        return update_id if update_id > 0 else None

    # ---------------------------------------------------------------- text
    @property
    def now(self) -> datetime:
        return self.services.clock.now()

    def t(self, key: str, **args: Any) -> str:
        return self.services.translator.t(self.language, key, **args)

    def keyboard(self, buttons: Buttons | None) -> InlineKeyboardMarkup | None:
        if not buttons:
            return None
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(text, callback_data=data) for text, data in row]
                for row in buttons
            ]
        )

    def button(self, key: str, action: Action, arg: str = "", **args: Any) -> tuple[str, str]:
        check_id = self.state.check_id if self.state else "-"
        return self.t(key, **args), encode(action, check_id, arg)

    def with_banner(self, text: str) -> str:
        """Every message built from sandbox data says so, visibly."""
        if self.services.sandbox:
            return f"{text}\n\n{self.t('sandbox-banner')}"
        return text

    # ---------------------------------------------------------------- sending
    async def send(self, text: str, buttons: Buttons | None = None) -> Message:
        return await self.context.bot.send_message(
            self.chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=self.keyboard(buttons),
            disable_web_page_preview=True,
        )

    async def say(self, *keys: str, buttons: Buttons | None = None, **args: Any) -> Message:
        """Send the messages named by ``keys`` as one message, paragraphs apart."""
        return await self.send("\n\n".join(self.t(key, **args) for key in keys), buttons)

    async def send_photo(
        self, photo: bytes, caption: str, buttons: Buttons | None = None
    ) -> Message:
        return await self.context.bot.send_photo(
            self.chat_id,
            photo=photo,
            caption=caption,
            parse_mode=ParseMode.HTML,
            reply_markup=self.keyboard(buttons),
        )

    async def answer_callback(
        self, key: str | None = None, *, alert: bool = False, **args: Any
    ) -> None:
        query = self.update.callback_query
        if query is None:
            return
        try:
            await query.answer(self.t(key, **args) if key else None, show_alert=alert)
        except TelegramError as exc:  # an old query can't be answered; nothing to tell anyone
            log.info("callback.answer_failed", extra={"error": type(exc).__name__})

    async def remove_buttons(self, message_id: int | None) -> None:
        """Take the buttons off a message whose step has passed (a second tap then can't happen)."""
        if message_id is None:
            return
        try:
            await self.context.bot.edit_message_reply_markup(
                self.chat_id, message_id, reply_markup=None
            )
        except TelegramError as exc:
            log.info("buttons.remove_failed", extra={"error": type(exc).__name__})

    async def delete_incoming(self) -> bool:
        """Delete the user's message (first thing, for an Aadhaar number or OTP).

        Deletion can fail (too old, already gone, no rights): the caller tells the user to delete
        it themselves. Returns whether it is gone.
        """
        message = self.update.effective_message
        if message is None:
            return True
        try:
            return bool(await self.context.bot.delete_message(self.chat_id, message.message_id))
        except TelegramError as exc:
            # "Not found": already gone (the user deleted it, or a delete whose answer was lost
            # was sent again). Anything else (too old, no rights, Telegram down): still there.
            if isinstance(exc, BadRequest) and "not found" in exc.message.lower():
                return True
            log.warning("message.delete_failed", extra={"error": type(exc).__name__})
            return False

    @contextlib.asynccontextmanager
    async def vendor_call(self, call: str) -> AsyncIterator[None]:
        """Wrap a vendor call: first the check saves that it waits for ``call``, and the update
        may be confirmed to Telegram (bot/runtime/concurrency.py: confirm_early); if the process
        dies before the answer, the next start tells the user (bot/runtime/recovery.py) rather than
        Telegram delivering the update again and the call being made twice blindly. The typing
        indicator shows meanwhile. The mark goes with the step's next save."""
        if self.state is not None:
            await self.save(self.state.evolve(awaiting_vendor=call))
            confirm_early()
        try:
            async with self.typing():
                yield
        finally:
            if self.state is not None:
                self.state = self.state.evolve(awaiting_vendor=None)

    @contextlib.asynccontextmanager
    async def typing(self, action: str = ChatAction.TYPING) -> AsyncIterator[None]:
        """Show ``action`` while the body runs, if it runs longer than ``typing_delay_s``."""
        delay = self.services.settings.typing_delay_s
        sending = False

        async def show_later() -> None:
            nonlocal sending
            await asyncio.sleep(delay)
            sending = True
            with contextlib.suppress(TelegramError):  # not worth failing a check for
                await self.context.bot.send_chat_action(self.chat_id, action)

        task = asyncio.create_task(show_later())
        try:
            yield
        finally:
            if sending:
                # Let it arrive first: an indicator that reached Telegram after the answer
                # would show "typing…" for seconds under it.
                with contextlib.suppress(Exception):
                    await task
            else:
                task.cancel()  # still waiting: nothing was sent, nothing needs to be awaited

    # ---------------------------------------------------------------- state
    def new_state(
        self, event: Event, *, mode: Mode = Mode.SELF, agent_id: int | None = None
    ) -> FlowState:
        """A new check, at the step the machine opens one at on ``event``."""
        step = first_step(event)
        now = self.now
        metrics.check_started(mode.value)
        return FlowState(
            chat_id=self.chat_id,
            user_id=self.user_id,
            check_id=secrets.token_urlsafe(6),
            step=step,
            language=self.language,
            created_at=now,
            updated_at=now,
            expires_at=now + self.services.limits.idle_expiry,
            mode=mode,
            agent_id=agent_id,
        )

    async def go(self, event: Event, **changes: object) -> FlowState:
        """A transition of the open check: the machine's table (bot/check/machine.py) gives the
        step that ``event`` leads to; the state is saved with it (and ``changes``) before the
        caller says anything."""
        assert self.state is not None
        step = next_step(self.state.step, event)
        return await self.save(self.state.evolve(step=step, **changes))

    async def save(self, state: FlowState) -> FlowState:
        """Write the check's new state. Steps save *before* they speak: a process killed
        between the two then leaves the state matching what the user is about to see."""
        now = self.now
        limits = self.services.limits
        idle = limits.waiting_expiry if state.step is Step.WAITING else limits.idle_expiry
        applied = self.telegram_update_id
        state = state.evolve(
            updated_at=now,
            expires_at=now + idle,
            last_update_id=state.last_update_id if applied is None else applied,
        )
        await self.services.store.save_flow(state)
        self.state = state
        return state

    async def remember_prompt(self, message: Message) -> None:
        """Note the message whose buttons belong to the current step (saved after sending:
        a crash in between costs only the later removal of those buttons).

        A message without buttons is not noted: there would be nothing to take off later (the
        step that sends one clears ``prompt_message_id`` in the save before it)."""
        if self.state is not None and message.reply_markup is not None:
            await self.save(self.state.evolve(prompt_message_id=message.message_id))

    async def end_check(
        self,
        outcome: Outcome,
        *,
        bank_name: str | None = None,
        status: str | None = None,
        reference: str | None = None,
    ) -> None:
        """The check is over: drop the held number, delete the flow row, log the outcome (with
        the hash of the check reference the user is shown, if any)."""
        state = self.state
        self.services.held.drop(self.chat_id)
        if state is None:
            return
        if not may_end(state.step, outcome):  # the table (bot/check/machine.py) is out of date
            log.error(
                "check.end_not_in_table",
                extra={"step": state.step.value, "outcome": outcome.value},
            )
        if state.notes.in_line:  # its place in line goes too (handlers/waiting.py)
            await self.services.store.leave_line(self.chat_id)
        metrics.check_finished(outcome)
        await self.services.store.delete_flow(self.chat_id)
        self.state = None
        self.ended = state
        if state.consent_id is None and outcome is not Outcome.DECLINED:
            return  # nothing was checked: nothing for the operator's log
        duration = int((self.now - state.created_at).total_seconds() * 1000)
        await self.services.store.log_check(
            CheckRecord(
                at=self.now,
                user_id=state.user_id,
                chat_id=state.chat_id,
                last4=state.last4,
                outcome=outcome.value,
                bank_name=bank_name,
                status=status,
                language=state.language,
                agent_id=state.agent_id,
                duration_ms=duration,
                consent_id=state.consent_id,
                reference_sha256=reference_hash(reference) if reference else None,
            )
        )
        log.info("check.ended", extra={"outcome": outcome.value, "check_id": state.check_id})
