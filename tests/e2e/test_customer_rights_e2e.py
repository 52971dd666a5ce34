"""A customer's rights in an assisted check, end to end (issue 13).

The agent reads the assisted notice to the customer (its own versioned text, named on the
consent record); the OTP prompt warns against OTP fraud; the result card carries a check
reference; an admin looks that reference up and erases it: the customer's check-log row is
gone, their consent record is kept and marked withdrawn. The reference's symbols never reach
the logs, and the database holds only its hash.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from bot.domain.references import ALPHABET, canonical, display, new_reference, reference_hash
from bot.i18n.notices import ASSISTED_NOTICE_REGISTRY, load_registry, sha256_text
from bot.operator.cli import by_reference
from handlers.agent_view import ATTESTED_AGREED
from testing.harness import ACTIVE, CAPTCHA, EN, GOOD_OTP, Harness, UserChat, en, en_in
from testing.staff import ADMIN, AGENT, CITIZEN, enrol, sql, texts, to_customer_consent

REFERENCE = re.compile(r"\b[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{3}\b")
AGENT_NAME = "Ravi Kumar"


def reference_on(card: str) -> str:
    """The check reference shown on a result card, in canonical form."""
    [shown] = REFERENCE.findall(card)
    reference = canonical(shown)
    assert reference is not None, f"{shown}: its check symbol does not match"
    return reference


def assisted_notice(language: str) -> str:
    """The assisted notice as the harness (sandbox, no OPERATOR_NAME) renders it, HTML."""
    return EN.t(
        language,
        "assisted-notice",
        operator=EN.t(language, "operator-placeholder"),
        grievance=EN.t(language, "grievance-placeholder"),
        agent=AGENT_NAME,
        checkDays=180,
        consentDays=2555,
    )


def db_bytes(h: Harness) -> bytes:
    path = Path(h.settings.database_url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def unlogged(caplog: pytest.LogCaptureFixture, *secrets: str) -> None:
    for record in caplog.records:
        seen = f"{record.getMessage()} {record.__dict__}"
        for secret in secrets:
            assert secret not in seen, f"{secret!r} logged in {record.getMessage()}"


async def assisted_check(h: Harness, agent: UserChat, language: str) -> str:
    """Notice → attestation → OTP → card, checking each; returns the card's reference."""
    replies = await to_customer_consent(agent, language)
    _, notice = texts(replies)
    expected = assisted_notice(language)
    assert notice == expected.replace("<b>", "").replace("</b>", "")
    assert AGENT_NAME in notice and EN.t(language, "operator-placeholder") in notice
    await agent.press(en("assist-attest-button"))
    await agent.send(ACTIVE)
    otp_prompt = texts(await agent.send(CAPTCHA))
    assert otp_prompt == [en_in(language, "otp-sent-assisted", masked="XXXX XXXX 1096")]
    card = texts(await agent.send(GOOD_OTP))[-1]
    assert "STATE BANK OF INDIA" in card
    reference = reference_on(card)
    grievance = EN.t(language, "grievance-placeholder")
    shown = en_in(language, "result-reference", reference=display(reference), grievance=grievance)
    assert shown in card, "the reference, in the customer's language"

    version = load_registry(ASSISTED_NOTICE_REGISTRY)[language].version
    [consent] = sql(
        h,
        "SELECT id, notice_id, notice_version, notice_sha256, attestation, outcome,"
        " withdrawn_at FROM consents ORDER BY id DESC LIMIT 1",
    )
    assert consent[1:] == (
        f"assisted-notice-{language}",
        version,
        sha256_text(expected),  # the exact text read to the customer
        ATTESTED_AGREED,
        "given",
        None,
    )
    [logged] = sql(
        h, "SELECT consent_id, reference_sha256, last4 FROM check_log ORDER BY id DESC LIMIT 1"
    )
    assert logged == (consent[0], reference_hash(reference), "1096")
    return reference


@pytest.mark.parametrize("language", ["hi", "ta"])
async def test_an_assisted_check_and_its_erasure_by_reference(
    staffed: Harness, language: str, caplog: pytest.LogCaptureFixture
) -> None:
    h = staffed
    agent = await enrol(h, name=AGENT_NAME)
    await agent.send("/language")
    await agent.press("English")
    reference = await assisted_check(h, agent, language)
    other = await assisted_check(h, agent, "en")  # the next customer, kept throughout

    assert reference.encode() not in db_bytes(h) and display(reference).encode() not in db_bytes(h)

    admin = h.chat(chat_id=ADMIN)
    [shown] = texts(await admin.send(f"/lookup {display(reference).lower()}"))
    assert shown.startswith(f"What is kept for check {display(reference)}")
    assert "XXXX XXXX 1096" in shown and f"agent {AGENT} ({AGENT_NAME})" in shown
    assert f"assisted-notice-{language}" in shown and "withdrawn" not in shown
    assert EN.t(language, "language-name") in shown

    [question] = texts(await admin.send(f"/erase {display(reference)}"))
    assert question.endswith(en("reference-erase-customer"))
    assert texts(await admin.press(en("reference-keep-button"))) == [en("reference-kept")]
    assert len(sql(h, "SELECT id FROM check_log")) == 2, "kept: nothing erased"

    await admin.send(f"/erase {display(reference)}")
    [done] = texts(await admin.press(en("reference-erase-button")))

    withdrawn_at = EN.format_datetime("en", h.clock.now())
    assert done == en("reference-erased", time=withdrawn_at)
    assert sql(h, "SELECT reference_sha256 FROM check_log") == [(reference_hash(other),)]
    consents = sql(h, "SELECT notice_id, outcome, withdrawn_at IS NOT NULL FROM consents")
    assert consents == [
        (f"assisted-notice-{language}", "given", 1),
        ("assisted-notice-en", "given", 0),
    ]
    assert texts(await admin.send(f"/lookup {display(reference)}")) == [
        en("reference-not-found", checkDays=180)
    ]
    unlogged(caplog, reference, display(reference), display(reference).lower(), other)
    events = [(r.getMessage(), getattr(r, "result", None)) for r in caplog.records]
    assert ("reference.erased", "erased") in events and ("reference.lookup", "found") in events


async def test_a_citizens_reference_is_erased_from_the_command_line(
    staffed: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    h = staffed
    citizen = h.chat(chat_id=CITIZEN)
    await citizen.start_and_consent("en")
    await citizen.send(ACTIVE)
    assert texts(await citizen.send(CAPTCHA)) == [en("otp-sent", masked="XXXX XXXX 1096")]
    reference = reference_on(texts(await citizen.send(GOOD_OTP))[-1])
    await citizen.send("/language")  # their language preference: theirs, erased too

    def args(*words: str, yes: bool = True) -> argparse.Namespace:
        return argparse.Namespace(reference=list(words), lang="en", yes=yes)

    lookup = await by_reference("lookup", args(display(reference)), h.settings, h.clock)
    out = capsys.readouterr().out
    assert lookup == 0 and f"the person's own, Telegram user {CITIZEN}" in out
    assert "consent-notice-en" in out

    status = await by_reference("erase", args(*display(reference).split("-")), h.settings, h.clock)

    out = capsys.readouterr().out
    assert status == 0 and en("reference-erase-own") in out
    assert out.rstrip().endswith(
        en("reference-erased", time=EN.format_datetime("en", h.clock.now()))
    )
    assert sql(h, "SELECT count(*) FROM check_log") == [(0,)]
    assert sql(h, "SELECT count(*) FROM chat_prefs") == [(0,)]
    assert sql(h, "SELECT outcome, withdrawn_at IS NOT NULL FROM consents") == [("given", 1)]
    assert await by_reference("erase", args(reference), h.settings, h.clock) == 1, "once"


async def test_a_wrong_or_unknown_reference_and_a_non_admin(
    staffed: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    admin = staffed.chat(chat_id=ADMIN)
    assert texts(await admin.send("/lookup")) == [en("reference-usage")]
    valid = new_reference()
    typo = valid[:3] + next(c for c in ALPHABET if c != valid[3]) + valid[4:]  # one symbol off
    assert texts(await admin.send(f"/lookup {display(typo)}")) == [en("reference-invalid")]
    assert texts(await admin.send("/lookup 0OIL-0OIL-0OI")) == [en("reference-invalid")]
    unknown = display(valid)
    not_found = [en("reference-not-found", checkDays=180)]
    assert texts(await admin.send(f"/erase {unknown}")) == not_found
    citizen = staffed.chat(chat_id=CITIZEN)
    assert texts(await citizen.send(f"/lookup {unknown}")) == [en("refused-admin")]
    assert texts(await citizen.send(f"/erase {unknown}")) == [en("refused-admin")]
    attempts = [
        (r.getMessage(), getattr(r, "result", None))
        for r in caplog.records
        if r.getMessage().startswith("reference.")
    ]
    assert attempts == [
        ("reference.lookup", "invalid"),
        ("reference.lookup", "invalid"),
        ("reference.erase_asked", "not_found"),
    ]
    unlogged(caplog, valid, unknown, typo, display(typo))


async def test_a_forged_erase_button_from_a_non_admin_erases_nothing(staffed: Harness) -> None:
    h = staffed
    agent = await enrol(h, name=AGENT_NAME)
    await to_customer_consent(agent, "en")
    await agent.press(en("assist-attest-button"))
    reference = reference_on(texts(await agent.check_from_aadhaar(ACTIVE))[-1])
    admin = h.chat(chat_id=ADMIN)
    await admin.send(f"/erase {reference}")
    message, data = admin.find_button(en("reference-erase-button"))

    # the same payload, tapped in the agent's own chat (a forged update): refused, nothing erased
    assert texts(await agent.press_data(message.message_id, data)) == [en("refused-admin")]

    assert len(sql(h, "SELECT id FROM check_log")) == 1
    assert sql(h, "SELECT withdrawn_at FROM consents") == [(None,)]
