"""At start-up (and whenever an HA standby becomes the leader): answer the users whose update
was waiting on the vendor when the process handling it died.

Such an update was confirmed to Telegram as soon as its check had saved the mark
``awaiting_vendor`` (handlers/turn.py: ``Turn.vendor_call``), so that a slow vendor does not
hold getUpdates' window of 100 updates (bot/runtime/updates.py). Telegram will not deliver it again:
the mark is how the next process knows. Its outcome is unknown, which the fault matrix treats
like a call that got no answer: the call is never made again blindly; the user is told what
happened and what to do.

- Waiting for a captcha or an OTP to be sent (initiate-session, reload-captcha, generate-otp):
  the Aadhaar number lived only in the dead process's memory, so the check goes back to the
  number step and the user is asked for it again ("number-lost"). An SMS may still arrive from
  a generate-otp that reached UIDAI; it is counted against the daily cap if it was.
- Waiting for an OTP's verification (verify-otp): the check stays at the OTP step and the user
  is asked to type the OTP again ("restart-otp-unknown"); if the vendor had used it up, that
  second verification says so, and the user starts anew.

The state is saved before the user is told, as every step does.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.check.state import FlowState, Step
from bot.i18n.translator import Translator
from bot.store.base import Store

log = logging.getLogger(__name__)

Send = Callable[[int, str], Awaitable[None]]


def recovered(state: FlowState) -> tuple[FlowState, str]:
    """The check after its vendor call was lost, and the message that tells its user."""
    if state.awaiting_vendor == "verify-otp" and state.step is Step.OTP:
        return state.evolve(awaiting_vendor=None), "restart-otp-unknown"
    return (
        state.evolve(
            step=Step.AADHAAR,
            awaiting_vendor=None,
            vendor_session_id=None,
            prompt_message_id=None,  # the captcha's buttons may stay; a tap is then stale
        ),
        "number-lost",
    )


async def answer_interrupted(store: Store, translator: Translator, send: Send) -> int:
    """Tell every user whose vendor call was lost; returns how many were told. A failure to
    reach one user (Telegram away, the user blocked the bot) is logged and the others go on."""
    told = 0
    for state in await store.flows_awaiting_vendor():
        after, key = recovered(state)
        await store.save_flow(after)
        try:
            await send(state.chat_id, translator.t(state.language, key))
        except Exception as exc:  # Telegram or the network: one user's loss, not everyone's
            log.warning("recovery.not_told", extra={"error": type(exc).__name__})
            continue
        told += 1
    if told:
        log.info("recovery.told", extra={"users": told})
    return told
