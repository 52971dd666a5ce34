"""Step 6 — the result card: what UIDAI's own page shows, what it means, what to do next."""

from __future__ import annotations

from bot.check.outcomes import Outcome
from bot.domain.aadhaar import mask_last4
from bot.domain.references import display, new_reference
from bot.domain.result import StatusKind, classify_status
from bot.vendor.types import SeedingResult
from handlers import identity, outcomes
from handlers.turn import Turn, escape


def card(
    turn: Turn, seeding: SeedingResult, last4: str, reference: str
) -> tuple[str, StatusKind]:
    kind = classify_status(seeding.bank_name, seeding.status)
    lines = [turn.t("result-title"), turn.t("result-aadhaar", masked=mask_last4(last4))]
    if kind is StatusKind.NOT_SEEDED:
        lines += ["", turn.t("result-not-seeded"), "", turn.t("result-not-seeded-next")]
    else:
        status_text = {
            StatusKind.ACTIVE: turn.t("result-status-active"),
            StatusKind.INACTIVE: turn.t("result-status-inactive"),
        }.get(kind, escape(seeding.status or ""))
        lines.append(turn.t("result-bank", bank=escape(seeding.bank_name)))
        lines.append(turn.t("result-status", status=status_text))
        if seeding.last_updated is not None:
            date_text = turn.services.translator.format_date(turn.language, seeding.last_updated)
            lines.append(turn.t("result-updated", date=date_text))
        lines.append("")
        if kind is StatusKind.ACTIVE:
            lines.append(turn.t("result-active-meaning"))
        elif kind is StatusKind.INACTIVE:
            lines += [turn.t("result-inactive-meaning"), "", turn.t("result-inactive-next")]
        else:
            lines.append(turn.t("result-other-meaning"))
    lines += ["", turn.t("result-source")]
    grievance = identity.grievance_contact(turn.services, turn.language)
    lines += ["", turn.t("result-reference", reference=display(reference), grievance=grievance)]
    return turn.with_banner("\n".join(lines)), kind


async def show(turn: Turn, seeding: SeedingResult) -> None:
    state = turn.state
    assert state is not None
    reference = new_reference()  # shown once, on this card; the store keeps only its hash
    text, kind = card(turn, seeding, state.last4 or "", reference)
    await turn.end_check(
        Outcome(kind.value), bank_name=seeding.bank_name, status=seeding.status, reference=reference
    )
    await turn.send(text, outcomes.again_buttons(turn))
