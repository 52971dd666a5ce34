"""Step 2 — the consent notice, before any Aadhaar input (DPDP Act s.5, s.6).

Consent is an "I agree" tap, never a typed number. Every decision is recorded, append-only,
with the hash of the exact text the user saw (in their language or in English).
"""

from __future__ import annotations

from bot.domain.flow import Step
from bot.notices import PURPOSE, RenderedNotice
from bot.store.base import ConsentRecord
from handlers.callbacks import Action
from handlers.turn import Buttons, Turn, escape

NOTICE_LANGUAGE = "notice_lang"  # FlowState.extra key: the language the notice is shown in


def render(turn: Turn, language: str) -> RenderedNotice:
    settings = turn.services.settings
    return turn.services.notices.render(
        language,
        operator=escape(settings.operator_name),
        grievance=escape(settings.grievance_contact),
        checkDays=settings.check_log_retention_days,
        consentDays=settings.consent_retention_days,
    )


def notice_buttons(turn: Turn, shown_in: str) -> Buttons:
    rows: list[list[tuple[str, str]]] = [
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
    notice = render(turn, turn.language)
    extra = {**turn.state.extra, NOTICE_LANGUAGE: notice.language}
    await turn.save(turn.state.evolve(step=Step.CONSENT, extra=extra))
    message = await turn.send(notice.text, notice_buttons(turn, notice.language))
    await turn.remember_prompt(message)


async def on_toggle_english(turn: Turn) -> None:
    """Switch the notice between the user's language and English, in place."""
    assert turn.state is not None
    shown = turn.state.extra.get(NOTICE_LANGUAGE, turn.language)
    target = turn.language if shown == "en" else "en"
    notice = render(turn, target)
    await turn.answer_callback()
    message = turn.update.effective_message
    if message is not None:
        await turn.context.bot.edit_message_text(
            notice.text,
            chat_id=turn.chat_id,
            message_id=message.message_id,
            parse_mode="HTML",
            reply_markup=turn.keyboard(notice_buttons(turn, notice.language)),
        )
    await turn.save(turn.state.evolve(extra={**turn.state.extra, NOTICE_LANGUAGE: notice.language}))


async def _record(turn: Turn, outcome: str) -> int:
    assert turn.state is not None
    notice = render(turn, turn.state.extra.get(NOTICE_LANGUAGE, turn.language))
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
        )
    )


async def on_agree(turn: Turn) -> None:
    assert turn.state is not None
    notice_message = turn.state.prompt_message_id
    consent_id = await _record(turn, "given")
    await turn.save(turn.state.evolve(step=Step.AADHAAR, consent_id=consent_id))
    await turn.answer_callback("consent-recorded")
    await turn.remove_buttons(notice_message)
    await turn.remember_prompt(await turn.say("consent-recorded", "aadhaar-prompt"))


async def on_decline(turn: Turn) -> None:
    assert turn.state is not None
    await _record(turn, "declined")
    await turn.answer_callback()
    await turn.remove_buttons(turn.state.prompt_message_id)
    await turn.end_check("declined")
    await turn.say(
        "consent-declined", buttons=[[turn.button("start-again-button", Action.CHECK_AGAIN)]]
    )
