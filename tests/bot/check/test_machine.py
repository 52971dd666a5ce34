"""The machine's tables (bot/check/machine.py, vendor_policy.py) and what they promise."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.check import diagram
from bot.check.machine import (
    ENDED,
    HINTS,
    NONE,
    TABLE,
    Event,
    Input,
    NoTransition,
    Reaction,
    first_step,
    may_end,
    next_step,
    on_input,
)
from bot.check.outcomes import Outcome, OutcomeGroup, group_of
from bot.check.state import Step
from bot.check.vendor_policy import Call, Move, rule

CHECK_PACKAGE = Path(diagram.__file__).resolve().parent


def test_the_check_package_imports_no_telegram() -> None:
    """bot/check/ is the machine without its adapters: no python-telegram-bot in it."""
    found = []
    for path in sorted(CHECK_PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "telegram"]
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "handlers"]
    assert found == []


def test_docs_flow_md_shows_the_table() -> None:
    """docs/flow.md's diagram is the table's (python -m bot.check.diagram rewrites it)."""
    document = diagram.FLOW_DOC.read_text(encoding="utf-8")
    assert diagram.with_diagram(document) == document
    assert diagram.main(["--check"]) == 0


def test_the_diagram_has_a_line_per_row() -> None:
    text = diagram.mermaid()
    assert "    CAPTCHA --> OTP: generate-otp succeeded; number dropped (handlers/otp.py)" in text
    assert text.count(" --> ") == len(TABLE)


def test_one_row_per_step_and_event() -> None:
    keys = [(t.source, t.event) for t in TABLE]
    assert len(keys) == len(set(keys))


def test_every_step_is_reached_and_can_end() -> None:
    targets = {t.target for t in TABLE}
    assert set(Step) <= targets
    for step in set(Step) - {Step.LANGUAGE}:  # the picker ends only by /cancel or idling
        assert any(t.source == step for t in TABLE)
    assert {t.source for t in TABLE if t.target == ENDED} >= {Step.CONSENT, Step.OTP}


def test_rows_to_the_end_name_their_outcomes_and_no_others_do() -> None:
    for t in TABLE:
        assert bool(t.outcomes) == (t.target == ENDED), t


def test_next_step() -> None:
    assert next_step(Step.CAPTCHA, Event.OTP_SENT) is Step.OTP
    assert next_step(Step.OTP, Event.RESEND) is Step.AADHAAR
    assert next_step(Step.AADHAAR, Event.NO_SHOW) is Step.WAITING
    with pytest.raises(NoTransition):
        next_step(Step.LANGUAGE, Event.OTP_SENT)
    with pytest.raises(NoTransition):  # an end is end_check's, never a step
        next_step(Step.CONSENT, Event.DECLINE)


def test_first_step() -> None:
    for event in (Event.START, Event.OWN_CHECK, Event.ASSIST, Event.CHECK_AGAIN):
        assert first_step(event) is Step.LANGUAGE
    with pytest.raises(NoTransition):
        first_step(Event.AGREE)
    assert (NONE, Event.START) in {(t.source, t.event) for t in TABLE}


def test_may_end() -> None:
    assert may_end(Step.CONSENT, Outcome.DECLINED)
    assert may_end(Step.OTP, Outcome.ACTIVE)
    assert may_end(Step.LANGUAGE, Outcome.CANCELLED)  # anywhere
    assert not may_end(Step.CONSENT, Outcome.ACTIVE)
    assert not may_end(Step.LANGUAGE, Outcome.OTP_FAILED)


@pytest.mark.parametrize(
    ("step", "kind", "reaction"),
    [
        (Step.CONSENT, Input.NUMBER, Reaction.DELETE),  # typing a number is not consent
        (Step.CONSENT, Input.TEXT, Reaction.HINT),
        (Step.LANGUAGE, Input.MEDIA, Reaction.HINT),
        (Step.AADHAAR, Input.MEDIA, Reaction.DELETE),  # a photo may show the card
        (Step.CAPTCHA, Input.NUMBER, Reaction.NUMBER_AGAIN),
        (Step.CAPTCHA, Input.MEDIA, Reaction.HINT),
        (Step.OTP, Input.MEDIA, Reaction.DELETE),  # or the SMS
        (Step.WAITING, Input.TEXT, Reaction.STEP),
    ],
)
def test_input_a_step_did_not_ask_for(step: Step, kind: Input, reaction: Reaction) -> None:
    assert on_input(step, kind).reaction is reaction


def test_every_step_has_a_hint() -> None:
    assert set(HINTS) == set(Step)


# ---------------------------------------------------------------- the vendor-outcome table
@pytest.mark.parametrize(
    ("call", "outcome", "move", "key"),
    [
        (Call.NUMBER, Outcome.CIRCUIT_OPEN, Move.PAUSE, "error-paused"),
        (Call.NUMBER, Outcome.NO_ANSWER, Move.DROP_NUMBER, "error-upstream-unavailable"),
        (Call.NUMBER, Outcome.MOBILE_NOT_LINKED, Move.END, "error-mobile-not-linked"),
        (Call.NUMBER, Outcome.UNKNOWN, Move.DROP_NUMBER, "error-service"),
        (Call.PICTURE, Outcome.NO_ANSWER, Move.END, "error-upstream-unavailable"),
        (Call.PICTURE, Outcome.RATE_LIMITED, Move.END, "error-rate-limited"),
        (Call.GENERATE, Outcome.INVALID_CAPTCHA, Move.WRONG_CAPTCHA, "captcha-wrong"),
        (Call.GENERATE, Outcome.INVALID_AADHAAR, Move.BACK_TO_NUMBER, "error-invalid-aadhaar"),
        (Call.GENERATE, Outcome.NO_ANSWER, Move.RETRY_PICTURE, "error-no-answer"),
        (Call.GENERATE, Outcome.MOBILE_NOT_LINKED, Move.END, "error-mobile-not-linked"),
        (Call.VERIFY, Outcome.CIRCUIT_OPEN, Move.PAUSE, "error-paused-otp"),
        (Call.VERIFY, Outcome.INVALID_OTP, Move.WRONG_OTP, "otp-wrong"),
        (Call.VERIFY, Outcome.NO_ANSWER, Move.STAY, "error-verify-retry"),
        (Call.VERIFY, Outcome.CREDENTIALS_REJECTED, Move.END, "error-service"),
    ],
)
def test_vendor_policy(call: Call, outcome: Outcome, move: Move, key: str) -> None:
    found = rule(call, outcome)
    assert (found.move, found.key) == (move, key)


def test_no_retry_with_a_picture_where_the_captcha_is_off() -> None:
    assert rule(Call.GENERATE, Outcome.NO_ANSWER).counts_otp_request
    found = rule(Call.GENERATE, Outcome.NO_ANSWER, captcha_enabled=False)
    assert (found.move, found.key, found.counts_otp_request) == (Move.END, "error-no-answer", True)


def test_a_final_failure_of_verify_does_not_repeat_the_delete_plea() -> None:
    assert not rule(Call.VERIFY, Outcome.UNKNOWN).warn_undeleted
    assert rule(Call.VERIFY, Outcome.OTP_EXPIRED).warn_undeleted


# ---------------------------------------------------------------- the one outcome enum
def test_outcome_groups() -> None:
    assert Outcome.ACTIVE.group is OutcomeGroup.ACTIVE
    assert Outcome.OTHER.group is OutcomeGroup.INACTIVE
    assert Outcome.NO_ANSWER.group is OutcomeGroup.VENDOR
    assert Outcome.CIRCUIT_OPEN.group is OutcomeGroup.VENDOR
    assert Outcome.OTP_FAILED.group is OutcomeGroup.ABANDONED
    assert group_of("written_by_an_older_release") is OutcomeGroup.ABANDONED


# Ends that /stats may show as their bare code (no words in check-outcome). None today: every
# end, including leaving the line and a vendor asking for a captcha where the captcha step is
# switched off, has words in every locale.
UNLABELLED: set[str] = set()


def test_every_outcome_a_check_can_end_with_is_labelled_for_reports() -> None:
    """Each end in the table has words in every locale's check-outcome, but UNLABELLED."""
    ends = {o for t in TABLE for o in t.outcomes} | {Outcome.CANCELLED, Outcome.EXPIRED}
    root = CHECK_PACKAGE.parents[1] / "locales"
    for ftl in sorted(root.glob("*/bot.ftl")):
        text = ftl.read_text(encoding="utf-8")
        block = text[text.index("check-outcome =") :].split("\n\n")[0]
        missing = [o.value for o in ends if f"[{o.value}]" not in block]
        assert set(missing) <= UNLABELLED, (ftl, missing)


# ---------------------------------------------------------------- the code names only the table's
HANDLERS = CHECK_PACKAGE.parents[1] / "handlers"


def _named(attribute_of: str, inside: frozenset[str] = frozenset()) -> set[str]:
    """``attribute_of.NAME`` as written in handlers/ (only within calls to ``inside``, if given)."""
    names: set[str] = set()
    for path in sorted(HANDLERS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        roots: list[ast.AST] = [tree]
        if inside:
            roots = [
                node
                for node in ast.walk(tree)
                if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute | ast.Name)
                and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
                in inside
            ]
        for root in roots:
            for node in ast.walk(root):
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id == attribute_of
                ):
                    names.add(node.attr)
    return names


def test_every_event_the_handlers_name_is_a_row() -> None:
    events = {t.event.name for t in TABLE}
    named = _named("Event")
    assert named and named <= events


def test_every_end_the_handlers_write_is_in_the_table() -> None:
    """end_check(Outcome.X) and end_with(turn, Outcome.X, ...) in handlers/: each X is an
    outcome of a row to ENDED (or an end possible anywhere)."""
    ends = {o.name for t in TABLE for o in t.outcomes} | {"CANCELLED", "EXPIRED"}
    written = _named("Outcome", frozenset({"end_check", "end_with"}))
    assert written and written <= ends
