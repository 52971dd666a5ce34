"""Locale parity and limits (issue: every citizen in their own language)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.i18n import LOCALES_DIR, Translator
from bot.i18n_check import bump_notice, check_locale, locales
from bot.notices import notice_source_sha256

ALL_LOCALES = locales()


@pytest.fixture(scope="module")
def translator() -> Translator:
    return Translator()


@pytest.mark.parametrize("code", ALL_LOCALES)
def test_locale_has_no_problem(code: str) -> None:
    problems = check_locale(code)
    assert not problems, "\n".join(map(str, problems))


def test_a_changed_notice_without_a_version_bump_fails(tmp_path: Path) -> None:
    copy = tmp_path / "locales"
    (copy / "en").mkdir(parents=True)
    source = (LOCALES_DIR / "en" / "bot.ftl").read_text("utf-8")
    (copy / "en" / "bot.ftl").write_text(source, "utf-8")
    (copy / "notices.json").write_text((LOCALES_DIR / "notices.json").read_text("utf-8"), "utf-8")
    assert not [p for p in check_locale("en", copy) if p.kind.startswith("notice")]

    changed = source.replace("Do you agree to this check?", "Do you agree?")
    (copy / "en" / "bot.ftl").write_text(changed, "utf-8")
    kinds = [p.kind for p in check_locale("en", copy)]
    assert "notice-changed" in kinds

    old_version = json.loads((copy / "notices.json").read_text("utf-8"))["en"]["version"]
    new_version = bump_notice("en", copy)
    assert int(new_version) == int(old_version) + 1
    assert notice_source_sha256("en", copy) != notice_source_sha256("en")
    assert not [p for p in check_locale("en", copy) if p.kind.startswith("notice")]


def test_fallback_to_english_for_a_missing_key(
    translator: Translator, caplog: pytest.LogCaptureFixture
) -> None:
    # A key only English has: the runtime falls back and warns (the parity test forbids it).
    with caplog.at_level("WARNING", logger="bot.i18n"):
        assert translator.t("xx", "cancelled") == translator.t("en", "cancelled")
    assert [r.getMessage() for r in caplog.records] == ["i18n.missing"]


def test_hindi_plural_one_covers_zero_and_one(translator: Translator) -> None:
    if not translator.has("hi"):
        pytest.skip("no Hindi locale")
    zero = translator.t("hi", "otp-wrong", left=0)
    one = translator.t("hi", "otp-wrong", left=1)
    # CLDR: Hindi's "one" category is i = 0 or n = 1, so 0 takes the same form as 1.
    assert zero.replace("0", "1") == one


@pytest.mark.parametrize(
    ("code", "expected"),
    [("en", "1 June 2013"), ("hi", "1 जून 2013"), ("ta", "1 ஜூன், 2013"), ("ur", "1 جون، 2013")],
)
def test_dates_are_formatted_for_the_locale(
    translator: Translator, code: str, expected: str
) -> None:
    assert translator.format_date(code, date(2013, 6, 1)) == expected
