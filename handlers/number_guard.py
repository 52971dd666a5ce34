"""A number is a number in any form: what a person wrote is read with one recogniser
(bot/domain/numbers.py), wherever it comes, and a message holding a number is deleted at once.

What counts as "what a person wrote" in a message: its text, its caption (photo, document,
video, audio, animation, voice), and the file name of a document, audio, video or animation
(a scan saved as "aadhaar 9876 5432 1096.pdf"). handlers/router.py applies this to new and
edited messages, forwarded ones, command arguments, and group posts; staff free text (an
invite's name) and what operator commands show back use the same rules (handlers/agents.py,
handlers/history.py).
"""

from __future__ import annotations

from telegram import Message

from bot.domain.aadhaar import looks_like_aadhaar, mask_last4
from bot.domain.numbers import AADHAAR_DIGITS, digit_runs
from handlers.turn import Turn


def written_parts(message: Message | None) -> list[str]:
    """Every piece of text the sender wrote in ``message``."""
    if message is None:
        return []
    parts = [message.text, message.caption]
    for media in (message.document, message.audio, message.video, message.animation):
        if media is not None:
            parts.append(media.file_name)
    return [part for part in parts if part]


def number_text(message: Message | None) -> str | None:
    """The first piece of ``message`` that holds what looks like an Aadhaar number, or None."""
    return next((part for part in written_parts(message) if looks_like_aadhaar(part)), None)


def holds_twelve_digits(text: str) -> bool:
    """Any 12 digits however written, checksum or not: what staff free text must not hold."""
    return looks_like_aadhaar(text) or any(digit_runs(text, AADHAAR_DIGITS))


def shown_id(user_id: int) -> str:
    """A user id as operator replies show it: a 12-digit one is masked like an Aadhaar number
    (``XXXX XXXX 1234``), since it may be one typed by mistake."""
    text = str(user_id)
    return mask_last4(text[-4:]) if len(text) == AADHAAR_DIGITS else text


async def delete_sensitive(turn: Turn, key: str, *, kept: tuple[str, ...]) -> None:
    """Delete the user's message, which may show an Aadhaar number or OTP, and say ``key``;
    if it could not be deleted, say ``kept`` after asking them to delete it themselves."""
    if await turn.delete_incoming():
        await turn.say(key)
    else:
        await turn.say("aadhaar-delete-failed", *kept)


async def refuse_command(turn: Turn, command: str) -> bool:
    """A command whose message holds a number is deleted and not run (at every step; an open
    check stays where it was). Returns whether it was refused."""
    if number_text(turn.update.effective_message) is None:
        return False
    await refuse_number(turn, command)
    return True


async def refuse_number(turn: Turn, command: str) -> None:
    if command == "invite":
        await delete_sensitive(turn, "invite-label-number", kept=("invite-label-number",))
    else:
        await delete_sensitive(turn, "command-number-deleted", kept=("command-number-kept",))
