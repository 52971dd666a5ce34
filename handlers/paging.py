"""Long answers (an agent list, a week's statistics) split into messages Telegram accepts."""

from __future__ import annotations

from handlers.turn import Turn

# Telegram allows 4096 characters; leave room for the entities' markup.
PAGE_LIMIT = 4000


def pages(text: str, limit: int = PAGE_LIMIT) -> list[str]:
    """Split at line ends into pieces of at most ``limit`` characters; joining them with a line
    end gives ``text`` back. A single line longer than ``limit`` is cut (never happens with our
    lines, which are short, but must not make a message Telegram refuses)."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        while len(line) > limit:
            out.extend(["\n".join(current)] if current else [])
            current, size = [], 0
            out.append(line[:limit])
            line = line[limit:]
        if current and size + 1 + len(line) > limit:
            out.append("\n".join(current))
            current, size = [], 0
        size += len(line) + (1 if current else 0)
        current.append(line)
    if current:
        out.append("\n".join(current))
    return out


async def send_pages(turn: Turn, text: str) -> None:
    for page in pages(text):
        if page.strip():  # Telegram refuses an empty message
            await turn.send(page)
