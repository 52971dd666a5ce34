"""Captcha images for the sandbox: readable on a phone, cheap to draw (a few milliseconds)."""

from __future__ import annotations

import io
from functools import lru_cache
from random import Random
from typing import Final

from PIL import Image, ImageDraw, ImageFont

ALPHABET: Final = "ABCDEFHJKMNPRTUVWXY346789"
"""No 0/O, 1/I/L, 2/Z, 5/S or G/6 pairs: a user typing from a phone screen cannot confuse them."""

TEXT_LENGTH: Final = 6
SIZE: Final = (240, 80)
_FONT_SIZE: Final = 40
_NOISE_LINES: Final = 6
_BACKGROUND: Final = (245, 245, 240)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def random_captcha_text(rng: Random) -> str:
    """Six characters from the unambiguous alphabet."""
    return "".join(rng.choices(ALPHABET, k=TEXT_LENGTH))


@lru_cache(maxsize=1)
def _font() -> Font:
    """Pillow's bundled font at a phone-friendly size; the tiny bitmap one if FreeType is absent.

    Cached because loading the font costs more than drawing the whole image.
    """
    try:
        return ImageFont.load_default(size=_FONT_SIZE)
    except (ImportError, OSError, TypeError):  # Pillow built without FreeType
        return ImageFont.load_default()


def _random_colour(rng: Random, low: int, high: int) -> tuple[int, int, int]:
    return (rng.randint(low, high), rng.randint(low, high), rng.randint(low, high))


def _draw_noise(draw: ImageDraw.ImageDraw, rng: Random) -> None:
    """Light lines across the image: enough to look like a captcha, not enough to hide text."""
    width, height = SIZE
    for _ in range(_NOISE_LINES):
        start = (rng.randint(0, width), rng.randint(0, height))
        end = (rng.randint(0, width), rng.randint(0, height))
        draw.line([start, end], fill=_random_colour(rng, 120, 200), width=2)


@lru_cache(maxsize=64)
def _metrics(char: str) -> tuple[float, float, float]:
    """A character's advance, and the top and bottom of its box: fixed for the font, so
    measured once (measuring cost a third of drawing a captcha)."""
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    font = _font()
    top, bottom = draw.textbbox((0, 0), char, font=font)[1::2]
    return draw.textlength(char, font=font), top, bottom


def _draw_text(draw: ImageDraw.ImageDraw, text: str, rng: Random) -> None:
    """Each character in a dark colour with a small vertical jitter, centred as a whole."""
    font = _font()
    width, height = SIZE
    metrics = [_metrics(char) for char in text]
    advances = [advance + 4 for advance, _, _ in metrics]
    x = (width - sum(advances)) / 2
    for char, advance, (_, top, bottom) in zip(text, advances, metrics, strict=True):
        y = (height - (bottom - top)) / 2 - top + rng.randint(-6, 6)
        draw.text((x, y), char, font=font, fill=_random_colour(rng, 0, 90))
        x += advance


def render_captcha(text: str, rng: Random) -> bytes:
    """A JPEG showing ``text``; the same text and generator state give the same bytes."""
    image = Image.new("RGB", SIZE, _BACKGROUND)
    draw = ImageDraw.Draw(image)
    _draw_noise(draw, rng)
    _draw_text(draw, text, rng)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
