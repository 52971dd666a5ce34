"""The citizen's rights end to end: /privacy shows the real counts, /forget erases (checked with
SQL on the SQLite file) and keeps the consent records, withdrawn; an agent's customers' records
outlive the agent's /forget."""

from __future__ import annotations

from testing.harness import ACTIVE, CAPTCHA, INACTIVE, Harness, en
from testing.staff import (
    AGENT,
    CITIZEN,
    customer_check,
    enrol,
    sql,
    texts,
)

COUNTED = ("open", "language", "checks", "consents", "withdrawn", "otps")


def counts(*values: str | int) -> str:
    """The /privacy lines that count what is stored: open check (yes/no), language, checks,
    consent records, withdrawn ones, OTP requests."""
    return en("privacy-counts", **dict(zip(COUNTED, values, strict=True)))


async def test_privacy_says_what_is_kept_about_this_user(harness: Harness) -> None:
    chat = harness.chat()
    [before] = texts(await chat.send("/privacy"))
    assert counts("no", en("privacy-no-language"), 0, 0, 0, 0) in before

    await chat.check(ACTIVE)
    await chat.to_captcha(INACTIVE)  # a second check, still open

    [shown] = texts(await chat.send("/privacy"))
    assert shown.startswith("What this bot keeps about you")
    assert counts("yes", "English", 1, 2, 0, 1) in shown
    assert en("privacy-assisted", count=1, checkDays=180).split(":")[0] not in shown


async def test_forget_erases_the_users_rows_and_keeps_withdrawn_consents(harness: Harness) -> None:
    h = harness
    chat = h.chat()
    other = h.chat()
    for user in (chat, other):
        await user.check(ACTIVE)
    await chat.to_captcha(INACTIVE)  # an open check, with a number held in memory
    await other.send("/start")
    user = chat.chat_id

    replies = await chat.send("/forget")

    assert texts(replies) == [en("forget-done")]
    for table, key in (
        ("flows", "chat_id"),
        ("chat_prefs", "chat_id"),
        ("otp_requests", "user_id"),
        ("check_log", "user_id"),
    ):
        assert sql(h, f"SELECT count(*) FROM {table} WHERE {key} = ?", user) == [(0,)], table
        assert sql(h, f"SELECT count(*) FROM {table} WHERE {key} = ?", other.chat_id) != [(0,)]
    kept = sql(h, "SELECT outcome, withdrawn_at IS NOT NULL FROM consents WHERE user_id = ?", user)
    assert kept == [("given", 1), ("given", 1)], "the proof stays, marked withdrawn"
    assert sql(h, "SELECT withdrawn_at FROM consents WHERE user_id = ?", other.chat_id) == [(None,)]
    assert len(h.app.services.held) == 0
    assert texts(await chat.send(CAPTCHA)) == [en("idle-hint")], "the open check is stopped"
    [shown] = texts(await chat.send("/privacy"))
    assert counts("no", en("privacy-no-language"), 0, 2, 2, 0) in shown


async def test_an_agents_forget_keeps_the_customers_records(staffed: Harness) -> None:
    h = staffed
    agent = await enrol(h)
    await customer_check(agent, "hi", ACTIVE)
    await agent.send("/start")
    await agent.press(en("assist-own-button"))
    await agent.press("English")
    await agent.press(en("consent-agree-button"))
    await agent.check_from_aadhaar(INACTIVE)  # the agent's own check

    [shown] = texts(await agent.send("/privacy"))
    assert counts("no", "English", 1, 1, 0, 1) in shown, "the customer's OTP is not the agent's"
    assert en("privacy-assisted", count=1, checkDays=180) in shown

    assert texts(await agent.send("/forget")) == [
        en("forget-done") + "\n\n" + en("forget-done-agent")
    ]

    assert sql(h, "SELECT agent_id, last4 FROM check_log") == [(AGENT, "1096")]
    assert sql(h, "SELECT agent_id, withdrawn_at IS NULL FROM consents ORDER BY id") == [
        (AGENT, 1),  # the customer's attested consent: not the agent's to withdraw
        (None, 0),  # the agent's own consent: withdrawn
    ]
    assert await h.app.services.store.get_agent(AGENT) is not None, "still an agent"


async def test_forget_for_someone_with_nothing_stored(harness: Harness) -> None:
    chat = harness.chat(chat_id=CITIZEN)
    assert texts(await chat.send("/forget")) == [en("forget-done")]
