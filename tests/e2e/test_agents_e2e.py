"""Roles end to end: invite links, the per-role command menus, refusals, /agents and /revoke."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest

from bot.domain.roles import ADMIN_COMMANDS, AGENT_COMMANDS, EVERYONE_COMMANDS
from testing.harness import Harness, en, running_harness
from testing.staff import (
    ADMIN,
    AGENT,
    AGENT_2,
    CITIZEN,
    chat_scope,
    enrol,
    invite_token,
    sql,
    texts,
    to_customer_consent,
)


async def test_invite_link_enrols_once(staffed: Harness) -> None:
    h = staffed
    admin = h.chat(chat_id=ADMIN)
    replies = await admin.send("/invite Ravi (Sitapur BC point)")
    [shown] = texts(replies)
    token = await invite_token(admin, "")  # a second link, without a name
    assert "https://t.me/seeding_test_bot?start=" in shown
    assert "15 Jan 2026" not in shown and "17 Jan 2026" in shown, "valid 48 hours (IST)"
    assert en("invite-label", label="Ravi (Sitapur BC point)") in shown

    # only a hash of each token is stored: the token itself is nowhere in the database
    hashes = {row[0] for row in sql(h, "SELECT token_sha256 FROM invites")}
    assert hashlib.sha256(token.encode()).hexdigest() in hashes
    assert len(hashes) == 2
    db_bytes = b"".join(
        p.read_bytes() for p in Path(h.settings.database_url[10:]).parent.glob("bot.db*")
    )
    assert token.encode() not in db_bytes

    agent = h.chat(chat_id=AGENT)
    assert texts(await agent.send(f"/start {token}")) == [en("invite-welcome")]
    assert admin.last.text == en("invite-used", agent=str(AGENT)), "the admin is told"
    assert [c for c, _ in h.tg.commands_for(chat_scope(AGENT))] == [
        *EVERYONE_COMMANDS,
        *AGENT_COMMANDS,
    ]

    # the link is used up: anyone else (or the agent again) is refused
    other = h.chat(chat_id=AGENT_2)
    assert texts(await other.send(f"/start {token}")) == [en("invite-invalid")]
    assert texts(await other.send("/start not-a-token-we-made")) == [en("invite-invalid")]
    assert await h.app.services.store.get_agent(AGENT_2) is None
    # staff opening a link do not use it up
    fresh = await invite_token(admin)
    assert texts(await agent.send(f"/start {fresh}")) == [en("invite-already-staff")]
    assert texts(await other.send(f"/start {fresh}")) == [en("invite-welcome")]


async def test_expired_invite_link_is_refused(staffed: Harness) -> None:
    admin = staffed.chat(chat_id=ADMIN)
    token = await invite_token(admin)
    staffed.clock.advance(48 * 3600)  # INVITE_VALID_HOURS = 48
    agent = staffed.chat(chat_id=AGENT)
    assert texts(await agent.send(f"/start {token}")) == [en("invite-invalid")]
    assert await staffed.app.services.store.get_agent(AGENT) is None
    assert texts(await agent.send("/start")) == [en("language-prompt")], "a citizen's check"


async def test_admin_menu_is_set_at_start_up(staffed: Harness) -> None:
    admin_menu = staffed.tg.commands_for(chat_scope(ADMIN))
    assert [c for c, _ in admin_menu] == [*EVERYONE_COMMANDS, *AGENT_COMMANDS, *ADMIN_COMMANDS]
    assert dict(admin_menu)["export"] == en("cmd-export")
    assert [c for c, _ in staffed.tg.commands_for(None)] == list(EVERYONE_COMMANDS)


async def test_staff_menus_are_set_again_at_start_up(tmp_path: Path) -> None:
    async with running_harness(tmp_path, admin_ids=(ADMIN,)) as h:
        await enrol(h, AGENT)
        await enrol(h, AGENT_2, "Meena")
        await h.chat(chat_id=ADMIN).send(f"/revoke {AGENT_2}")
    # a restart, against the same database (a fresh fake Telegram remembers no menus)
    async with running_harness(tmp_path, admin_ids=(ADMIN,)) as h:
        agent_menu = [c for c, _ in h.tg.commands_for(chat_scope(AGENT))]
        assert agent_menu == [*EVERYONE_COMMANDS, *AGENT_COMMANDS]
        assert len(h.tg.commands_for(chat_scope(ADMIN))) == len(
            EVERYONE_COMMANDS + AGENT_COMMANDS + ADMIN_COMMANDS
        )
        deleted = [c.params.get("scope") for c in h.tg.calls_to("deleteMyCommands")]
        assert chat_scope(AGENT_2) in deleted, "a revoked agent's chat gets the default menu"


async def test_help_adds_the_commands_of_the_users_role(staffed: Harness) -> None:
    citizen = staffed.chat(chat_id=CITIZEN)
    agent = await enrol(staffed)
    admin = staffed.chat(chat_id=ADMIN)
    help_text = en("help-text")
    assert texts(await citizen.send("/help")) == [help_text]
    assert texts(await agent.send("/help")) == [f"{help_text}\n\n{en('help-agent')}"]
    assert texts(await admin.send("/help")) == [
        f"{help_text}\n\n{en('help-agent')}\n\n{en('help-admin')}\n\n{en('help-admin-rights')}"
    ]


async def test_staff_start_sets_a_menu_that_start_up_could_not(staffed: Harness) -> None:
    # At start-up Telegram refuses a chat's menu if that admin never opened the chat.
    staffed.tg.commands.clear()
    await staffed.chat(chat_id=ADMIN).send("/start")
    assert [c for c, _ in staffed.tg.commands_for(chat_scope(ADMIN))] == [
        *EVERYONE_COMMANDS,
        *AGENT_COMMANDS,
        *ADMIN_COMMANDS,
    ]


async def test_staff_menu_follows_their_language(staffed: Harness) -> None:
    admin = staffed.chat(chat_id=ADMIN)
    await admin.send("/language")
    await admin.press("हिन्दी")
    menu = dict(staffed.tg.commands_for(chat_scope(ADMIN)))
    assert menu["stats"] == staffed.app.services.translator.t("hi", "cmd-stats")


@pytest.mark.parametrize("command", ADMIN_COMMANDS)
async def test_non_admins_are_refused_every_admin_command(
    staffed: Harness, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    agent = await enrol(staffed)
    citizen = staffed.chat(chat_id=CITIZEN)
    for chat in (citizen, agent):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="handlers.access"):
            replies = await chat.send(f"/{command} 2026-01-01 2026-01-02")
        assert texts(replies) == [en("refused-admin")]
        [record] = [r for r in caplog.records if r.getMessage() == "command.refused"]
        assert (record.user_id, record.command) == (chat.chat_id, command)  # type: ignore[attr-defined]
        assert "2026" not in caplog.text, "the arguments are not logged"
    assert sql(staffed, "SELECT count(*) FROM invites") == [(1,)], "only the enrolment's link"


async def test_history_is_for_agents_and_another_agents_for_admins(staffed: Harness) -> None:
    citizen = staffed.chat(chat_id=CITIZEN)
    assert texts(await citizen.send("/history")) == [en("refused-agent")]
    agent = await enrol(staffed)
    assert texts(await agent.send(f"/history {AGENT_2}")) == [en("refused-admin")]
    assert texts(await agent.send("/history")) == [en("history-none", agent=str(AGENT))]


async def test_agents_list_and_revoke(staffed: Harness) -> None:
    h = staffed
    agent = await enrol(h, AGENT, "Ravi")
    await enrol(h, AGENT_2, "Meena")
    admin = h.chat(chat_id=ADMIN)

    [listing] = texts(await admin.send("/agents"))
    assert en("agents-title", count=2) in listing
    assert f"{AGENT} · Ravi · since 15 January 2026 · checks today: 0" in listing
    assert f"{AGENT_2} · Meena" in listing

    await to_customer_consent(agent)  # a customer's check is open when the agent is revoked
    assert texts(await admin.send("/revoke")) == [en("revoke-usage")]
    assert texts(await admin.send("/revoke 12x")) == [en("revoke-usage")]
    assert texts(await admin.send(f"/revoke {CITIZEN}")) == [
        en("revoke-not-agent", agent=str(CITIZEN))
    ]
    assert texts(await admin.send(f"/revoke {AGENT}")) == [en("revoke-done", agent=str(AGENT))]

    assert agent.last.text == en("revoke-notice")
    assert await h.app.services.store.get_flow(AGENT) is None, "the customer's check is stopped"
    assert h.tg.commands_for(chat_scope(AGENT)) == [], "back to the default menu"
    assert texts(await agent.send("/history")) == [en("refused-agent")]
    assert texts(await agent.send("/start")) == [en("language-prompt")], "a citizen's /start"
    [listing] = texts(await admin.send("/agents"))
    assert str(AGENT) not in listing and str(AGENT_2) in listing
    assert texts(await admin.send(f"/revoke {AGENT}")) == [en("revoke-not-agent", agent=str(AGENT))]


async def test_no_agents_yet(staffed: Harness) -> None:
    admin = staffed.chat(chat_id=ADMIN)
    assert texts(await admin.send("/agents")) == [en("agents-none")]


async def test_staff_commands_are_refused_in_groups(staffed: Harness) -> None:
    await staffed.tg.send_text(-100300, "/stats", user_id=ADMIN, chat_type="group", title="Ops")
    await staffed.settle()
    [reply] = staffed.tg.messages(-100300)
    assert reply.text == en("group-refused")
