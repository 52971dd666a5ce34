"""Fixtures of the check's unit tests: a world around the bot double (testing/check_double.py)
and a flow state at a given step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from bot.check.state import FlowState, Step
from testing.check_double import CHAT, T0, CheckWorld, make_world


@pytest.fixture
def world() -> CheckWorld:
    return make_world()


@pytest.fixture
def state_at() -> Callable[..., FlowState]:
    def make(step: Step, **changes: Any) -> FlowState:
        state = FlowState(
            chat_id=CHAT, user_id=CHAT, check_id="chk1", step=step, language="en",
            created_at=T0, updated_at=T0, expires_at=T0 + timedelta(minutes=30),
            consent_id=1, last4="2346", prompt_message_id=55,
        )
        return state.evolve(**changes)

    return make
