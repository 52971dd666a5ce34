"""Locale parity and limits (issue: every citizen in their own language)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel import Locale
from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax import ast as FTL

from bot.i18n.check import Problem, bump_notice, check_locale, locales
from bot.i18n.notices import notice_source_sha256
from bot.i18n.translator import LOCALES_DIR, LRM, RLM, Translator, directional

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
    with caplog.at_level("WARNING", logger="bot.i18n.translator"):
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


# --- Right-to-left text: commands and codes shown left to right (issue 13) ---------------------


def _copy_locales(tmp_path: Path, codes: tuple[str, ...]) -> Path:
    copy = tmp_path / "locales"
    for code in codes:
        (copy / code).mkdir(parents=True)
        for source in (LOCALES_DIR / code).glob("*.ftl"):
            (copy / code / source.name).write_text(source.read_text("utf-8"), "utf-8")
    (copy / "notices.json").write_text((LOCALES_DIR / "notices.json").read_text("utf-8"), "utf-8")
    return copy


def _edit(copy: Path, code: str, old: str, new: str) -> None:
    path = copy / code / "bot.ftl"
    source = path.read_text("utf-8")
    assert source.count(old) == 1, old
    path.write_text(source.replace(old, new), "utf-8")


def _bidi(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.kind.startswith("bidi")]


def test_the_check_catches_a_mirrored_command_in_urdu(tmp_path: Path) -> None:
    copy = _copy_locales(tmp_path, ("en", "ur"))
    assert not _bidi(check_locale("ur", copy))

    # The mark dropped before /start: Telegram would show "start/" inside the Urdu sentence.
    _edit(
        copy,
        "ur",
        "کے لیے { -lrm }/start بھیجیں۔\nnumber-outside",
        "کے لیے /start بھیجیں۔\nnumber-outside",
    )
    problems = _bidi(check_locale("ur", copy))
    assert [(p.key, p.kind) for p in problems] == [("idle-hint", "bidi-mirrored")]
    assert "/start shows as start/" in problems[0].detail


def test_the_check_catches_a_mirrored_date_and_misplaced_marks(tmp_path: Path) -> None:
    copy = _copy_locales(tmp_path, ("en", "ur", "hi"))
    # A date after Urdu words, with no mark: its parts would read 31-01-2026.
    _edit(copy, "ur", "stats-none = کوئی جانچ نہیں۔", "stats-none = کوئی جانچ نہیں، 2026-01-31 تک۔")
    # An isolate (Telegram Desktop mishandles them), and a mark that guards nothing.
    _edit(copy, "ur", "stale-button = یہ", 'stale-button = { "\\u2068" }یہ')
    _edit(copy, "ur", "cancelled = جانچ", "cancelled = { -lrm }جانچ")
    # Any mark in a left-to-right language.
    _edit(copy, "hi", "stats-none = ", 'stats-none = { "\\u200E" }')
    found = {(p.key, p.kind) for p in _bidi(check_locale("ur", copy) + check_locale("hi", copy))}
    assert found == {
        ("stats-none", "bidi-mirrored"),
        ("stale-button", "bidi"),
        ("cancelled", "bidi"),
        ("stats-none", "bidi"),
    }
    details = [p.detail for p in check_locale("ur", copy) if p.kind == "bidi-mirrored"]
    assert details == ["2026-01-31 shows as 31-01-2026: put U+200E (LRM) right before it"]


def test_urdu_commands_carry_a_left_to_right_mark(translator: Translator) -> None:
    notice = translator.t(
        "ur", "consent-notice", operator="O", grievance="G", checkDays=1, consentDays=2
    )
    assert f"{LRM}/forget " in notice
    for line in translator.t("ur", "help-text").splitlines()[-6:]:
        assert line.startswith(f"{RLM}{LRM}/"), "a right-to-left line, the command left to right"


def test_urdu_variables_keep_their_own_direction(translator: Translator) -> None:
    # Numbers and Latin text are marked left to right where they start or end without a letter;
    # values that start and end with letters (a link) are left alone.
    assert translator.t("ur", "revoke-not-agent", agent="5550001").startswith(
        f"نمبر {LRM}5550001{LRM} "
    )
    privacy = translator.t(
        "ur", "privacy-text", checkDays=1, consentDays=2, grievance="1800-000-0000"
    )
    assert f"{LRM}1800-000-0000{LRM}۔" in privacy
    label = translator.t("ur", "invite-label", label="(سیتاپور)")
    assert label == f"نام: {RLM}(سیتاپور){RLM}", "Urdu text between brackets: right to left"
    link = "https://t.me/bot?start=abc"
    assert f"\n{link}\n" in translator.t("ur", "invite-created", link=link, time="T")
    # A value a message selects on reaches Fluent unchanged.
    assert translator.t("ur", "check-outcome", outcome="active") == "چالو (Active)"
    assert directional("1800-000-0000") == f"{LRM}1800-000-0000{LRM}"
    # Left-to-right languages get no marks at all.
    assert translator.t("hi", "revoke-not-agent", agent="5550001").startswith("5550001 ")


# --- Plurals, times, words people hear at the bank ------------------------------------------------


def _limit_select(code: str, key: str) -> tuple[FluentBundle, FTL.SelectExpression]:
    bundle = FluentBundle([code], use_isolating=False)
    for path in sorted((LOCALES_DIR / code).glob("*.ftl")):
        bundle.add_resource(FluentResource(path.read_text("utf-8")))
    value = bundle.get_message(key).value
    # The compiled message is a pattern, or the one placeable it holds.
    for element in getattr(value, "elements", [value]):
        expression = getattr(element, "expression", None)
        if isinstance(expression, FTL.SelectExpression):
            return bundle, expression
    raise AssertionError(f"{code} {key}: no plural select")


@pytest.mark.parametrize("code", ALL_LOCALES)
@pytest.mark.parametrize("key", ["daily-cap-reached", "agent-cap-reached"])
def test_a_limit_of_one_takes_the_singular(translator: Translator, code: str, key: str) -> None:
    bundle, select = _limit_select(code, key)
    assert isinstance(select.selector, FTL.VariableReference) and select.selector.id.name == "limit"
    variants = {variant.key.name: variant for variant in select.variants}
    assert Locale.parse(code).plural_form(1) == "one" and "one" in variants
    args = {"limit": 1, "time": "TIME"}
    singular, _ = bundle.format_pattern(variants["one"].value, args)
    assert translator.t(code, key, **args) == singular
    assert "TIME" in singular and "1" in singular


def test_english_says_one_otp(translator: Translator) -> None:
    assert "only 1 OTP can be sent" in translator.t("en", "daily-cap-reached", limit=1, time="T")
    assert "run 1 check for a customer" in translator.t(
        "en", "agent-cap-reached", limit=1, time="T"
    )


@pytest.mark.parametrize("code", ALL_LOCALES)
def test_times_are_shown_to_the_minute(translator: Translator, code: str) -> None:
    moment = datetime(2026, 11, 27, 10, 12, 37, tzinfo=UTC)  # 15:42:37 in India
    shown = translator.format_datetime(code, moment)
    assert "42" in shown and "37" not in shown, shown
    assert not re.search(r"\d[:.]\d\d[:.]\d\d", shown), shown


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("en", "27 Nov 2026, 3:42\u202fpm"),  # CLDR: a narrow no-break space
        ("hi", "27 नव॰ 2026, 3:42 pm"),
        ("as", "27-11-2026 3:42 PM"),  # CLDR's own would be "PM 3.42.37"
        ("ur", "27 نومبر، 2026 3:42 PM"),
    ],
)
def test_times_read_the_locale_s_way(translator: Translator, code: str, expected: str) -> None:
    moment = datetime(2026, 11, 27, 10, 12, 37, tzinfo=UTC)
    assert translator.format_datetime(code, moment) == expected


@pytest.mark.parametrize("code", ALL_LOCALES)
def test_status_shows_the_english_word_heard_at_the_bank(translator: Translator, code: str) -> None:
    for key, outcome, word in (
        ("result-status-active", "active", "Active"),
        ("result-status-inactive", "inactive", "Inactive"),
    ):
        shown = translator.t(code, key)
        assert word in shown and (code == "en" or shown.endswith(f" ({word})")), shown
        assert translator.t(code, "check-outcome", outcome=outcome) == shown


@pytest.mark.parametrize("code", ALL_LOCALES)
def test_agent_help_quotes_the_button_as_it_reads(translator: Translator, code: str) -> None:
    label = translator.t(code, "assist-customer-button").split(" ", 1)[1]  # without the emoji
    assert f'"{label}"' in translator.t(code, "help-agent")
