"""The consent notices: their id and version per language, and the hash of the exact text shown.

Two notices: the self-service one (``consent-notice``), and the assisted one
(``assisted-notice``) that an agent reads aloud to a customer or hands over, which speaks of the
customer's number and OTP, the agent, and how to use their rights without Telegram.
``locales/notices.json`` and ``locales/assisted-notices.json`` pin, for each language, the
notice's version and the sha256 of its Fluent source. A test fails when the source changes but
the version does not, so a consent record's (id, version) always names one wording.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from fluent.syntax import FluentParser, FluentSerializer, ast

from bot.i18n.translator import LOCALES_DIR, Translator

NOTICE_KEY = "consent-notice"
NOTICE_REGISTRY = LOCALES_DIR / "notices.json"
ASSISTED_NOTICE_KEY = "assisted-notice"
ASSISTED_NOTICE_REGISTRY = LOCALES_DIR / "assisted-notices.json"
PURPOSE = "bank-aadhaar-seeding-status-check"


@dataclass(frozen=True, slots=True)
class NoticeKind:
    """One notice: its Fluent message key and the name of its registry under ``locales/``."""

    key: str
    registry: str


SELF_SERVICE = NoticeKind(NOTICE_KEY, NOTICE_REGISTRY.name)
ASSISTED = NoticeKind(ASSISTED_NOTICE_KEY, ASSISTED_NOTICE_REGISTRY.name)
NOTICE_KINDS = (SELF_SERVICE, ASSISTED)


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


def notice_source_sha256(
    language: str, locales_dir: Path = LOCALES_DIR, key: str = NOTICE_KEY
) -> str:
    """Hash of the notice message's Fluent source, serialized canonically (comments excluded)."""
    for file in sorted((locales_dir / language).glob("*.ftl")):
        resource = FluentParser(with_spans=False).parse(file.read_text(encoding="utf-8"))
        for entry in resource.body:
            if isinstance(entry, ast.Message) and entry.id.name == key:
                entry.comment = None
                source = FluentSerializer().serialize_entry(entry)
                return sha256_text(source)
    raise KeyError(f"{language}: no {key}")


class Notices:
    def __init__(
        self,
        translator: Translator,
        registry: dict[str, NoticeVersion],
        assisted_registry: dict[str, NoticeVersion] | None = None,
    ) -> None:
        self._translator = translator
        self._registry = registry
        self._assisted = (
            load_registry(ASSISTED_NOTICE_REGISTRY)
            if assisted_registry is None
            else assisted_registry
        )

    def render(self, language: str, **variables: object) -> RenderedNotice:
        """The self-service notice, in ``language`` (English if it has none)."""
        return self._render(NOTICE_KEY, self._registry, language, variables)

    def render_assisted(self, language: str, **variables: object) -> RenderedNotice:
        """The notice an agent reads aloud to a customer or hands over, in ``language``."""
        return self._render(ASSISTED_NOTICE_KEY, self._assisted, language, variables)

    def _render(
        self,
        key: str,
        registry: dict[str, NoticeVersion],
        language: str,
        variables: dict[str, object],
    ) -> RenderedNotice:
        entry = registry.get(language) or registry["en"]
        if language not in registry:
            language = "en"
        text = self._translator.t(language, key, **variables)
        return RenderedNotice(f"{key}-{language}", entry.version, language, text)
