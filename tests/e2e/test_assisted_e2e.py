"""Assisted checks end to end: an agent checks customers' numbers, one after another."""

from __future__ import annotations

from bot.check.state import Mode, Notes, Step
from handlers.agent_view import ATTESTED_AGREED, ATTESTED_DECLINED
from testing.harness import (
    ACTIVE,
    CAPTCHA,
    EN,
    INACTIVE,
    Harness,
    en,
    en_in,
)
from testing.staff import (
    ADMIN,
    AGENT,
    MASKED,
    TWELVE_DIGITS,
    customer_check,
    enrol,
    sql,
    texts,
    to_customer_consent,
)


async def test_agent_start_offers_a_customer_check_or_their_own(staffed: Harness) -> None:
    agent = await enrol(staffed)
    assert texts(await agent.send("/start")) == [en("assist-choose")]
    labels = [b.text for row in agent.last.buttons for b in row]
    assert labels == [en("assist-customer-button"), en("assist-own-button")]

    assert texts(await agent.press(en("assist-own-button"))) == [en("language-prompt")]
    state = await staffed.app.services.store.get_flow(AGENT)
    assert state is not None and state.mode is Mode.SELF and state.agent_id is None


async def test_assisted_check_records_the_attestation(staffed: Harness) -> None:
    h = staffed
    agent = await enrol(h)
    await agent.send("/language")
    await agent.press("English")  # the agent's own preference

    await agent.send("/start")
    replies = await agent.press(en("assist-customer-button"))
    assert texts(replies) == [en("assist-language-prompt")]
    replies = await agent.press("हिन्दी")  # the customer's language
    instruction, notice = texts(replies)
    assert instruction == en("assist-notice-instruction")
    assert notice.startswith(en_in("hi", "assisted-notice").split("\n")[0])
    assert [[b.text for b in row] for row in agent.last.buttons[:2]] == [
        [en("assist-attest-button")],  # the agent's attestation, in the agent's language
        [en("assist-declined-button")],
    ]

    replies = await agent.press(en("assist-attest-button"))
    assert en_in("hi", "aadhaar-prompt") in texts(replies)[-1], "the customer's language"
    replies = await agent.check_from_aadhaar(ACTIVE)
    card = texts(replies)[-1]
    assert "XXXX XXXX 1096" in card and "STATE BANK OF INDIA" in card
    assert en_in("hi", "result-active-meaning") in card, "the card is the customer's"
    assert [b.text for row in agent.last.buttons for b in row] == [en("assist-next-button")]

    # read back from the database file: the agent's id and attestation are on the record
    [row] = sql(
        h,
        "SELECT user_id, agent_id, attestation, outcome, language, notice_id FROM consents",
    )
    assert row == (AGENT, AGENT, ATTESTED_AGREED, "given", "hi", "assisted-notice-hi")
    [logged] = sql(h, "SELECT agent_id, last4, outcome, language FROM check_log")
    assert logged == (AGENT, "1096", "active", "hi")
    assert await h.app.services.store.get_language(AGENT) == "en", "the agent's preference kept"


async def test_next_customer_leaves_no_trace_of_the_previous_one(staffed: Harness) -> None:
    h = staffed
    agent = await enrol(h)
    await agent.send("/language")
    await agent.press("English")
    await to_customer_consent(agent, "ta")
    await agent.press(en("assist-attest-button"))
    await agent.send(INACTIVE)
    await agent.send(CAPTCHA)  # now at the OTP step: much of the customer is in the flow row
    before = await h.app.services.store.get_flow(AGENT)
    assert before is not None and before.last4 == "0124" and before.reference_id
    await agent.send("123456")  # the customer reads out their OTP

    replies = await agent.press(en("assist-next-button"))

    assert texts(replies) == [en("assist-language-prompt")], "at once, in the agent's language"
    state = await h.app.services.store.get_flow(AGENT)
    assert state is not None
    assert (state.mode, state.agent_id, state.step) == (Mode.ASSISTED, AGENT, Step.LANGUAGE)
    assert state.check_id != before.check_id
    assert state.language == "en"  # not the previous customer's Tamil
    assert state.notes == Notes(agent_language="en")
    assert (state.last4, state.consent_id, state.reference_id, state.vendor_session_id) == (
        None,
        None,
        None,
        None,
    )
    assert state.otp_sent_at is None and state.wrong_otps == state.wrong_captchas == 0
    [row] = sql(h, "SELECT * FROM flows")
    assert not any("0124" in str(value) or value == "ta" for value in row)
    assert h.app.services.held.get(AGENT, state.check_id) is None
    assert len(h.app.services.held) == 0

    # and the next customer's check works like the first
    await agent.press("English")
    await agent.press(en("assist-attest-button"))
    assert "STATE BANK OF INDIA" in texts(await agent.check_from_aadhaar(ACTIVE))[-1]


async def test_customer_declines(staffed: Harness) -> None:
    agent = await enrol(staffed)
    await to_customer_consent(agent, "bn")
    replies = await agent.press(en("assist-declined-button"))
    assert texts(replies) == [en_in("bn", "consent-declined")]
    assert [b.text for row in agent.last.buttons for b in row] == [en("assist-next-button")]
    [row] = sql(staffed, "SELECT agent_id, attestation, outcome FROM consents")
    assert row == (AGENT, ATTESTED_DECLINED, "declined")
    assert await staffed.app.services.store.get_flow(AGENT) is None


async def test_cancel_and_expiry_offer_the_next_customer(staffed: Harness) -> None:
    agent = await enrol(staffed)
    await to_customer_consent(agent)
    await agent.send("/cancel")
    assert [b.text for row in agent.last.buttons for b in row] == [en("assist-next-button")]
    await agent.press(en("assist-next-button"))
    await agent.press("English")
    staffed.clock.advance(31 * 60)
    assert texts(await agent.send("hello")) == [en("check-expired")]
    assert [b.text for row in agent.last.buttons for b in row] == [en("assist-next-button")]


async def test_history_is_masked(staffed: Harness) -> None:
    h = staffed
    agent = await enrol(h)
    await customer_check(agent, "en", ACTIVE)
    await customer_check(agent, "hi", INACTIVE)

    [shown] = texts(await agent.send("/history"))

    title, newest, oldest = shown.split("\n")
    assert title == en("history-title", count=2, agent=str(AGENT))
    assert newest.split(" · ")[1:] == ["XXXX XXXX 0124", "Inactive", "PUNJAB NATIONAL BANK"]
    assert oldest.split(" · ")[1:] == ["XXXX XXXX 1096", "Active", "STATE BANK OF INDIA"]
    noon_ist = EN.format_datetime("en", h.clock.now())
    assert noon_ist == "15 Jan 2026, 12:00\u202fpm", "to the minute"
    assert newest.split(" · ")[0] == noon_ist, "the time, in IST"
    assert TWELVE_DIGITS.search(shown) is None
    assert MASKED.findall(shown) == ["XXXX XXXX 0124", "XXXX XXXX 1096"]

    admin = h.chat(chat_id=ADMIN)
    [seen_by_admin] = texts(await admin.send(f"/history {AGENT}"))
    assert seen_by_admin == shown
    assert texts(await admin.send("/history me")) == [en("history-usage")]


async def test_a_revoked_agents_old_button_is_refused(staffed: Harness) -> None:
    agent = await enrol(staffed)
    await customer_check(agent)
    admin = staffed.chat(chat_id=ADMIN)
    await admin.send(f"/revoke {AGENT}")
    replies = await agent.press(en("assist-next-button"))
    assert texts(replies) == [en("assist-not-agent")]
    assert await staffed.app.services.store.get_flow(AGENT) is None
