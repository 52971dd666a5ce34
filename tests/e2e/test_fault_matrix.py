"""The fault matrix (testing/fault_matrix.py), cell by cell, end to end: the real bot, the fake
Bot API server and the in-process sandbox with the cell's fault switched on. Each cell starts a
fresh bot (no token cached, breaker closed), walks a user to the step, switches the fault on,
makes the user act once, and compares what happened with the table: the vendor log lines of the
faulty call, the message the user read, the flow's step afterwards.

Whatever the cell, the error handler is never reached, nothing is logged with a traceback, and
no generate-otp is sent again after one the vendor may have acted on (an SMS may be on its way).
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import pytest

from testing.fault_matrix import (
    AUTHORIZE,
    CELLS,
    GENERATE,
    INITIATE,
    MARK_END,
    MARK_START,
    READ_TIMEOUT_S,
    RELOAD,
    SAFE_TO_REPEAT,
    VERIFY,
    Expect,
    VendorFault,
    VendorStep,
    cell_id,
    render,
)
from testing.harness import ACTIVE, CAPTCHA, GOOD_OTP, UserChat, en, running_harness

DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "reliability.md"
_SEND_LINE = re.compile(
    r"deepvue (?P<endpoint>\S+) status=(?P<status>\S+) .* outcome=(?P<outcome>\S+) "
    r"error=(?P<error>\S+)$"
)
_UNUSABLE_LINE = re.compile(r"deepvue (?P<endpoint>\S+) answer unusable: fields=\[(?P<fields>.*)\]")
_WARN_OUTCOMES = {
    "rate_limited",
    "upstream_unavailable",
    "no_answer",
    "credentials_rejected",
    "unknown",
}
CANDIDATE_KEYS = sorted({expected.told for _, _, expected in CELLS} | {"error-generic"})
_MASKED = {"masked": "XXXX XXXX 1096"}
KEY_ARGS = {"otp-sent": _MASKED, "aadhaar-received": _MASKED}


async def _walk_to(chat: UserChat, step: VendorStep) -> None:
    if step in (AUTHORIZE, INITIATE):
        await chat.start_and_consent()  # no vendor call yet: no token is cached
    elif step in (RELOAD, GENERATE):
        await chat.to_captcha()
    else:
        await chat.to_otp()


async def _act(chat: UserChat, step: VendorStep) -> list[str]:
    if step in (AUTHORIZE, INITIATE):
        replies = await chat.send(ACTIVE)
    elif step is RELOAD:
        replies = await chat.press(en("captcha-new-button"))
    elif step is GENERATE:
        replies = await chat.send(CAPTCHA)
    else:
        assert step is VERIFY
        replies = await chat.send(GOOD_OTP)
    return [m.text for m in replies]


def _sends(records: list[logging.LogRecord], endpoint: str) -> tuple[str, ...]:
    """The endpoint's vendor log lines, summarised as in the table; checks each line's level."""
    sends: list[str] = []
    for record in records:
        if record.name != "bot.vendor":
            continue
        message = record.getMessage()
        if (line := _SEND_LINE.match(message)) and line["endpoint"] == endpoint:
            outcome = line["outcome"]
            warn = outcome in _WARN_OUTCOMES
            assert record.levelno == (logging.WARNING if warn else logging.INFO), message
            status = "" if line["status"] == "None" else f"{line['status']} "
            error = "" if line["error"] == "None" else f" {line['error']}"
            sends.append(f"{status}{outcome}{error}")
        elif (line := _UNUSABLE_LINE.match(message)) and line["endpoint"] == endpoint:
            fields = ",".join(f.strip(" '") for f in line["fields"].split(","))
            sends.append(f"unusable {fields}")
    return tuple(sends)


def _told(texts: list[str], expected: str) -> str:
    shown = "\n".join(texts)
    present = [k for k in CANDIDATE_KEYS if en(k, **KEY_ARGS.get(k, {})) in shown]
    if expected in present:
        return expected
    return present[0] if present else f"(none of the known messages: {texts})"


@pytest.mark.parametrize(
    ("step", "fault", "expected"), CELLS, ids=[cell_id(s, f) for s, f, _ in CELLS]
)
async def test_fault_cell(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    step: VendorStep,
    fault: VendorFault,
    expected: Expect,
) -> None:
    async with running_harness(tmp_path, deepvue_read_timeout_s=READ_TIMEOUT_S) as h:
        chat = h.chat()
        await _walk_to(chat, step)
        await fault.inject(h, step.endpoint)
        mark = len(caplog.records)
        texts = await _act(chat, step)
        records = caplog.records[mark:]
        state = await h.app.services.store.get_flow(chat.chat_id)

    observed = Expect(
        sends=_sends(records, step.endpoint),
        told=_told(texts, expected.told),
        after=state.step.name if state else "ended",
    )
    assert observed == expected
    assert not [r for r in records if r.getMessage() == "update.failed"], "error handler reached"
    assert not [r for r in records if r.exc_info], "a traceback was logged"
    if step is GENERATE:
        sends = [line for line in observed.sends if not line.startswith("unusable")]
        for earlier in sends[:-1]:
            assert SAFE_TO_REPEAT.fullmatch(earlier), f"generate-otp sent again after {earlier}"


def test_reliability_doc_lists_every_cell() -> None:
    """docs/reliability.md holds the matrix exactly as rendered (UPDATE_DOCS=1 rewrites it)."""
    text = DOC.read_text(encoding="utf-8")
    before, _, rest = text.partition(MARK_START)
    _, _, after = rest.partition(MARK_END)
    wanted = before + render() + after
    if os.environ.get("UPDATE_DOCS") == "1":
        DOC.write_text(wanted, encoding="utf-8")
        text = wanted
    assert MARK_START in text and MARK_END in text, f"{DOC} lacks the matrix markers"
    assert text == wanted, f"{DOC} is out of date: run UPDATE_DOCS=1 pytest {__file__}"
