"""Quotas end to end: the per-user daily cap on OTP requests, the per-agent daily cap on checks
for customers, and the time each one resets (midnight in India) in the message that stops."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from testing.harness import ACTIVE, CAPTCHA, EN, INACTIVE, en, running_harness
from testing.staff import ADMIN, AGENT, customer_check, enrol, texts

# The harness's clock starts at 12:00 IST on 15 January 2026: the caps reset 12 hours later.
MIDNIGHT_IST = datetime(2026, 1, 15, 18, 30, tzinfo=UTC)


def reset_time() -> str:
    shown = EN.format_datetime("en", MIDNIGHT_IST)
    assert shown == "16 Jan 2026, 12:00\u202fam", shown  # to the minute (CLDR's narrow space)
    return shown


async def test_otp_cap_names_the_time_it_resets(tmp_path: Path) -> None:
    async with running_harness(tmp_path, daily_otp_requests=1) as h:
        chat = h.chat()
        await chat.check(ACTIVE)
        await chat.start_and_consent()

        replies = await chat.send(INACTIVE)

        assert texts(replies) == [en("daily-cap-reached", limit=1, time=reset_time())]
        assert "only 1 OTP can be sent in a day" in texts(replies)[0], "the singular"
        assert chat.sent_ids[-1] in chat.deleted, "the number is deleted all the same"
        assert h.sandbox.calls["generate-otp"] == 1
        assert await h.app.services.store.get_flow(chat.chat_id) is None

        h.clock.advance(12 * 3600)  # just past midnight in India: a new day, a new allowance
        await chat.start_and_consent()
        assert "STATE BANK OF INDIA" in texts(await chat.check_from_aadhaar(ACTIVE))[-1]


async def test_agent_daily_cap_and_its_reset(tmp_path: Path) -> None:
    # Two checks per agent per day; one OTP per user per day, which a customer's OTP does not
    # use up: it is the customer's, not the agent's.
    async with running_harness(
        tmp_path, admin_ids=(ADMIN,), agent_daily_checks=2, daily_otp_requests=1
    ) as h:
        store = h.app.services.store
        agent = await enrol(h)
        await customer_check(agent, "en", ACTIVE)
        await customer_check(agent, "en", INACTIVE)  # a second OTP: no per-user OTP cap here
        assert await store.count_otp_requests(AGENT, MIDNIGHT_IST.replace(hour=0)) == 0

        replies = await agent.press(en("assist-next-button"))

        capped = en("agent-cap-reached", limit=2, time=reset_time())
        assert texts(replies) == [capped]
        assert await store.get_flow(AGENT) is None
        await agent.send("/start")
        assert texts(await agent.press(en("assist-customer-button")))[-1] == capped

        # the agent's own check is not a customer's: still possible, with their own OTP
        await agent.send("/start")
        assert texts(await agent.press(en("assist-own-button"))) == [en("language-prompt")]
        await agent.press("English")
        await agent.press(en("consent-agree-button"))
        await agent.send(ACTIVE)
        assert texts(await agent.send(CAPTCHA)) == [en("otp-sent", masked="XXXX XXXX 1096")]
        await agent.send("/cancel")

        h.clock.advance(12 * 3600)  # 12:00 IST + 12 h: just past midnight in India
        await agent.send("/start")
        assert texts(await agent.press(en("assist-customer-button"))) == [
            en("assist-language-prompt")
        ]
