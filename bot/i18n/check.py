"""Translator tooling: ``python -m bot i18n check``.

Lists, per locale, missing and extra keys, variables that differ from English, plural (and
other) selectors English has and the locale dropped, messages left identical to English, Fluent
syntax errors, markup Telegram would reject, bidi marks where they do not belong and commands or
codes a right-to-left language would show mirrored, messages over Telegram's limits, and consent
notices changed without a version bump. It reads every ``*.ftl`` file of a locale's folder.
Exits non-zero on any problem. The test suite runs the same checks.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax import FluentParser, ast

from bot.i18n.notices import (
    NOTICE_KINDS,
    SELF_SERVICE,
    NoticeKind,
    load_registry,
    notice_source_sha256,
)
from bot.i18n.translator import (
    LOCALES_DIR,
    LRM,
    RLM,
    RTL_LANGUAGES,
    selector_names,
    strong_direction,
)

REFERENCE = "en"
MESSAGE_LIMIT = 4096  # Telegram: characters in a message
CAPTION_LIMIT = 1024  # Telegram: characters in a photo caption
BUTTON_LIMIT = 32  # what fits on a phone screen in a two-button row
# Keys whose English text may stand in another locale (names, codes).
IDENTICAL_ALLOWED: frozenset[str] = frozenset()
# The longest caption we send: received-number line + captcha prompt (+ a retry line).
CAPTION_KEYS = ("aadhaar-received", "captcha-prompt", "captcha-wrong", "error-upstream-retry")
SAMPLE_ARGS: dict[str, object] = {
    "masked": "XXXX XXXX 1096",
    "count": 11,
    "left": 2,
    "seconds": 30,
    "language": "English",
    "bank": "STATE BANK OF INDIA",
    "status": "Active",
    "date": "1 June 2013",
    "limit": 5,
    "time": "27 Nov 2026, 12:00:00 am",
    "operator": "Example Bank Ltd. Financial Inclusion Department",
    "checkDays": 180,
    "consentDays": 2555,
    "grievance": "grievance.officer@example-bank.co.in, 1800-000-0000",
    # field agents and operators
    "link": "https://t.me/seeding_bot?start=Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0",
    "label": "Ravi Kumar (Sitapur BC point)",
    "agent": "5550001",
    "checks": 12,
    "first": "9 January 2026",
    "last": "15 January 2026",
    "outcome": "active",
    "percent": "8.3",
    "errors": 1,
    "calls": 12,
    "open": "yes",
    "consents": 2,
    "withdrawn": 1,
    "otps": 3,
    # check references and the customer's rights (locales/*/rights.ftl)
    "reference": "7KQ4-M9XD-R2E",
    "who": "for a customer, by agent 5550001 (Ravi Kumar)",
    "consent": "given at 15 Jan 2026, 12:00 pm (notice assisted-notice-hi, version 1)",
    "notice": "assisted-notice-hi",
    "version": "1",
    "user": "7001",
    # charts, /stats agents, the digest, capacity (locales/*/reports.ftl)
    "span": "today",
    "about": "yes",
    "budget": 10000,
    "plan": "business",
    "group": "active",
    "mix": "8 active, 2 inactive",
    "when": "15 Jan 2026, 12:00 pm",
    "days": 4,
    "active": 30,
    "inactive": 5,
    "not_seeded": 3,
    "stopped": 2,
    # the waiting room (locales/*/waiting.ftl)
    "minutes": 12,
    "place": 7,
    "waiting": 14,
}
_BIDI = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Embeddings, overrides and isolates: never in a message (Telegram Desktop mishandles isolates;
# overrides can disguise text). Right-to-left languages use the marks LRM and RLM only.
_BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
# A command as people type it (not the path of a link), and a number joined by hyphens (a date
# like 2026-01-31, a phone number): in right-to-left text, without a left-to-right mark before
# it, "/forget" shows as "forget/" and 2026-01-31 as 31-01-2026.
_COMMAND = re.compile(r"(?<![\w/.:<])/[a-z][a-z_]*")
_HYPHENATED = re.compile(r"(?<![\w-])\d+(?:[-+]\d+)+")
_TAG = re.compile(r"</?([a-zA-Z]+)[^>]*>")


@dataclass(frozen=True, slots=True)
class Problem:
    locale: str
    key: str
    kind: str
    detail: str = ""

    def __str__(self) -> str:
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.locale} {self.key}: {self.kind}{detail}"


def parse_messages(path: Path) -> tuple[dict[str, ast.Message], list[str]]:
    resource = FluentParser().parse(path.read_text(encoding="utf-8"))
    junk = [(e.content or "").strip()[:60] for e in resource.body if isinstance(e, ast.Junk)]
    messages = {e.id.name: e for e in resource.body if isinstance(e, ast.Message)}
    return messages, junk


def variables(node: ast.BaseNode) -> set[str]:
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, ast.VariableReference):
            found.add(value.id.name)
        if isinstance(value, ast.BaseNode):
            for child in vars(value).values():
                for item in child if isinstance(child, list) else [child]:
                    walk(item)

    walk(node)
    return found


def locales(locales_dir: Path = LOCALES_DIR) -> list[str]:
    return sorted(p.name for p in locales_dir.iterdir() if (p / "bot.ftl").exists())


def _files(code: str, locales_dir: Path) -> list[Path]:
    """Every Fluent file of a locale (the bot loads them all: bot.ftl and one per feature)."""
    return sorted((locales_dir / code).glob("*.ftl"))


def locale_messages(code: str, locales_dir: Path) -> tuple[dict[str, ast.Message], list[str]]:
    messages: dict[str, ast.Message] = {}
    junk: list[str] = []
    for path in _files(code, locales_dir):
        found, bad = parse_messages(path)
        messages.update(found)
        junk += bad
    return messages, junk


def check_locale(code: str, locales_dir: Path = LOCALES_DIR) -> list[Problem]:
    reference, _ = locale_messages(REFERENCE, locales_dir)
    messages, junk = locale_messages(code, locales_dir)
    problems = [Problem(code, "-", "syntax", text) for text in junk]
    problems += [Problem(code, k, "missing") for k in reference if k not in messages]
    problems += [Problem(code, k, "extra") for k in messages if k not in reference]
    for key in reference.keys() & messages.keys():
        expected, actual = variables(reference[key]), variables(messages[key])
        if expected != actual:
            detail = f"expected {sorted(expected)}, found {sorted(actual)}"
            problems.append(Problem(code, key, "variables", detail))
        dropped = selector_names(reference[key]) - selector_names(messages[key])
        if dropped:
            detail = f"English chooses a form by {sorted(dropped)} (e.g. singular and plural)"
            problems.append(Problem(code, key, "selector-missing", detail))
    problems += list(_rendering_problems(code, locales_dir, set(reference) & set(messages)))
    problems += list(_notice_problems(code, locales_dir))
    return problems


def _bundle(code: str, locales_dir: Path) -> FluentBundle:
    bundle = FluentBundle([code], use_isolating=False)
    for path in _files(code, locales_dir):
        bundle.add_resource(FluentResource(path.read_text("utf-8")))
    return bundle


def _render(bundle: FluentBundle, key: str) -> tuple[str, list[Exception]]:
    pattern = bundle.get_message(key).value
    if pattern is None:
        return "", [ValueError("message has no value")]
    text, errors = bundle.format_pattern(pattern, SAMPLE_ARGS)
    return str(text), list(errors)


def _rendering_problems(code: str, locales_dir: Path, keys: set[str]) -> Iterator[Problem]:
    bundle = _bundle(code, locales_dir)
    english = _bundle(REFERENCE, locales_dir)
    for key in sorted(keys):
        text, errors = _render(bundle, key)
        for error in errors:
            yield Problem(code, key, "format", str(error))
        tags = [m.group(1).lower() for m in _TAG.finditer(text)]
        if set(tags) - {"b"} or text.count("<b>") != text.count("</b>"):
            yield Problem(code, key, "markup", "only balanced <b>…</b> is allowed")
        yield from _bidi_problems(code, key, text)
        if len(text) > MESSAGE_LIMIT:
            yield Problem(code, key, "too-long", f"{len(text)} > {MESSAGE_LIMIT}")
        if key.endswith("-button") and len(text) > BUTTON_LIMIT:
            yield Problem(code, key, "button-too-long", f"{len(text)} > {BUTTON_LIMIT}")
        if code != REFERENCE and key not in IDENTICAL_ALLOWED and text == _render(english, key)[0]:
            yield Problem(code, key, "identical-to-english")
    caption = "\n\n".join(_render(bundle, key)[0] for key in CAPTION_KEYS if key in keys)
    if len(caption) > CAPTION_LIMIT:
        yield Problem(code, "captcha caption", "too-long", f"{len(caption)} > {CAPTION_LIMIT}")


def _bidi_problems(code: str, key: str, text: str) -> Iterator[Problem]:
    """Left-to-right languages need no direction marks. In a right-to-left one, a command or a
    hyphenated number must be shown left to right: an LRM right before a command, and an LRM or
    left-to-right text before a number (its last strong character). An LRM stands only before a
    command or code, an RLM only at the start of a line (it makes the line right to left)."""
    if code not in RTL_LANGUAGES:
        if _BIDI.search(text):
            yield Problem(code, key, "bidi", "direction marks are for right-to-left languages")
        return
    if _BIDI_CONTROLS.search(text):
        detail = "only U+200E (LRM) and U+200F (RLM): no embeddings, overrides or isolates"
        yield Problem(code, key, "bidi", detail)
    for match in re.finditer(f"[{LRM}{RLM}]", text):
        at, after = match.start(), text[match.end() : match.end() + 1]
        if match.group() == LRM and not re.match(r"[/+0-9A-Za-z]", after):
            yield Problem(code, key, "bidi", f"U+200E (LRM) at {at} is not before a command/code")
        if match.group() == RLM and at > 0 and text[at - 1] != "\n":
            yield Problem(code, key, "bidi", f"U+200F (RLM) at {at} is not at a line's start")
    for match in _COMMAND.finditer(text):
        if text[match.start() - 1 : match.start()] == LRM:
            continue
        command = match.group()
        detail = f"{command} shows as {command[1:]}/: put U+200E (LRM) right before it"
        yield Problem(code, key, "bidi-mirrored", detail)
    for match in _HYPHENATED.finditer(text):
        line_before = text[: match.start()].rsplit("\n", 1)[-1]
        if strong_direction(line_before[::-1]) == "R":
            number = match.group()
            shown = "-".join(reversed(re.split("[-+]", number)))
            detail = f"{number} shows as {shown}: put U+200E (LRM) right before it"
            yield Problem(code, key, "bidi-mirrored", detail)


def _notice_problems(code: str, locales_dir: Path) -> Iterator[Problem]:
    for kind in NOTICE_KINDS:
        try:
            source = notice_source_sha256(code, locales_dir, kind.key)
        except KeyError:
            continue  # reported as a missing key
        path = locales_dir / kind.registry
        entry = (load_registry(path) if path.exists() else {}).get(code)
        if entry is None:
            yield Problem(
                code, kind.key, "notice-unregistered", f"add it to locales/{kind.registry}"
            )
        elif entry.source_sha256 != source:
            yield Problem(
                code,
                kind.key,
                "notice-changed",
                f"text changed without a version bump: bump 'version' (now {entry.version}) and "
                f"set source_sha256 to {source} in locales/{kind.registry} "
                f"(python -m bot i18n bump-notice {code} {kind.key})",
            )


def check_all(locales_dir: Path = LOCALES_DIR) -> list[Problem]:
    return [problem for code in locales(locales_dir) for problem in check_locale(code, locales_dir)]


def bump_notice(
    code: str, locales_dir: Path = LOCALES_DIR, kind: NoticeKind = SELF_SERVICE
) -> str:
    """Record a new notice version for ``code`` (after its text was changed and reviewed)."""
    path = locales_dir / kind.registry
    raw = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    entry = raw.get(code)
    version = str(int(entry["version"]) + 1) if entry else "1"
    source = notice_source_sha256(code, locales_dir, kind.key)
    raw[code] = {"version": version, "source_sha256": source}
    path.write_text(json.dumps(raw, indent=2, ensure_ascii=False, sort_keys=True) + "\n", "utf-8")
    return version


USAGE = (
    "usage: python -m bot i18n check | python -m bot i18n bump-notice LANG "
    f"[{' | '.join(kind.key for kind in NOTICE_KINDS)}]"
)


def main(argv: list[str]) -> int:
    kinds = {kind.key: kind for kind in NOTICE_KINDS}
    if argv[:1] == ["bump-notice"] and len(argv) in (2, 3):
        kind = kinds.get(argv[2] if len(argv) == 3 else SELF_SERVICE.key)
        if kind is None:
            print(USAGE, file=sys.stderr)
            return 2
        print(f"{argv[1]}: {kind.key} is now version {bump_notice(argv[1], kind=kind)}")
        return 0
    if argv[:1] != ["check"]:
        print(USAGE, file=sys.stderr)
        return 2
    exit_code = 0
    for code in locales():
        problems = check_locale(code)
        print(f"{code}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
        for problem in problems:
            print(f"  {problem}")
        exit_code = exit_code or (1 if problems else 0)
    return exit_code
