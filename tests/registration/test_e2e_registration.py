"""Registration conversations over the REST channel against the real servers (tests/conftest.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Dict, Iterator, List, Sequence, Tuple
from zoneinfo import ZoneInfo

import pytest

from actions.registration import readback
from services.storage.applications import find_by_reference
from services.storage.db import session_scope
from services.storage.models import TaxForm, ZusOption
from services.storage.reference_numbers import parse_reference
from tests.registration.support import make_pesel, said, template_pattern
from tests.stack import dump

TODAY = datetime.now(ZoneInfo("Europe/Warsaw")).date()
PESEL = make_pesel(date(1990, 7, 15), serial=4321)
Turn = Tuple[str, str]  # what the user types, the response expected last


def texts_of(messages: List[Dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def say(stack, sender: str, text: str, expected: str, language: str) -> List[Dict]:
    messages = stack.say(sender, text)
    assert messages and template_pattern(expected, language).fullmatch(messages[-1].get("text") or ""), (
        f"after {text!r} expected {expected}, got:\n{dump(messages)}"
    )
    return messages


def converse(stack, sender: str, turns: Sequence[Turn], language: str) -> List[Dict]:
    messages: List[Dict] = []
    for text, expected in turns:
        messages = say(stack, sender, text, expected, language)
    return messages


@pytest.fixture
def logs_stay_clean(rasa_stack) -> Iterator[None]:
    """No traceback and no PESEL in the servers' logs while the test talks to them."""
    logs = [rasa_stack.workdir / name for name in ("actions.log", "rasa.log")]
    sizes = [log.stat().st_size if log.exists() else 0 for log in logs]
    yield
    for log, size in zip(logs, sizes, strict=False):
        with log.open("rb") as handle:
            handle.seek(size)
            added = handle.read().decode("utf-8", "replace")
        assert "Traceback" not in added, added[-3000:]
        assert PESEL not in added, f"PESEL in {log.name}"


PL_UNTIL_SUMMARY: List[Turn] = [
    ("Chcę zarejestrować firmę", "utter_ask_reg_first_name"),
    ("Jan", "utter_ask_reg_last_name"),
    ("Kowalski", "utter_ask_reg_pesel"),
    (PESEL, "utter_ask_reg_email"),
    ("jan.kowalski@example.com", "utter_ask_reg_phone"),
    ("601 234 567", "utter_ask_reg_residence_address"),
    ("ul. Długa 5/3, 00-238 Warszawa", "utter_ask_reg_business_address"),
    ("taki sam jak zamieszkania", "utter_ask_reg_business_name"),
    ("Jan Kowalski Moda", "utter_ask_reg_pkd_main"),
    ("sprzedaż ubrań przez internet", "utter_reg_pkd_suggestions"),
    ("1", "utter_ask_reg_pkd_extra"),
    ("47.71.Z", "utter_ask_reg_start_date"),
    ("od jutra", "utter_ask_reg_tax_form"),
    ("ryczałt", "utter_ask_reg_zus"),
    ("ulga na start", "utter_ask_reg_nip"),
    ("nie mam", "utter_reg_summary"),
]

EN_UNTIL_SUMMARY: List[Turn] = [
    ("I want to register my business now", "utter_ask_reg_first_name"),
    ("John", "utter_ask_reg_last_name"),
    ("Smith", "utter_ask_reg_pesel"),
    (PESEL, "utter_ask_reg_email"),
    ("john.smith@example.com", "utter_ask_reg_phone"),
    ("my phone number is +48 512 345 678", "utter_ask_reg_residence_address"),
    ("12 Long Street, 00-950 Warsaw", "utter_ask_reg_business_address"),
    ("Marszałkowska 10/5, 00-001 Warsaw", "utter_ask_reg_business_name"),
    ("John Smith IT Services", "utter_ask_reg_pkd_main"),
    ("software development", "utter_reg_pkd_suggestions"),
    ("62.01.Z", "utter_ask_reg_pkd_extra"),
    ("62.02.Z and 63.11.Z", "utter_ask_reg_start_date"),
    ("tomorrow", "utter_ask_reg_tax_form"),
    ("flat tax", "utter_ask_reg_zus"),
    ("full contributions", "utter_ask_reg_nip"),
    ("my NIP is 123-456-32-18", "utter_ask_reg_regon"),
    ("none", "utter_reg_summary"),
]


def submitted_reference(messages: List[Dict]) -> str:
    reference = parse_reference(texts_of(messages))
    assert reference, dump(messages)
    return reference


@pytest.mark.usefixtures("logs_stay_clean")
def test_polish_application_is_stored(rasa_stack, sender: str) -> None:
    converse(rasa_stack, sender, PL_UNTIL_SUMMARY, "pl")
    reference = submitted_reference(say(rasa_stack, sender, "tak", "utter_reg_submitted", "pl"))
    with session_scope(rasa_stack.app_db_url) as session:
        row = find_by_reference(session, reference)
        assert row is not None and row.language == "pl" and row.channel == "rest"
        assert (row.first_name, row.last_name, row.pesel, row.email, row.phone) == (
            "Jan",
            "Kowalski",
            PESEL,
            "jan.kowalski@example.com",
            "+48601234567",
        )
        assert (row.residence_street, row.residence_number, row.residence_postal_code, row.residence_city) == (
            "Długa",
            "5/3",
            "00-238",
            "Warszawa",
        )
        assert row.business_same_as_residence and row.business_postal_code == "00-238"
        assert row.business_name == "Jan Kowalski Moda"
        assert row.pkd_main == "47.91.Z" and row.pkd_extra == ["47.71.Z"]
        assert row.start_date == TODAY + timedelta(days=1)
        assert row.tax_form is TaxForm.LUMP_SUM and row.zus_option is ZusOption.START_RELIEF
        assert row.nip is None and row.regon is None


@pytest.mark.usefixtures("logs_stay_clean")
def test_english_application_is_stored(rasa_stack, sender: str) -> None:
    messages = converse(rasa_stack, sender, EN_UNTIL_SUMMARY, "en")
    assert readback.pesel(PESEL) in messages[-1]["text"] and "123-456-32-18" in messages[-1]["text"]
    assert [b["title"] for b in messages[-1]["buttons"]] == ["Yes, submit", "Change something"]
    reference = submitted_reference(say(rasa_stack, sender, "yes", "utter_reg_submitted", "en"))
    with session_scope(rasa_stack.app_db_url) as session:
        row = find_by_reference(session, reference)
        assert row is not None and row.language == "en"
        assert (row.first_name, row.last_name, row.email, row.phone) == (
            "John",
            "Smith",
            "john.smith@example.com",
            "+48512345678",
        )
        assert (row.residence_street, row.residence_city) == ("Long Street", "Warsaw")
        assert not row.business_same_as_residence and row.business_street == "Marszałkowska"
        assert row.pkd_main == "62.01.Z" and row.pkd_extra == ["62.02.Z", "63.11.Z"]
        assert row.tax_form is TaxForm.FLAT and row.zus_option is ZusOption.FULL
        assert row.nip == "1234563218" and row.regon is None


@pytest.mark.usefixtures("logs_stay_clean")
def test_each_invalid_answer_gets_its_specific_reprompt(rasa_stack, sender: str) -> None:
    past = (TODAY - timedelta(days=5)).isoformat()
    script: List[Tuple[str, str]] = [
        ("Chcę zarejestrować firmę", "utter_ask_reg_first_name"),
        ("Anna", "utter_ask_reg_last_name"),
        ("Nowak", "utter_ask_reg_pesel"),
        (PESEL[:10], "utter_reg_invalid_pesel_length"),
        (PESEL[:10] + str((int(PESEL[10]) + 1) % 10), "utter_reg_invalid_pesel_checksum"),
        (PESEL, "utter_ask_reg_email"),
        ("anna.nowak.example.com", "utter_reg_invalid_email_missing_at"),
        ("anna.nowak@example.com", "utter_ask_reg_phone"),
        ("60123456", "utter_reg_invalid_phone_length"),
        ("601 234 567", "utter_ask_reg_residence_address"),
        ("ul. Długa 5, 0-238 Warszawa", "utter_reg_invalid_address_postal_code_format"),
        ("ul. Długa 5, 00-238 Warszawa", "utter_ask_reg_business_address"),
        ("taki sam", "utter_ask_reg_business_name"),
        ("Usługi Informatyczne", "utter_reg_invalid_business_name_owner"),
        ("Anna Nowak Usługi Informatyczne", "utter_ask_reg_pkd_main"),
        ("99.99.Z", "utter_reg_invalid_pkd_unknown"),
        ("47.9", "utter_reg_invalid_pkd_format"),
        ("62.01.Z", "utter_ask_reg_pkd_extra"),
        ("brak", "utter_ask_reg_start_date"),
        (past, "utter_reg_invalid_start_date_past"),
        ("pojutrze", "utter_ask_reg_tax_form"),
        ("2", "utter_ask_reg_zus"),
        ("3", "utter_ask_reg_nip"),
        ("1234563219", "utter_reg_invalid_nip_checksum"),
        ("123456321", "utter_reg_invalid_nip_length"),
        ("nie mam", "utter_reg_summary"),
    ]
    for text, expected in script:
        messages = rasa_stack.say(sender, text)
        assert any(template_pattern(expected, "pl").fullmatch(m.get("text") or "") for m in messages), (
            f"after {text!r} expected {expected}, got:\n{dump(messages)}"
        )
    assert "PESEL ma 11 cyfr, a podano 10." in texts_of(rasa_stack.say(sender, "zmień PESEL na " + PESEL[:10]))


def _faq_answer(topic: str, language: str) -> str:
    from tests.responses import response_text

    return response_text(f"utter_faq/{topic}", language)


@pytest.mark.usefixtures("logs_stay_clean")
def test_faq_question_mid_form_is_answered_and_the_form_resumes(rasa_stack, sender: str) -> None:
    converse(rasa_stack, sender, PL_UNTIL_SUMMARY[:2], "pl")
    # a free-text field: the FAQ rule answers, the form asks for the last name again
    messages = say(rasa_stack, sender, "Ile kosztuje rejestracja firmy w CEIDG?", "utter_ask_reg_last_name", "pl")
    assert _faq_answer("registration_cost", "pl") in [m.get("text") for m in messages[:-1]], dump(messages)
    converse(rasa_stack, sender, PL_UNTIL_SUMMARY[2:3], "pl")
    # a field with a strict format: the validation action answers, the form asks for the PESEL again
    messages = say(rasa_stack, sender, "Czy muszę mieć profil zaufany?", "utter_ask_reg_pesel", "pl")
    assert _faq_answer("trusted_profile", "pl") in [m.get("text") for m in messages[:-1]], dump(messages)
    say(rasa_stack, sender, PESEL, "utter_ask_reg_email", "pl")


@pytest.mark.usefixtures("logs_stay_clean")
def test_cancel_asks_first_then_resumes_or_cancels(rasa_stack, sender: str) -> None:
    converse(rasa_stack, sender, PL_UNTIL_SUMMARY[:3], "pl")
    say(rasa_stack, sender, "anuluj", "utter_reg_confirm_cancel", "pl")
    messages = say(rasa_stack, sender, "nie", "utter_ask_reg_pesel", "pl")
    assert said(messages, "utter_reg_resuming", "pl")
    say(rasa_stack, sender, "anuluj", "utter_reg_confirm_cancel", "pl")
    say(rasa_stack, sender, "tak", "utter_reg_cancelled", "pl")
    slots = rasa_stack.tracker(sender)["slots"]
    assert slots["reg_first_name"] is None and slots["reg_last_name"] is None
    assert rasa_stack.tracker(sender)["active_loop"] in ({}, None) or not rasa_stack.tracker(sender)["active_loop"].get(
        "name"
    )


@pytest.mark.usefixtures("logs_stay_clean")
def test_change_email_at_the_summary_changes_only_the_email(rasa_stack, sender: str) -> None:
    converse(rasa_stack, sender, PL_UNTIL_SUMMARY, "pl")
    messages = say(rasa_stack, sender, "zmień e-mail", "utter_ask_reg_email", "pl")
    assert said(messages, "utter_reg_correction_ack", "pl")
    messages = say(rasa_stack, sender, "jan.nowy@example.com", "utter_reg_summary", "pl")
    assert "jan.nowy@example.com" in messages[-1]["text"]
    reference = submitted_reference(say(rasa_stack, sender, "tak", "utter_reg_submitted", "pl"))
    with session_scope(rasa_stack.app_db_url) as session:
        row = find_by_reference(session, reference)
        assert row.email == "jan.nowy@example.com" and row.phone == "+48601234567" and row.pesel == PESEL


@pytest.mark.usefixtures("logs_stay_clean")
def test_status_by_reference_needs_the_pesel_digits(rasa_stack, sender: str) -> None:
    converse(rasa_stack, sender, PL_UNTIL_SUMMARY, "pl")
    reference = submitted_reference(say(rasa_stack, sender, "tak", "utter_reg_submitted", "pl"))
    other = sender + "-status"
    say(rasa_stack, other, f"status {reference}", "utter_ask_reg_status_pesel_digits", "pl")
    say(rasa_stack, other, "0000", "utter_reg_status_not_found", "pl")
    say(rasa_stack, other, f"status {reference}", "utter_ask_reg_status_pesel_digits", "pl")
    say(rasa_stack, other, PESEL[-4:], "utter_reg_status_submitted", "pl")
