"""The consent notice: its id and version per language, and the hash of the exact text shown.

``locales/notices.json`` pins, for each language, the notice version and the sha256 of the
notice's Fluent source. A test fails when the source changes but the version does not, so a
consent record's (id, version) always names one wording.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from fluent.syntax import FluentParser, FluentSerializer, ast

from bot.i18n import LOCALES_DIR, Translator

NOTICE_KEY = "consent-notice"
NOTICE_REGISTRY = LOCALES_DIR / "notices.json"
PURPOSE = "bank-aadhaar-seeding-status-check"


@dataclass(frozen=True, slots=True)
class NoticeVersion:
    version: str
    source_sha256: str


@dataclass(frozen=True, slots=True)
class RenderedNotice:
    notice_id: str
    version: str
    language: str
    text: str

    @property
    def sha256(self) -> str:
        return sha256_text(self.text)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_registry(path: Path = NOTICE_REGISTRY) -> dict[str, NoticeVersion]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {
        lang: NoticeVersion(entry["version"], entry["source_sha256"]) for lang, entry in raw.items()
    }


def notice_source_sha256(language: str, locales_dir: Path = LOCALES_DIR) -> str:
    """Hash of the notice message's Fluent source, serialized canonically (comments excluded)."""
    for file in sorted((locales_dir / language).glob("*.ftl")):
        resource = FluentParser(with_spans=False).parse(file.read_text(encoding="utf-8"))
        for entry in resource.body:
            if isinstance(entry, ast.Message) and entry.id.name == NOTICE_KEY:
                entry.comment = None
                source = FluentSerializer().serialize_entry(entry)
                return sha256_text(source)
    raise KeyError(f"{language}: no {NOTICE_KEY}")


class Notices:
    def __init__(self, translator: Translator, registry: dict[str, NoticeVersion]) -> None:
        self._translator = translator
        self._registry = registry

    def render(self, language: str, **variables: object) -> RenderedNotice:
        entry = self._registry.get(language) or self._registry["en"]
        if language not in self._registry:
            language = "en"
        text = self._translator.t(language, NOTICE_KEY, **variables)
        return RenderedNotice(f"{NOTICE_KEY}-{language}", entry.version, language, text)
