"""Fluent translations, one folder per language under ``locales/``, and locale-aware formatting.

A key missing in a language falls back to English at run time (logged as a warning); the test
suite allows no missing key (``python -m bot i18n check``).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from fluent.runtime import FluentBundle, FluentResource

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"

# Picker order: roughly by number of speakers in India. Telegram's language_code hint only moves
# a likely choice to the front; it never picks for the user.
LANGUAGE_ORDER = ("hi", "bn", "mr", "te", "ta", "gu", "ur", "kn", "or", "ml", "pa", "as", "en")

# CLDR locale used for dates and numbers (English as written in India: "1 June 2013").
_BABEL_LOCALE = {"en": "en_IN"}

RTL_LANGUAGES = frozenset({"ur"})
INDIA = ZoneInfo("Asia/Kolkata")


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
        text, errors = bundle.format_pattern(message.value, args)
        for error in errors:
            log.warning(
                "i18n.format_error", extra={"language": code, "key": key, "error": str(error)}
            )
        return str(text)

    def format_date(self, code: str, value: date) -> str:
        return str(format_date(value, "long", locale=_BABEL_LOCALE.get(code, code)))

    def format_datetime(self, code: str, value: datetime) -> str:
        """A moment as people in India read it: Indian Standard Time, the user's locale."""
        locale = _BABEL_LOCALE.get(code, code)
        return str(format_datetime(value, "medium", tzinfo=INDIA, locale=locale))

    def pick_first(self, telegram_language_code: str | None) -> str | None:
        """The language to put first in the picker, from Telegram's ``language_code`` hint."""
        if not telegram_language_code:
            return None
        base = telegram_language_code.split("-")[0].lower()
        return base if base in self._files else None


def babel_locale(code: str) -> str:
    """The CLDR locale that formats dates and numbers for the bot's language ``code``."""
    return _BABEL_LOCALE.get(code, code)


@functools.cache
def shared_translator() -> Translator:
    """The translator of the locales shipped with the bot, one per process: a locale never
    changes once parsed, and parsing all 13 takes a third of a second (which every bot start
    in a test suite would pay again)."""
    return Translator()
