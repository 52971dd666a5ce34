"""Property-based: a valid Aadhaar number written in any form, in any kind of message, at any
step, is deleted at once, never shown back in any Bot API call, and never reaches a log line or
the database.

Hypothesis writes a number of ``NUMBER_POOL`` (Verhoeff-valid) with digits of any of the 13
scripts the bot reads (one script, or mixed digit by digit), cut into groups at random places
by 1-3 separators of every kind (Unicode spaces, dashes, dots, slashes, underscores, commas, line
breaks), with invisible and bidi marks between any two digits, inside random words (Latin,
Devanagari, Urdu, Bengali, Tamil letters; no digits). Each (step, kind) gets
``NUMBER_FUZZ_EXAMPLES`` examples (default 8; ``derandomize``: the same ones every run):

- steps: no check open, language, consent, Aadhaar, captcha, OTP (a citizen's private chat);
  a group where the bot is an administrator; an admin's private chat (operator commands);
- kinds: text, forwarded text, photo caption, document caption, a document's file name,
  forwarded photo, edited text, edited caption, a command's argument (/start, /help, /cancel,
  /privacy, /language, /forget, /history, /stats); for the admin: /revoke, /history, /invite,
  /stats, /export, /agents with the number as (part of) the argument.

Every example checks: the message holding the number was deleted; the user was answered; no
Bot API call of the example holds the number in any form; no log record of the example does
(raw, before redaction); at the Aadhaar step (a new message holding the number) the number was
taken as the user's (the check is at the captcha with its last four digits). After each
(step, kind), the database files hold it in no form. ``test_figures`` prints the count of
examples per step and kind and of finds (always 0, or a test failed).
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.check.state import Step
from testing.fuzz import Fuzz, Snapshot, running_fuzz
from testing.harness import NUMBER_POOL, Harness
from testing.leaks import LogRecorder, numbers_in_any_form
from testing.number_forms import BIDI, SCRIPTS, ZW
from testing.staff import ADMIN

EXAMPLES = int(os.environ.get("NUMBER_FUZZ_EXAMPLES", "8"))
CITIZEN_STEPS = ("none", "language", "consent", "aadhaar", "captcha", "otp")
# New messages: at the Aadhaar step, the number in them is taken as the user's.
NEW_KINDS = (
    "text",
    "forwarded-text",
    "photo-caption",
    "document-caption",
    "file-name",
    "forwarded-photo",
)
KINDS = (*NEW_KINDS, "edited-text", "edited-caption", "command")
CASES = [(step, kind) for step in (*CITIZEN_STEPS, "group") for kind in KINDS]
CASES += [("admin", "staff-command")]
USER_COMMANDS = ("start", "help", "cancel", "privacy", "language", "forget", "history", "stats")
STAFF_COMMANDS = ("revoke", "history", "invite", "stats", "export", "agents")
GROUP, GROUP_USER = -100777, 4242

_SEPARATORS = " -./_,\t\n\u00a0\u2002\u2003\u2009\u202f\u3000\u2010\u2011\u2013\u2014\u2212"
_SEPARATORS += "\uff0e\uff0f\uff3f"
_MARKS = ZW + BIDI + "\u00ad\ufeff"
_WORDS = "abcdefghijklmnopqrstuvwxyz ABCXYZ:()!?आधारनंबरमेरा ہےمیرانمبر আধারনম্বর எண்ஆதார்"
_SCRIPT_DIGITS = list(SCRIPTS.values())

COUNTS: Counter[tuple[str, str]] = Counter()  # examples run per (step, kind)
FOUND: Counter[str] = Counter()  # where a number was found that must not be there


@st.composite
def written_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """(the number's ASCII digits, a text holding it written some way)."""
    number = draw(st.sampled_from(NUMBER_POOL))
    mixed = draw(st.booleans())
    script = draw(st.sampled_from(_SCRIPT_DIGITS))
    cuts = draw(st.sets(st.integers(1, 11), max_size=11))
    out: list[str] = []
    for index, digit in enumerate(number):
        if index in cuts:
            out.append(draw(st.text(alphabet=_SEPARATORS, min_size=1, max_size=3)))
        if index:
            out.append(draw(st.text(alphabet=_MARKS, max_size=2)))
        digits = draw(st.sampled_from(_SCRIPT_DIGITS)) if mixed else script
        out.append(digits[int(digit)])
    before = draw(st.text(alphabet=_WORDS, max_size=30))
    after = draw(st.text(alphabet=_WORDS, max_size=30))
    return number, " ".join(part for part in (before, "".join(out), after) if part)


@dataclass
class Bench:
    fuzz: Fuzz
    admin: Snapshot
    lines: LogRecorder
    db_dir: Path

    @property
    def h(self) -> Harness:
        return self.fuzz.h

    def run(self, step: str, kind: str, number: str, text: str, extra: int) -> None:
        self.fuzz.loop.run(self.example(step, kind, number, text, extra))

    async def example(self, step: str, kind: str, number: str, text: str, extra: int) -> None:
        h, tg = self.h, self.h.tg
        snap = self.admin if step == "admin" else self.fuzz.snapshots.get(step)
        chat_id = GROUP if step == "group" else snap.chat.chat_id if snap else 0
        edited = kind.startswith("edited-")
        original = None
        if edited:  # a message the user sent earlier, kept, now edited to hold the number
            if snap is not None:
                await h.app.services.store.delete_flow(chat_id)
            original = await self.send(
                chat_id, "edited-caption" if kind == "edited-caption" else "text", "ok", extra
            )
            await h.settle()
        if snap is not None:
            await self.fuzz.reset(snap)
        calls_mark, lines_mark = len(tg.calls), len(self.lines.lines)
        deleted_mark = len(tg.deleted_ids(chat_id))
        events = tg.events(chat_id)
        event_mark = events[-1].seq if events else 0

        if original is not None:
            if kind == "edited-text":
                await tg.send_edited_text(chat_id, original, text)
            else:
                await tg.send_edited_caption(chat_id, original, text)
            message_id = original
        else:
            message_id = await self.send(chat_id, kind, text, extra)
        await h.settle()

        COUNTS[(step, kind)] += 1
        problems = []
        if message_id not in tg.deleted_ids(chat_id)[deleted_mark:]:
            FOUND["not deleted"] += 1
            problems.append("not deleted")
        if not any(e.type == "sent" for e in tg.events(chat_id, after=event_mark)):
            problems.append("no answer")
        for call in tg.calls[calls_mark:]:
            if number in numbers_in_any_form(json.dumps(call.params, ensure_ascii=False)):
                FOUND["Bot API call"] += 1
                problems.append(f"echoed in {call.method}")
        for line in self.lines.lines[lines_mark:]:
            if number in numbers_in_any_form(line):
                FOUND["log line"] += 1
                problems.append(f"logged: {line[:200]}")
        if step == "aadhaar" and kind in NEW_KINDS:
            state = await h.app.services.store.get_flow(chat_id)
            taken = state is not None and state.step is Step.CAPTCHA
            if not taken or state is None or state.last4 != number[-4:]:
                problems.append(f"not taken as the number: {state}")
        assert not problems, f"{step}/{kind} {text!r}: {problems}"

    async def send(self, chat_id: int, kind: str, text: str, extra: int) -> int:
        """Send ``text`` as a message of ``kind``; returns its message id."""
        tg = self.h.tg
        where: dict[str, Any] = {}
        if chat_id == GROUP:
            where = {"user_id": GROUP_USER, "chat_type": "supergroup", "title": "Village"}
        if kind in ("text", "forwarded-text", "edited-text"):
            forwarded = "Ravi" if kind == "forwarded-text" else None
            return await tg.send_text(chat_id, text, forwarded_from=forwarded, **where)
        if kind in ("photo-caption", "forwarded-photo", "edited-caption"):
            forwarded = "Ravi" if kind == "forwarded-photo" else None
            caption = None if kind == "edited-caption" else text
            return await tg.send_photo(chat_id, caption=caption, forwarded_from=forwarded, **where)
        if kind == "document-caption":
            return await tg.send_document(chat_id, caption=text, **where)
        if kind == "file-name":
            return await tg.send_document(chat_id, file_name=f"{text}.pdf", **where)
        commands = STAFF_COMMANDS if kind == "staff-command" else USER_COMMANDS
        return await tg.send_text(chat_id, f"/{commands[extra % len(commands)]} {text}", **where)


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    db_dir = tmp_path_factory.mktemp("numbers")
    lines = LogRecorder()
    with running_fuzz(db_dir, admin_ids=(ADMIN,)) as fuzz:
        admin = fuzz.loop.run(_admin_snapshot(fuzz.h))
        fuzz.h.tg.add_chat(GROUP, chat_type="supergroup", title="Village", bot_is_admin=True)
        logging.getLogger().addHandler(lines)
        try:
            yield Bench(fuzz, admin, lines, db_dir)
        finally:
            logging.getLogger().removeHandler(lines)


async def _admin_snapshot(h: Harness) -> Snapshot:
    chat = h.chat(chat_id=ADMIN)
    await chat.send("/help")
    return Snapshot(chat=chat, state=None, now=h.clock.now(), number=None, press_on=0)


@pytest.mark.parametrize(("step", "kind"), CASES)
def test_a_number_in_any_form(bench: Bench, step: str, kind: str) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a find fails at once, as drawn
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(written=written_numbers(), extra=st.integers(0, 100))
    def one(written: tuple[str, str], extra: int) -> None:
        number, text = written
        bench.run(step, kind, number, text, extra)

    one()
    stored = [
        (path.name, found)
        for path in bench.db_dir.iterdir()
        if path.is_file()
        and (found := numbers_in_any_form(path.read_bytes().decode("utf-8", "replace")))
    ]
    FOUND["database file"] += len(stored)
    assert not stored


def test_figures(capsys: pytest.CaptureFixture[str]) -> None:
    """The examples run per step and kind, and the finds (0, or a test above failed)."""
    if not COUNTS:
        pytest.skip("run with the tests above")
    with capsys.disabled():
        print(f"\nnumbers in any form: {sum(COUNTS.values())} examples")
        for (step, kind), count in sorted(COUNTS.items()):
            print(f"  {step:9} {kind:17} {count}")
        where = ("not deleted", "Bot API call", "log line", "database file")
        print("  found: " + ", ".join(f"{w}: {FOUND[w]}" for w in where))
    assert sum(FOUND.values()) == 0
