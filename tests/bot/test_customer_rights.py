"""Issue 13 without the harness: check references, the OTP warning in every language, the
operator's identity (required with a real vendor, translated placeholders with the sandbox)."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings
from bot.domain.references import (
    ALPHABET,
    canonical,
    check_symbol,
    display,
    new_reference,
    reference_hash,
)
from bot.i18n.check import bump_notice, check_locale, locales
from bot.i18n.notices import ASSISTED
from bot.i18n.translator import LOCALES_DIR, Translator
from bot.store.base import CheckRecord, ConsentRecord
from bot.store.factory import open_store
from testing.cli import run_bot

TRANSLATOR = Translator()
ALL_LOCALES = locales()
MASKED = "XXXX XXXX 1096"


# --- check references ---


def test_a_reference_is_eleven_unambiguous_symbols_in_three_groups() -> None:
    references = {new_reference() for _ in range(2000)}
    assert len(references) == 2000, "random: no repeats in 2000"
    for reference in references:
        assert len(reference) == 11 and set(reference) <= set(ALPHABET)
        assert canonical(reference) == reference
        assert canonical(display(reference).lower()) == reference  # read back in any case
        assert canonical(" ".join(display(reference).split("-"))) == reference
    assert not set("01OIL") & set(ALPHABET), "nothing that reads as another symbol"
    used = {symbol for reference in references for symbol in reference[:-1]}
    assert used == set(ALPHABET), "every symbol is drawn"
    assert display("7KQ4M9XDR2E") == "7KQ4-M9XD-R2E"
    assert canonical("7kq4-m9xd-r2e") == "7KQ4M9XDR2E", "the example in the messages and docs"


def test_the_check_symbol_catches_every_single_wrong_symbol() -> None:
    for _ in range(200):
        reference = new_reference()
        for i, right in enumerate(reference):
            for wrong in ALPHABET.replace(right, ""):
                assert canonical(reference[:i] + wrong + reference[i + 1 :]) is None


def test_the_check_symbol_catches_most_swapped_neighbours() -> None:
    swaps = caught = 0
    for _ in range(500):
        reference = new_reference()
        for i in range(10):
            if reference[i] != reference[i + 1]:
                swaps += 1
                swapped = reference[:i] + reference[i + 1] + reference[i] + reference[i + 2 :]
                caught += canonical(swapped) is None
    assert caught / swaps > 0.99, f"{caught} of {swaps}"


@pytest.mark.parametrize("text", ["", "7KQ4-M9XD-R2", "7KQ4-M9XD-R2EW", "0KQ4-M9XD-R2W", "à" * 11])
def test_what_is_not_a_reference(text: str) -> None:
    assert canonical(text) is None


def test_the_store_gets_a_hash_that_names_one_reference() -> None:
    payload = "7KQ4M9XDR2"
    reference = payload + check_symbol(payload)
    assert canonical(reference) == reference
    digest = reference_hash(reference)
    assert len(digest) == 64 and reference not in digest
    assert reference_hash(canonical(display(reference).lower()) or "") == digest


async def test_the_command_line_looks_up_and_erases_a_reference(tmp_path: Path) -> None:
    """``python -m bot lookup|erase`` as an operator runs them, on a customer's check."""
    database = f"sqlite:///{tmp_path}/bot.db"
    reference = new_reference()
    at = datetime(2026, 1, 15, 6, 30, tzinfo=UTC)
    store = await open_store(database)
    try:
        consent_id = await store.record_consent(
            ConsentRecord(5550001, 5550001, at, "assisted-notice-ta", "1", "ab" * 32, "ta",
                          "bank-aadhaar-seeding-status-check", "given", 5550001, "attested")
        )  # fmt: skip
        await store.log_check(
            CheckRecord(at, 5550001, 5550001, "1096", "active", "STATE BANK OF INDIA", "ACTIVE",
                        "ta", 5550001, 900, consent_id, reference_hash(reference))
        )  # fmt: skip
    finally:
        await store.close()

    shown = run_bot(tmp_path, "lookup", display(reference).lower(), DATABASE_URL=database)
    assert shown.returncode == 0, shown.stderr
    assert "XXXX XXXX 1096" in shown.stdout and "assisted-notice-ta, version 1" in shown.stdout
    assert "<b>" not in shown.stdout, "plain text on a terminal"
    asked = run_bot(tmp_path, "erase", reference, DATABASE_URL=database, stdin_text="no\n")
    assert asked.returncode == 1 and asked.stdout.rstrip().endswith("Nothing was erased.")
    hindi = run_bot(tmp_path, "erase", reference, "--yes", "--lang", "hi", DATABASE_URL=database)
    assert hindi.returncode == 0, hindi.stderr
    assert TRANSLATOR.t("hi", "reference-erase-customer") in hindi.stdout
    gone = run_bot(tmp_path, "lookup", reference, DATABASE_URL=database)
    assert gone.returncode == 1 and "Nothing is kept for this reference" in gone.stdout
    wrong = run_bot(tmp_path, "lookup", "0OIL-0OIL-0OI", DATABASE_URL=database)
    assert wrong.returncode == 2 and "not a check reference" in wrong.stderr
    store = await open_store(database)
    try:
        [kept] = await store.consents_for_user(5550001)
        assert kept.outcome == "given" and kept.withdrawn_at is not None
        assert await store.checks_between(at, datetime(2026, 2, 1, tzinfo=UTC)) == []
    finally:
        await store.close()


# --- the OTP warning, in every language ---


@pytest.mark.parametrize("language", ALL_LOCALES)
def test_the_otp_prompts_warn_against_otp_fraud(language: str) -> None:
    own = TRANSLATOR.t(language, "otp-sent", masked=MASKED)
    customer = TRANSLATOR.t(language, "otp-sent-assisted", masked=MASKED)
    english_own = TRANSLATOR.t("en", "otp-sent", masked=MASKED)
    for text in (own, customer):
        paragraphs = text.split("\n\n")
        warning = paragraphs[-1]
        assert warning.startswith("⚠️ ") and "UIDAI" in warning, warning
        assert MASKED in paragraphs[0]
    assert len(own.split("\n\n")) == 3 and len(customer.split("\n\n")) == 3
    assert own != customer, "the customer's says to tell it only to the agent with them"
    assert "10" in customer.split("\n\n")[1], "typed within 10 minutes, deleted at once"
    if language != "en":
        assert own != english_own and "anyone who calls" not in own


# --- the operator's identity ---


def test_a_real_vendor_needs_the_operator_and_the_grievance_contact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEEPVUE_BASE_URL", "https://production.deepvue.tech")
    monkeypatch.setenv("DEEPVUE_CLIENT_ID", "client")
    monkeypatch.setenv("DEEPVUE_CLIENT_SECRET", "secret-value")
    monkeypatch.setenv("OPERATOR_NAME", "  ")  # blank is unset
    with pytest.raises(SettingsError) as both:
        load_settings(_env_file=None)
    assert "OPERATOR_NAME and GRIEVANCE_CONTACT are required" in str(both.value)
    assert "\n" not in str(both.value) and "secret-value" not in str(both.value)

    monkeypatch.setenv("OPERATOR_NAME", "Example Bank Ltd.")
    with pytest.raises(SettingsError, match=r"^Invalid configuration: GRIEVANCE_CONTACT is req"):
        load_settings(_env_file=None)

    monkeypatch.setenv("GRIEVANCE_CONTACT", "grievance@example-bank.in")
    settings = load_settings(_env_file=None)
    assert (settings.operator_name, settings.grievance_contact) == (
        "Example Bank Ltd.",
        "grievance@example-bank.in",
    )


def test_start_up_stops_before_any_network_without_operator_details(tmp_path: Path) -> None:
    """``python -m bot run`` with a real vendor and no operator details: one line, exit 2, and
    not one connection to the Bot API or the vendor (both point at a socket that counts them),
    no database file."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        result = run_bot(
            tmp_path,
            "run",
            TELEGRAM_BASE_URL=f"{url}/bot",
            DEEPVUE_BASE_URL=url,
            DEEPVUE_CLIENT_ID="client",
            DEEPVUE_CLIENT_SECRET="secret",
            DATABASE_URL=f"sqlite:///{tmp_path}/bot.db",
            OPERATOR_NAME="",
            GRIEVANCE_CONTACT="",
        )
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Invalid configuration: OPERATOR_NAME and GRIEVANCE_CONTACT are")
    assert not (tmp_path / "bot.db").exists()


@pytest.mark.parametrize("language", ALL_LOCALES)
def test_the_sandbox_names_a_test_operator_in_each_language(language: str) -> None:
    operator = TRANSLATOR.t(language, "operator-placeholder")
    grievance = TRANSLATOR.t(language, "grievance-placeholder")
    if language != "en":
        assert operator != TRANSLATOR.t("en", "operator-placeholder")
        assert grievance != TRANSLATOR.t("en", "grievance-placeholder")
    days = {"checkDays": 180, "consentDays": 2555}
    notice = TRANSLATOR.t(
        language, "consent-notice", operator=operator, grievance=grievance, **days
    )
    privacy = TRANSLATOR.t(language, "privacy-text", grievance=grievance, **days)
    assert operator in notice and grievance in notice and grievance in privacy
    for text in (notice, privacy):
        assert "operator of this bot" not in text and "grievance officer" not in text


# --- the assisted notice's version ---


def test_a_changed_assisted_notice_without_a_version_bump_fails(tmp_path: Path) -> None:
    copy = tmp_path / "locales"
    (copy / "hi").mkdir(parents=True)
    source = (LOCALES_DIR / "hi" / "rights.ftl").read_text("utf-8")
    (copy / "hi" / "bot.ftl").write_text((LOCALES_DIR / "hi" / "bot.ftl").read_text("utf-8"))
    (copy / "hi" / "rights.ftl").write_text(source, "utf-8")
    for registry in ("notices.json", ASSISTED.registry):
        (copy / registry).write_text((LOCALES_DIR / registry).read_text("utf-8"), "utf-8")
    assert not [p for p in check_locale("hi", copy) if p.kind.startswith("notice")]

    (copy / "hi" / "rights.ftl").write_text(source.replace("सहमत हैं?", "राज़ी हैं?"), "utf-8")
    changed = [p for p in check_locale("hi", copy) if p.kind.startswith("notice")]
    assert [(p.key, p.kind) for p in changed] == [("assisted-notice", "notice-changed")]

    before = json.loads((copy / ASSISTED.registry).read_text("utf-8"))["hi"]["version"]
    assert bump_notice("hi", copy, ASSISTED) == str(int(before) + 1)
    assert not [p for p in check_locale("hi", copy) if p.kind.startswith("notice")]
    registry = json.loads((copy / "notices.json").read_text("utf-8"))
    assert registry == json.loads((LOCALES_DIR / "notices.json").read_text("utf-8")), "untouched"
