"""Step 2 — the consent notice, before any Aadhaar input (DPDP Act s.5, s.6).

Consent is an "I agree" tap, never a typed number. Every decision is recorded, append-only,
with the hash of the exact text the user saw (in their language or in English). In an assisted
check the notice is the assisted one (``assisted-notice``, versioned on its own: the consent
record's notice id says which was read), the customer's, and the buttons are the agent's
attestation of the customer's answer, recorded with the agent's id (handlers/agent_view.py).
"""

from __future__ import annotations

import logging

from telegram.error import TelegramError

from bot.check.machine import Event
from bot.check.outcomes import Outcome
from bot.check.state import Step
from bot.i18n.notices import PURPOSE, RenderedNotice
from bot.store.base import ConsentRecord
from handlers import agent_view, identity, outcomes, waiting
from handlers.callbacks import Action
from handlers.turn import Buttons, Turn, escape

log = logging.getLogger(__name__)


async def render(turn: Turn, language: str) -> RenderedNotice:
    """The notice in ``language``: the self-service one, or in an assisted check the one written
    for the customer (their number and OTP, the agent's name as enrolled, their rights without
    Telegram)."""
    services = turn.services
    settings = services.settings
    variables: dict[str, object] = {
        "operator": identity.operator_name(services, language),
        "grievance": identity.grievance_contact(services, language),
        "checkDays": settings.check_log_retention_days,
        "consentDays": settings.consent_retention_days,
    }
    if not agent_view.is_assisted(turn):
        return services.notices.render(language, **variables)
    agent_id = turn.state.agent_id if turn.state else None
    agent = await services.store.get_agent(agent_id) if agent_id is not None else None
    if agent is not None and agent.label:
        variables["agent"] = escape(agent.label)
    else:  # an admin, or an agent invited without a name
        variables["agent"] = services.translator.t(language, "assisted-agent-unnamed")
    return services.notices.render_assisted(language, **variables)


def notice_buttons(turn: Turn, shown_in: str) -> Buttons:
    rows: list[list[tuple[str, str]]]
    if agent_view.is_assisted(turn):  # longer labels: one per row
        rows = [
            [agent_view.agent_button(turn, "assist-attest-button", Action.AGREE)],
            [agent_view.agent_button(turn, "assist-declined-button", Action.DECLINE)],
        ]
    else:
        rows = [
            [
                turn.button("consent-agree-button", Action.AGREE),
                turn.button("consent-decline-button", Action.DECLINE),
            ]
        ]
    if turn.language != "en":
        if shown_in == "en":
            own_name = turn.services.translator.t(turn.language, "language-name")
            rows.append(
                [
                    turn.button(
                        "consent-read-original-button", Action.TOGGLE_ENGLISH, language=own_name
                    )
                ]
            )
        else:
            rows.append([turn.button("consent-read-english-button", Action.TOGGLE_ENGLISH)])
    return rows


async def show_notice(turn: Turn) -> None:
    assert turn.state is not None
    notice = await render(turn, turn.language)
    notes = turn.state.notes.evolve(notice_language=notice.language)
    if turn.state.step is Step.CONSENT:  # shown again (/language, /help, a replay)
        await turn.save(turn.state.evolve(notes=notes))
    else:
        await turn.go(Event.LANGUAGE_PICKED, notes=notes)
    if agent_view.is_assisted(turn):
        await turn.send(agent_view.agent_t(turn, "assist-notice-instruction"))
    message = await turn.send(notice.text, notice_buttons(turn, notice.language))
    await turn.remember_prompt(message)


async def on_toggle_english(turn: Turn) -> None:
    """Switch the notice between the user's language and English, in place."""
    assert turn.state is not None
    shown = turn.state.notes.notice_language or turn.language
    target = turn.language if shown == "en" else "en"
    notice = await render(turn, target)
    await turn.answer_callback()
    notes = turn.state.notes.evolve(notice_language=notice.language)
    await turn.save(turn.state.evolve(notes=notes))
    message = turn.update.effective_message
    if message is None:
        return
    buttons = notice_buttons(turn, notice.language)
    try:
        await turn.context.bot.edit_message_text(
            notice.text,
            chat_id=turn.chat_id,
            message_id=message.message_id,
            parse_mode="HTML",
            reply_markup=turn.keyboard(buttons),
        )
    except TelegramError as exc:  # too old to edit, gone, Telegram down: send it anew instead
        log.info("notice.edit_failed", extra={"error": type(exc).__name__})
        await turn.remember_prompt(await turn.send(notice.text, buttons))
        await turn.remove_buttons(message.message_id)


async def _record_once(turn: Turn, outcome: str) -> int:
    """Record this check's decision once, even across a crash.

    The flow row is marked before the record is written. If the process dies after the write
    and before the check moves on, the user taps again (or the update comes again) and finds
    the mark: the decision already recorded for this check is reused, not recorded twice. Only
    that rare path reads the user's records.
    """
    state = turn.state
    assert state is not None
    if state.notes.consent_pending == outcome:
        for record in reversed(await turn.services.store.consents_for_user(turn.user_id)):
            if (
                record.chat_id == turn.chat_id
                and record.outcome == outcome
                and record.at >= state.created_at
                and record.id is not None
            ):
                return record.id
    await turn.save(state.evolve(notes=state.notes.evolve(consent_pending=outcome)))
    return await _record(turn, outcome)


async def _record(turn: Turn, outcome: str) -> int:
    assert turn.state is not None
    notice = await render(turn, turn.state.notes.notice_language or turn.language)
    return await turn.services.store.record_consent(
        ConsentRecord(
            user_id=turn.user_id,
            chat_id=turn.chat_id,
            at=turn.now,
            notice_id=notice.notice_id,
            notice_version=notice.version,
            notice_sha256=notice.sha256,
            language=notice.language,
            purpose=PURPOSE,
            outcome=outcome,
            agent_id=turn.state.agent_id,
            attestation=agent_view.attestation(turn, outcome),
        )
    )


async def on_agree(turn: Turn) -> None:
    assert turn.state is not None
    notice_message = turn.state.prompt_message_id
    consent_id = await _record_once(turn, "given")
    notes = turn.state.notes.evolve(consent_pending=None)
    # The Aadhaar prompt has no buttons: no message of this step has any to take off later.
    await turn.go(Event.AGREE, consent_id=consent_id, notes=notes, prompt_message_id=None)
    await turn.answer_callback("consent-recorded")
    if await waiting.wait_in_line(turn):  # the plan is busy: a place in line, no number yet
        await turn.remove_buttons(notice_message)
        return
    await turn.say("consent-recorded", "aadhaar-prompt")
    # Last: if the process dies before the prompt is out, the notice's buttons still work
    # (a second tap then repeats the prompt; see router.on_callback).
    await turn.remove_buttons(notice_message)


async def on_decline(turn: Turn) -> None:
    assert turn.state is not None
    consent_id = await _record_once(turn, "declined")
    await turn.save(turn.state.evolve(consent_id=consent_id))  # the check log links to it
    await turn.answer_callback()
    await turn.remove_buttons(turn.state.prompt_message_id)
    await turn.end_check(Outcome.DECLINED)
    await turn.say(
        "consent-declined", buttons=outcomes.again_buttons(turn, "start-again-button")
    )
