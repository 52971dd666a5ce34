"""What is kept for a check reference, as the operators see it: ``/lookup`` and ``/erase`` in
Telegram and ``python -m bot lookup|erase`` print the same text, from this one function.

Never more than the store holds: the last four digits, the outcome and bank, who ran the check
(an agent's id and enrolled name, or the citizen's Telegram id), and the consent record.
"""

from __future__ import annotations

import html
import logging
from datetime import datetime

from bot.domain.aadhaar import mask_last4
from bot.domain.references import display
from bot.i18n.translator import Translator
from bot.store.base import ReferenceRecords, Store

log = logging.getLogger(__name__)


def log_attempt(event: str, by: str, result: str) -> None:
    """Every lookup and erasure, with who and what came of it; never the reference's symbols
    (whoever has the log would have what the customer holds)."""
    log.info(event, extra={"by": by, "result": result})


async def describe(
    store: Store, records: ReferenceRecords, reference: str, translator: Translator, lang: str
) -> str:
    """The records of one reference in ``lang`` (HTML with <b>, as the bot sends it)."""
    check, consent = records.check, records.consent

    def t(key: str, **args: object) -> str:
        return translator.t(lang, key, **args)

    def when(value: datetime) -> str:
        return translator.format_datetime(lang, value)

    if check.agent_id is None:
        who = t("reference-who-self", user=str(check.user_id))
    else:
        agent = await store.get_agent(check.agent_id)
        label = agent.label if agent is not None and agent.label else t("agents-no-label")
        who = t("reference-who-agent", agent=str(check.agent_id), label=html.escape(label))
    if consent is None:
        consent_text = t("reference-consent-none")
    else:
        consent_text = t(
            "reference-consent",
            outcome=consent.outcome,
            time=when(consent.at),
            notice=consent.notice_id,
            version=consent.notice_version,
        )
        if consent.withdrawn_at is not None:
            consent_text += "; " + t("reference-consent-withdrawn", time=when(consent.withdrawn_at))
    return t(
        "reference-records",
        reference=display(reference),
        time=when(check.at),
        who=who,
        masked=mask_last4(check.last4) if check.last4 else t("history-no-number"),
        outcome=t("check-outcome", outcome=check.outcome),
        bank=html.escape(check.bank_name) if check.bank_name else t("history-no-bank"),
        language=translator.t(check.language, "language-name"),
        consent=consent_text,
    )


def erase_question(records: ReferenceRecords, translator: Translator, lang: str) -> str:
    """What erasing this reference will do: a customer's check, or a citizen's own (/forget)."""
    own = records.check.agent_id is None
    return translator.t(lang, "reference-erase-own" if own else "reference-erase-customer")


def erased_text(records: ReferenceRecords, translator: Translator, lang: str) -> str:
    withdrawn = records.consent.withdrawn_at if records.consent is not None else None
    if withdrawn is None:
        return translator.t(lang, "reference-erased-no-consent")
    return translator.t(
        lang, "reference-erased", time=translator.format_datetime(lang, withdrawn)
    )
