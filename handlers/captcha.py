"""Step 4 — the captcha: a photo with a "New picture" button; the user types its text
(handlers/otp.py reads it: it is sent with the number to generate-otp).

The vendor session (and with it the captcha) dates from ``notes.session_at``; a wrong captcha
gets a fresh picture, up to the limit. The Aadhaar number waits in memory; if the process
restarted in between, it is gone and the user is asked for it again.
"""

from __future__ import annotations

from bot.check.machine import Event
from bot.check.outcomes import Outcome
from bot.check.vendor_policy import Call, rule
from bot.domain.policy import captcha_session_expired
from bot.vendor.types import Captcha, VendorError
from handlers import outcomes
from handlers.callbacks import Action
from handlers.turn import Turn


async def show(turn: Turn, captcha: Captcha, event: Event, *, intro: str | None = None) -> None:
    """Send the captcha photo and move the check (on ``event``) to the captcha step with this
    session."""
    assert turn.state is not None
    caption = turn.t("captcha-prompt")
    if intro:
        caption = f"{intro}\n\n{caption}"
    previous_prompt = turn.state.prompt_message_id
    notes = turn.state.notes
    if turn.state.vendor_session_id != captcha.session_id or notes.session_at is None:
        notes = notes.evolve(session_at=turn.now)  # a reload keeps its session's start
    await turn.go(event, vendor_session_id=captcha.session_id, notes=notes)
    await turn.remove_buttons(previous_prompt)
    message = await turn.send_photo(
        captcha.image_jpeg, caption, [[turn.button("captcha-new-button", Action.NEW_CAPTCHA)]]
    )
    await turn.remember_prompt(message)


async def fresh(turn: Turn, intro_key: str, **args: object) -> None:
    """A new picture: reload within the session, or a new session if it has expired."""
    state = turn.state
    assert state is not None
    vendor = turn.services.vendor
    session = state.vendor_session_id
    if session and captcha_session_expired(state, turn.now, turn.services.limits):
        session = None
    try:
        async with turn.vendor_call("reload-captcha" if session else "initiate-session"):
            if session:
                image = await vendor.reload_captcha(session)
            else:
                image = await vendor.initiate_session()
    except VendorError as exc:
        await outcomes.carry_out(turn, rule(Call.PICTURE, exc.outcome), exc)
        return
    await show(turn, image, Event.NEW_PICTURE, intro=turn.t(intro_key, **args))


async def on_wrong(turn: Turn) -> None:
    """The vendor said the captcha was wrong: a fresh one, or the end after too many."""
    assert turn.state is not None
    wrong = turn.state.wrong_captchas + 1
    limit = turn.services.limits.max_wrong_captchas
    await turn.save(turn.state.evolve(wrong_captchas=wrong))
    if wrong >= limit:
        await outcomes.end_with(turn, Outcome.CAPTCHA_FAILED, "captcha-too-many")
        return
    await fresh(turn, "captcha-wrong", left=limit - wrong)


async def on_new_captcha(turn: Turn) -> None:
    """The "New picture" button."""
    await turn.answer_callback()
    await fresh(turn, "captcha-fresh")
