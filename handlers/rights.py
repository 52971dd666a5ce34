"""The citizen's rights under the DPDP Act: to know what is kept (/privacy), and to withdraw
consent and have their data erased (/forget).

/forget stops any open check, deletes the chat's flow and language preference and the user's OTP
counters and own check-log rows, and marks the user's consent records withdrawn: the records
stay, as the proof the operator must keep. For an agent, the checks they ran for customers and
those customers' attested consents are kept: they are the customers' records, not the agent's
(the customer, not the agent, is the data principal), kept under the operator's retention
periods. An agent's enrolment also stays until an admin revokes it.
"""

from __future__ import annotations

import logging

from bot.domain.roles import Role
from handlers import access, identity
from handlers.turn import Turn

log = logging.getLogger(__name__)


async def privacy(turn: Turn) -> None:
    """What the bot keeps in general, and the counts of what it holds about this user now."""
    services = turn.services
    settings = services.settings
    data = await services.store.personal_data(turn.user_id, turn.chat_id)
    language = (
        services.translator.t(data.language, "language-name")
        if data.language
        else turn.t("privacy-no-language")
    )
    parts = [
        turn.t(
            "privacy-text",
            checkDays=settings.check_log_retention_days,
            consentDays=settings.consent_retention_days,
            grievance=identity.grievance_contact(services, turn.language),
        ),
        turn.t(
            "privacy-counts",
            open="yes" if data.open_check else "no",
            language=language,
            checks=data.checks,
            consents=data.consents,
            withdrawn=data.consents_withdrawn,
            otps=data.otp_requests,
        ),
    ]
    if data.assisted_checks:
        parts.append(
            turn.t(
                "privacy-assisted",
                count=data.assisted_checks,
                checkDays=settings.check_log_retention_days,
            )
        )
    await turn.send("\n\n".join(parts))


async def forget(turn: Turn) -> None:
    """/forget: withdraw consent, stop any check, erase; keep the consent records, withdrawn."""
    if turn.state is not None:
        await turn.remove_buttons(turn.state.prompt_message_id)
    turn.services.held.drop(turn.chat_id)
    await turn.services.store.forget_user(turn.user_id, turn.chat_id, turn.now)
    turn.state = None
    log.info("user.forgotten")  # no id: the person asked to be forgotten
    keys = ["forget-done"]
    if await access.role_of(turn.services, turn.user_id) is not Role.CITIZEN:
        keys.append("forget-done-agent")
    await turn.say(*keys)
