"""Admins act on a customer's rights by check reference: ``/lookup REF`` shows what is kept,
``/erase REF`` shows it and asks for a confirmation tap, which erases it as /forget would
(bot/store/base.py ``erase_reference``; the consent record is kept, marked withdrawn).

A customer of an assisted check used no Telegram account of their own, so the reference on
their result card, brought to the operator's grievance contact, is how they reach their data.
Every attempt is logged with the admin's id and its result, never the reference's symbols. The
erase button carries the reference's hash (base64url), not the reference.
"""

from __future__ import annotations

import base64
import binascii

from bot.domain.references import canonical, reference_hash
from bot.domain.roles import Role
from bot.operator import reference_report
from bot.store.base import ReferenceRecords
from handlers import access
from handlers.callbacks import NO_CHECK, Action, encode
from handlers.turn import Turn


async def _records(turn: Turn, event: str) -> tuple[str, ReferenceRecords] | None:
    """The command's reference and what is kept for it; None after saying why there is none."""
    args = turn.context.args or []
    by = f"admin {turn.user_id}"
    if not args:
        await turn.say("reference-usage")
        return None
    reference = canonical("".join(args))
    if reference is None:
        reference_report.log_attempt(event, by, "invalid")
        await turn.say("reference-invalid")
        return None
    records = await turn.services.store.records_for_reference(reference_hash(reference))
    reference_report.log_attempt(event, by, "found" if records else "not_found")
    if records is None:
        days = turn.services.settings.check_log_retention_days
        await turn.say("reference-not-found", checkDays=days)
        return None
    return reference, records


async def _describe(turn: Turn, reference: str, records: ReferenceRecords) -> str:
    services = turn.services
    return await reference_report.describe(
        services.store, records, reference, services.translator, turn.language
    )


async def lookup(turn: Turn) -> None:
    """/lookup REF: what is kept for a check reference."""
    found = await _records(turn, "reference.lookup")
    if found is not None:
        await turn.send(await _describe(turn, *found))


async def erase(turn: Turn) -> None:
    """/erase REF: what is kept, and a button that erases it."""
    found = await _records(turn, "reference.erase_asked")
    if found is None:
        return
    reference, records = found
    digest = base64.urlsafe_b64encode(bytes.fromhex(reference_hash(reference))).rstrip(b"=")
    question = reference_report.erase_question(records, turn.services.translator, turn.language)
    text = "\n\n".join([await _describe(turn, reference, records), question])
    await turn.send(
        text,
        [
            [
                (turn.t("reference-erase-button"), encode(Action.ERASE, NO_CHECK, digest.decode())),
                (turn.t("reference-keep-button"), encode(Action.KEEP, NO_CHECK)),
            ]
        ],
    )


async def on_button(turn: Turn, action: Action, arg: str) -> None:
    """The confirmation: erase (an admin's tap only, checked again now) or keep."""
    message = turn.update.effective_message
    await turn.answer_callback()
    await turn.remove_buttons(message.message_id if message else None)
    if action is Action.KEEP:
        await turn.say("reference-kept")
        return
    if await access.role_of(turn.services, turn.user_id) < Role.ADMIN:
        await access.refuse(turn, "erase", Role.ADMIN)  # no longer an admin
        return
    by = f"admin {turn.user_id}"
    try:
        digest = base64.urlsafe_b64decode(arg + "=").hex()
    except (binascii.Error, ValueError):
        digest = ""
    erased = None
    if len(digest) == 64:
        erased = await turn.services.store.erase_reference(digest, turn.now)
    reference_report.log_attempt("reference.erased", by, "erased" if erased else "not_found")
    if erased is None:
        days = turn.services.settings.check_log_retention_days
        await turn.say("reference-not-found", checkDays=days)
        return
    await turn.send(reference_report.erased_text(erased, turn.services.translator, turn.language))
