"""Fluent translations, one folder per language under ``locales/``, and locale-aware formatting.

A key missing in a language falls back to English at run time (logged as a warning); the test
suite allows no missing key (``python -m bot i18n check``).
"""

from __future__ import annotations

import functools
import logging
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_datetime_format
from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax import ast

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).resolve().parent.parent.parent / "locales"

# Picker order: roughly by number of speakers in India. Telegram's language_code hint only moves
# a likely choice to the front; it never picks for the user.
LANGUAGE_ORDER = ("hi", "bn", "mr", "te", "ta", "gu", "ur", "kn", "or", "ml", "pa", "as", "en")

# CLDR locale used for dates and numbers (English as written in India: "1 June 2013").
_BABEL_LOCALE = {"en": "en_IN"}

RTL_LANGUAGES = frozenset({"ur"})
INDIA = ZoneInfo("Asia/Kolkata")

# A time to the minute ("try again after 27 Nov 2026, 12:00 am"): seconds are noise there. CLDR's
# own short time, except where it reads badly: Assamese puts the day period first with dots
# ("PM 12.00"), which people there do not write.
_TIME_PATTERN = {"as": "h:mm a"}

LRM, RLM = "\u200e", "\u200f"  # left-to-right and right-to-left marks


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    native_name: str
    rtl: bool


class Translator:
    """All locales shipped under ``locales_dir``, each parsed the first time it is used
    (``load_all`` parses them at once). ``t()`` never raises for a missing key."""

    def __init__(self, locales_dir: Path = LOCALES_DIR) -> None:
        self._files: dict[str, list[Path]] = {}
        for folder in sorted(p for p in locales_dir.iterdir() if p.is_dir()):
            files = sorted(folder.glob("*.ftl"))
            if files:
                self._files[folder.name] = files
        self._bundles: dict[str, FluentBundle] = {}
        self._selectors: dict[tuple[str, str], frozenset[str]] = {}
        if DEFAULT_LANGUAGE not in self._files:
            raise RuntimeError(f"no {DEFAULT_LANGUAGE} locale under {locales_dir}")
        self._bundle(DEFAULT_LANGUAGE)  # a broken English file fails at start, not later

    def _bundle(self, code: str) -> FluentBundle | None:
        """The parsed bundle of ``code``, parsing it now if this is its first use (about 30 ms
        each: a start that parsed all 13 waited a third of a second for languages that may
        not be used for a while)."""
        bundle = self._bundles.get(code)
        if bundle is None and code in self._files:
            bundle = FluentBundle([_BABEL_LOCALE.get(code, code)], use_isolating=False)
            for file in self._files[code]:
                bundle.add_resource(FluentResource(file.read_text(encoding="utf-8")))
            self._bundles[code] = bundle
        return bundle

    def load_all(self) -> None:
        """Parse every locale now (before forking workers, which then share them)."""
        for code in self._files:
            self._bundle(code)

    @property
    def codes(self) -> tuple[str, ...]:
        ordered = [code for code in LANGUAGE_ORDER if code in self._files]
        return tuple(ordered + sorted(set(self._files) - set(ordered)))

    def has(self, code: str | None) -> bool:
        return code is not None and code in self._files

    def language(self, code: str) -> Language:
        return Language(code, self.t(code, "language-name"), code in RTL_LANGUAGES)

    def has_key(self, code: str, key: str) -> bool:
        bundle = self._bundle(code)
        return bundle is not None and bundle.has_message(key)

    def t(self, code: str, key: str, **args: Any) -> str:
        bundle = self._bundle(code)
        if bundle is None or not bundle.has_message(key):
            if code != DEFAULT_LANGUAGE:
                log.warning("i18n.missing", extra={"language": code, "key": key})
            bundle = self._bundles[DEFAULT_LANGUAGE]
            if not bundle.has_message(key):
                log.error("i18n.missing_in_default", extra={"key": key})
                return key
        message = bundle.get_message(key)
        if message.value is None:
            return key
        if code in RTL_LANGUAGES:
            selectors = self._selectors.get((code, key))
            if selectors is None:
                selectors = self._selectors[(code, key)] = selector_names(message.value)
            args = {
                name: value
                if name in selectors or not isinstance(value, str)
                else directional(value)
                for name, value in args.items()
            }
        text, errors = bundle.format_pattern(message.value, args)
        for error in errors:
            log.warning(
                "i18n.format_error", extra={"language": code, "key": key, "error": str(error)}
            )
        return str(text)

    def format_date(self, code: str, value: date) -> str:
        return str(format_date(value, "long", locale=_BABEL_LOCALE.get(code, code)))

    def format_datetime(self, code: str, value: datetime) -> str:
        """A moment as people in India read it: Indian Standard Time, the user's locale, to the
        minute (CLDR's medium date and its short time, joined the locale's way)."""
        locale = _BABEL_LOCALE.get(code, code)
        local = value.astimezone(INDIA)
        day = format_date(local.date(), "medium", locale=locale)
        time = format_time(local.time(), _TIME_PATTERN.get(code, "short"), locale=locale)
        pattern = str(get_datetime_format("medium", locale=locale)).replace("'", "")
        return pattern.replace("{1}", str(day)).replace("{0}", str(time))

    def pick_first(self, telegram_language_code: str | None) -> str | None:
        """The language to put first in the picker, from Telegram's ``language_code`` hint."""
        if not telegram_language_code:
            return None
        base = telegram_language_code.split("-")[0].lower()
        return base if base in self._files else None


def babel_locale(code: str) -> str:
    """The CLDR locale that formats dates and numbers for the bot's language ``code``."""
    return _BABEL_LOCALE.get(code, code)


def strong_direction(text: str) -> str | None:
    """``"L"`` or ``"R"``: the direction of the first letter with one (Unicode's bidi classes),
    ``None`` for text with none (digits, punctuation)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "L"
        if kind in ("R", "AL"):
            return "R"
    return None


def directional(value: str) -> str:
    """A variable's value made to keep its own direction inside right-to-left text.

    Fluent's ``use_isolating`` would wrap it in U+2068…U+2069 (isolates), but Telegram Desktop's
    bidi algorithm mishandles isolates (telegramdesktop/tdesktop#27099), while every client
    honours the plain marks LRM and RLM. So a value that starts or ends with a
    character without a direction of its own (a digit, "/", "+", a bracket, a full stop) gets
    the mark of its first letter's direction there (LRM when it has no letter): a phone number
    ``1800-000-0000`` is not shown as ``0000-000-1800``, nor ``Example Bank Ltd.`` as
    ``.Example Bank Ltd``. A value that starts and ends with letters needs nothing (a link stays
    clean for Telegram's link detection).
    """
    if not value:
        return value
    mark = RLM if strong_direction(value) == "R" else LRM
    head = "" if strong_direction(value[0]) else mark
    tail = "" if strong_direction(value[-1]) else mark
    return f"{head}{value}{tail}"


def selector_names(node: ast.BaseNode) -> frozenset[str]:
    """The variables a message selects on (``{ $outcome -> [active] …}``, ``{ $limit -> [one]
    …}``): right-to-left marks must not reach them, or no variant would match."""
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, ast.SelectExpression) and isinstance(
            node.selector, ast.VariableReference
        ):
            found.add(node.selector.id.name)
        if isinstance(node, ast.BaseNode):
            for child in vars(node).values():
                for item in child if isinstance(child, list) else [child]:
                    walk(item)

    walk(node)
    return frozenset(found)


@functools.cache
def shared_translator() -> Translator:
    """The translator of the locales shipped with the bot, one per process: a locale never
    changes once parsed, and parsing all 13 takes a third of a second (which every bot start
    in a test suite would pay again)."""
    return Translator()
