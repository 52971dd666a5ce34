"""Property-based input hardening: whatever a user (or a forger) sends at any step, the bot
answers without an unhandled exception, only in its locale's words, and leaves the check valid.

For each step (no check open, language, consent, Aadhaar, captcha, OTP) hypothesis draws 2,000
inputs: any Unicode text (empty, whitespace, 4,096 characters, RTL and zero-width characters,
digits of every script, commands, text with entities), stickers, photos, voice notes, contacts,
edited messages, channel posts, and button taps whose data is garbage, stale, another chat's, or
this chat's own buttons pressed by another user (a forged update), plus the step's real buttons.

One bot serves every example (the real Application, over loopback HTTP to the fake Bot API
server, with the in-process sandbox), driven from a synchronous test through one long-lived
event loop; each example first puts the chat back at its step (the flow row, the clock, the
number held in memory), then sends the input and waits until the bot is idle. Every example
checks:

- the error handler was never reached (no ``update.failed``), nothing was logged with a
  traceback, no message was missing from a locale;
- every reply and every button answer is made only of messages the translator rendered for
  this update (so: from the locale files, never literal or echoed text);
- the flow row is valid (same chat and owner, a known language, four digits at most) and at a
  step one move can reach; a new check only ever starts at the language picker;
- a text that looks like an Aadhaar number was deleted, at every step (and any text at the
  Aadhaar and OTP steps).

Deterministic: ``derandomize=True`` and no example database.
"""

from __future__ import annotations

import os
import string
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.callbacks import Action
from testing.fuzz import STEPS, Fuzz, made_of, running_fuzz
from testing.harness import (
    ALL_TEST_NUMBERS,
    CAPTCHA,
    GOOD_OTP,
    WRONG_OTPS,
)

# Per step in CI (6,000 in all); INPUT_FUZZ_EXAMPLES=2000 runs the 12,000 of the recorded run.
EXAMPLES_PER_STEP = int(os.environ.get("INPUT_FUZZ_EXAMPLES", "1000"))
_RTL_AND_INVISIBLE = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_RTL_AND_INVISIBLE += "\u200b\u200c\u200d\u2060\ufeff"
_RTL_TEXT = "آدھار نمبر שלום עולם " + _RTL_AND_INVISIBLE
_DIGITS = "0123456789०१२३४५६७८९০১২৩৪৫৬৭৮৯௦௧௨௩௪௫௬௭௮௯٠١٢٣٤٥٦٧٨٩"
_SEPARATORS = " -.\u00a0\u2003\u200b\t\n"

texts = st.one_of(
    st.text(max_size=60),
    st.just(""),
    st.text(alphabet=" \t\n\r\u00a0\u2002\u2003\u3000" + _RTL_AND_INVISIBLE, min_size=1),
    st.text(alphabet=_RTL_TEXT, max_size=60),
    st.text(min_size=1, max_size=6).map(lambda s: (s * 4096)[:4096]),
    st.text(alphabet=_DIGITS + _SEPARATORS, min_size=1, max_size=24),
    st.sampled_from(ALL_TEST_NUMBERS).flatmap(
        lambda n: st.sampled_from([n, n.replace(" ", ""), n.replace(" ", "-"), f" {n} "])
    ),
    st.sampled_from([GOOD_OTP, *WRONG_OTPS, CAPTCHA, CAPTCHA.lower(), "WRONG1", "१२३४५६"]),
    st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=14),
    st.sampled_from(
        ["/start", "/cancel", "/help", "/privacy", "/language", "/forget", "/stats", "/invite"]
    ).flatmap(lambda c: st.sampled_from([c, f"{c} extra words", f"{c}@seeding_test_bot"])),
    st.text(max_size=20).map(lambda s: "/" + s),
)
_ACTIONS = [a.value for a in Action]
callback_data = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda action, check, arg: f"{action}|{check}|{arg}",
        st.sampled_from(_ACTIONS),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789-_", max_size=20),
        st.text(max_size=12),
    ),
)
_PAYLOADS: dict[str, st.SearchStrategy[Any]] = {
    "text": texts,
    "entities": st.tuples(
        texts,
        st.integers(0, 4096),
        st.integers(0, 4096),
        st.sampled_from(["bold", "italic", "url", "mention", "text_link", "spoiler"]),
    ),
    "edited": texts,
    "channel-post": texts,
    "photo": st.text(max_size=30),
    "tap": callback_data,
    "no-message-tap": callback_data,
    "own-button": st.integers(0, 100),
    "forged-user": st.integers(0, 100),
    "sticker": st.text(min_size=1, max_size=2),
    "voice": st.integers(0, 3600),
    "contact": st.tuples(st.text(max_size=20), st.text(min_size=1, max_size=20)),
    "location": st.tuples(st.floats(-90, 90), st.floats(-180, 180)),
    "document": st.text(min_size=1, max_size=40),
}
# Typed text most often; then taps, the other kinds of message, and forgeries.
_KINDS = ["text"] * 8 + ["tap", "own-button"] * 2 + [k for k in _PAYLOADS if k != "text"]
inputs = st.sampled_from(_KINDS).flatmap(lambda kind: st.tuples(st.just(kind), _PAYLOADS[kind]))

# ------------------------------------------------------------------ the bot, once


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzz]:
    with running_fuzz(tmp_path_factory.mktemp("fuzz")) as started:
        yield started


@pytest.mark.parametrize("step", STEPS)
def test_any_input_at_any_step(fuzz: Fuzz, step: str) -> None:
    @settings(
        max_examples=EXAMPLES_PER_STEP,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
    )
    @given(action=inputs)
    def one_input(action: tuple[str, Any]) -> None:
        fuzz.run(step, action)

    one_input()


def test_the_check_of_replies_is_not_vacuous() -> None:
    assert made_of("a\n\nb", ["a", "b"])
    assert made_of("a\nb", ["b", "a"])
    assert not made_of("a b", ["a", "b"])
    assert not made_of("a\n\nb and more", ["a", "b"])
    assert not made_of("", ["a"])
