"""The scripted users' first-answer measurement (testing/users.py), without processes: the
vendor's latency is taken off exactly where the answer waited for a vendor call."""

from __future__ import annotations

from typing import Any

import pytest

from testing.fake_telegram import FeedEvent
from testing.users import Crowd, Stage, User

VENDOR_S = 1.0


def first_answer(user: User, kind: str, at: float) -> float:
    crowd = Crowd(Any, first_chat=1, total=1, vendor_latency_s=VENDOR_S)  # type: ignore[arg-type]
    crowd._active = 1
    user.acted_at, user.answered = 10.0, False
    event = FeedEvent(1, user.chat_id, 7, "sent", kind, "", [], at)  # type: ignore[arg-type]
    crowd._on_event(user, event)
    return crowd.latencies[0]


@pytest.mark.parametrize("in_line", [False, True])
@pytest.mark.parametrize("step", [Stage.CAPTCHA, Stage.OTP])
def test_an_answer_after_a_vendor_call_has_the_vendors_latency_taken_off(
    step: Stage, in_line: bool
) -> None:
    # "OTP sent" and the result card are text, also for a citizen who waited in line.
    user = User(1, step=step, in_line=in_line)
    assert first_answer(user, "text", at=11.05) == pytest.approx(0.05)


def test_a_number_kept_while_waiting_waited_for_no_call() -> None:
    user = User(1, step=Stage.NUMBER, in_line=True)
    assert first_answer(user, "text", at=10.05) == pytest.approx(0.05)


def test_the_captcha_after_a_number_waited_for_initiate_session() -> None:
    user = User(1, step=Stage.NUMBER)
    assert first_answer(user, "photo", at=11.05) == pytest.approx(0.05)
