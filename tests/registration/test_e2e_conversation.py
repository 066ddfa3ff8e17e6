"""Issue 10 over REST against the real servers: the language stays put, no form is lost without a
clear yes, help / going back / changing a field / a consultant inside the form, the full-name
split, and a form kept over a session expiry. Every turn checks the language of every reply and
the question that follows (tests/conftest.py starts one stack per session)."""

from __future__ import annotations

import sqlite3
from typing import Dict, List

import pytest
import requests

from services.storage.applications import find_by_reference
from services.storage.db import session_scope
from services.storage.models import TaxForm, ZusOption
from tests.registration.support import all_in, said, template_pattern
from tests.registration.test_e2e_registration import PESEL, logs_stay_clean, submitted_reference  # noqa: F401
from tests.stack import dump

SQL_NAME = "Robert'); DROP TABLE applications;--"


def turn(stack, sender: str, text: str, expected: str, language: str) -> List[Dict]:
    """Say `text`; every reply must be in `language` and the last one must be `expected`."""
    messages = stack.say(sender, text)
    assert messages and template_pattern(expected, language).fullmatch(messages[-1].get("text") or ""), (
        f"after {text!r} expected {expected} ({language}), got:\n{dump(messages)}"
    )
    assert all_in(messages, language), f"after {text!r} not every reply is in {language}:\n{dump(messages)}"
    return messages


def slots(stack, sender: str) -> Dict:
    return stack.tracker(sender)["slots"]


@pytest.mark.usefixtures("logs_stay_clean")
def test_english_conversation_keeps_english_through_polish_values(rasa_stack, sender: str) -> None:
    s = rasa_stack
    turn(s, sender, "I want to register my business now", "utter_ask_reg_first_name", "en")
    turn(s, sender, "John", "utter_ask_reg_last_name", "en")
    turn(s, sender, "Kowalska", "utter_ask_reg_pesel", "en")  # a Polish surname is a value, not a switch
    turn(s, sender, PESEL, "utter_ask_reg_email", "en")
    turn(s, sender, "john.k@example.com", "utter_ask_reg_phone", "en")
    turn(s, sender, "601 234 567", "utter_ask_reg_residence_address", "en")
    turn(s, sender, "ul. Kwiatowa 12, 31-056 Kraków", "utter_ask_reg_business_address", "en")
    turn(s, sender, "Marszałkowska 10/5, 00-001 Warszawa", "utter_ask_reg_business_name", "en")
    assert slots(s, sender)["language"] == "en"


@pytest.mark.usefixtures("logs_stay_clean")
def test_explicit_english_sticks_after_a_polish_surname(rasa_stack, sender: str) -> None:
    s = rasa_stack
    turn(s, sender, "Chcę zarejestrować firmę", "utter_ask_reg_first_name", "pl")
    messages = s.say(sender, "can we continue in English please?")
    assert any(m.get("text") == "Sure, let's continue in English. How can I help?" for m in messages), dump(messages)
    assert template_pattern("utter_ask_reg_first_name", "en").fullmatch(messages[-1]["text"]), dump(messages)
    turn(s, sender, "Anna", "utter_ask_reg_last_name", "en")
    turn(s, sender, "Kowalska", "utter_ask_reg_pesel", "en")
    turn(s, sender, "Ile kosztuje rejestracja firmy?", "utter_ask_reg_pesel", "en")  # chosen: it sticks
    assert slots(s, sender)["language"] == "en" and slots(s, sender)["language_chosen"] is True


@pytest.mark.usefixtures("logs_stay_clean")
def test_sql_looking_name_neither_switches_nor_cancels(rasa_stack, sender: str) -> None:
    s = rasa_stack
    turn(s, sender, "Chcę zarejestrować firmę", "utter_ask_reg_first_name", "pl")
    messages = turn(s, sender, SQL_NAME, "utter_ask_reg_first_name", "pl")
    assert said(messages, "utter_reg_invalid_first_name_chars", "pl"), dump(messages)
    assert not said(messages, "utter_reg_confirm_cancel", "pl")
    state = s.tracker(sender)
    assert state["slots"]["language"] == "pl" and state["active_loop"].get("name") == "registration_form"
    turn(s, sender, "Jan", "utter_ask_reg_last_name", "pl")


@pytest.mark.parametrize(
    "language, start, full_name, yes, no",
    [
        ("pl", "Chcę zarejestrować firmę", "nazywam się Jan Kowalski", "tak", "nie"),
        ("en", "I want to register my business now", "my name is John Smith", "yes", "no"),
    ],
)
@pytest.mark.usefixtures("logs_stay_clean")
def test_full_name_is_confirmed_as_a_split(rasa_stack, sender: str, language, start, full_name, yes, no) -> None:
    s = rasa_stack
    turn(s, sender, start, "utter_ask_reg_first_name", language)
    messages = turn(s, sender, full_name, "utter_reg_confirm_name_split", language)
    first, last = full_name.split()[-2:]
    expected = {
        "pl": f"Imię: {first}, nazwisko: {last} – zgadza się?",
        "en": f"First name: {first}, last name: {last} – is that right?",
    }
    assert messages[-1]["text"] == expected[language] and len(messages[-1]["buttons"]) == 2
    turn(s, sender, yes, "utter_ask_reg_pesel", language)
    assert (slots(s, sender)["reg_first_name"], slots(s, sender)["reg_last_name"]) == (first, last)
    # a double first name stays possible: "no" keeps both words as first names
    other = f"{sender}-double"
    turn(s, other, start, "utter_ask_reg_first_name", language)
    turn(s, other, "Anna Maria", "utter_reg_confirm_name_split", language)
    turn(s, other, no, "utter_ask_reg_last_name", language)
    assert slots(s, other)["reg_first_name"] == "Anna Maria" and slots(s, other)["reg_last_name"] is None


@pytest.mark.parametrize(
    "language, start, first, last, dont_know, help_, back, change, anything",
    [
        (
            "pl",
            "Chcę zarejestrować firmę",
            "Jan",
            "Kowalski",
            "nie wiem",
            "pomocy",
            "wróć, źle wpisałem imię",
            "zmień imię",
            "hmm???",
        ),
        (
            "en",
            "I want to register my business now",
            "John",
            "Smith",
            "I don't know",
            "help",
            "go back",
            "change my first name",
            "hmm???",
        ),
    ],
)
@pytest.mark.usefixtures("logs_stay_clean")
def test_help_back_and_change_inside_the_form(
    rasa_stack, sender: str, language, start, first, last, dont_know, help_, back, change, anything
) -> None:
    s = rasa_stack
    turn(s, sender, start, "utter_ask_reg_first_name", language)
    turn(s, sender, first, "utter_ask_reg_last_name", language)
    turn(s, sender, last, "utter_ask_reg_pesel", language)
    messages = turn(
        s, sender, back, "utter_ask_reg_first_name" if language == "pl" else "utter_ask_reg_last_name", language
    )
    assert said(messages, "utter_reg_going_back", language), dump(messages)
    turn(s, sender, first if language == "pl" else last, "utter_ask_reg_pesel", language)
    messages = turn(s, sender, change, "utter_ask_reg_first_name", language)
    assert said(messages, "utter_reg_correction_ack", language), dump(messages)
    turn(s, sender, first, "utter_ask_reg_pesel", language)
    messages = turn(s, sender, dont_know, "utter_ask_reg_pesel", language)
    assert said(messages, "utter_reg_help_reg_pesel", language), dump(messages)
    messages = turn(s, sender, help_, "utter_ask_reg_pesel", language)
    assert said(messages, "utter_reg_help", language), dump(messages)
    turn(s, sender, PESEL, "utter_ask_reg_email", language)
    state = slots(s, sender)
    assert (state["reg_first_name"], state["reg_last_name"], state["reg_pesel"]) == (first, last, PESEL)


@pytest.mark.parametrize(
    "language, start, pkd_dont_know, nip_dont_know",
    [
        ("pl", "Chcę zarejestrować firmę", "nie wiem", "nie wiem"),
        ("en", "I want to register my business now", "I don't know", "i dont know"),
    ],
)
@pytest.mark.usefixtures("logs_stay_clean")
def test_field_specific_help_for_pkd_and_nip(
    rasa_stack, sender: str, language, start, pkd_dont_know, nip_dont_know
) -> None:
    s = rasa_stack
    answers = {
        "pl": [
            "Jan",
            "Kowalski",
            PESEL,
            "jan@example.com",
            "601 234 567",
            "ul. Długa 5/3, 00-238 Warszawa",
            "taki sam",
            "Jan Kowalski",
        ],
        "en": [
            "John",
            "Smith",
            PESEL,
            "john@example.com",
            "601 234 567",
            "12 Long Street, 00-950 Warsaw",
            "same",
            "John Smith",
        ],
    }[language]
    turn(s, sender, start, "utter_ask_reg_first_name", language)
    for answer in answers[:-1]:
        s.say(sender, answer)
    turn(s, sender, answers[-1], "utter_ask_reg_pkd_main", language)
    messages = turn(s, sender, pkd_dont_know, "utter_ask_reg_pkd_main", language)
    assert said(messages, "utter_reg_help_reg_pkd_main", language), dump(messages)
    assert any(b["payload"] == "/request_human" for m in messages for b in m.get("buttons") or []), dump(messages)
    assert not said(messages, "utter_reg_invalid_pkd_no_match", language)
    turn(s, sender, "62.01.Z", "utter_ask_reg_pkd_extra", language)
    turn(s, sender, '/inform{"reg_option":"none"}', "utter_ask_reg_start_date", language)
    s.say(sender, "od jutra" if language == "pl" else "tomorrow")
    s.say(sender, "2")
    turn(s, sender, "3", "utter_ask_reg_nip", language)
    messages = turn(s, sender, nip_dont_know, "utter_ask_reg_nip", language)
    assert said(messages, "utter_reg_help_reg_nip", language), dump(messages)


@pytest.mark.parametrize(
    "language, start, cancel, surname, yes, no",
    [
        ("pl", "Chcę zarejestrować firmę", "anuluj", "Kowalski", "tak", "nie"),
        ("en", "I want to register my business now", "cancel", "Smith", "yes", "no"),
    ],
)
@pytest.mark.usefixtures("logs_stay_clean")
def test_cancel_and_start_again_need_a_clear_yes(
    rasa_stack, sender: str, language, start, cancel, surname, yes, no
) -> None:
    s = rasa_stack
    turn(s, sender, start, "utter_ask_reg_first_name", language)
    turn(s, sender, "Anna", "utter_ask_reg_last_name", language)
    messages = turn(s, sender, cancel, "utter_reg_confirm_cancel", language)
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/affirm", "/deny"]
    # the surname the user meant to type is taken as the answer: nothing is lost
    messages = turn(s, sender, surname, "utter_ask_reg_pesel", language)
    assert said(messages, "utter_reg_resuming", language) and slots(s, sender)["reg_last_name"] == surname
    turn(s, sender, cancel, "utter_reg_confirm_cancel", language)
    messages = turn(s, sender, "hmm???", "utter_reg_confirm_cancel", language)  # asked once more, with buttons
    assert said(messages, "utter_reg_confirm_unclear", language) and messages[-1]["buttons"]
    turn(s, sender, no, "utter_ask_reg_pesel", language)
    assert slots(s, sender)["reg_first_name"] == "Anna"
    restart = "zacznij od nowa" if language == "pl" else "start again"
    turn(s, sender, restart, "utter_reg_confirm_restart", language)
    turn(s, sender, no, "utter_ask_reg_pesel", language)
    turn(s, sender, restart, "utter_reg_confirm_restart", language)
    messages = turn(s, sender, yes, "utter_ask_reg_first_name", language)
    assert said(messages, "utter_reg_restarted", language) and slots(s, sender)["reg_last_name"] is None
    turn(s, sender, "Ewa", "utter_ask_reg_last_name", language)
    turn(s, sender, cancel, "utter_reg_confirm_cancel", language)
    turn(s, sender, yes, "utter_reg_cancelled", language)
    state = s.tracker(sender)
    assert state["slots"]["reg_first_name"] is None and not (state["active_loop"] or {}).get("name")


@pytest.mark.parametrize(
    "language, start, human, resume",
    [
        ("pl", "Chcę zarejestrować firmę", "chcę rozmawiać z człowiekiem", "kontynuuj"),
        ("en", "I want to register my business now", "talk to a person", "continue"),
    ],
)
@pytest.mark.usefixtures("logs_stay_clean")
def test_consultant_request_pauses_the_form_and_it_resumes(
    rasa_stack, sender: str, language, start, human, resume
) -> None:
    s = rasa_stack
    turn(s, sender, start, "utter_ask_reg_first_name", language)
    turn(s, sender, "Anna", "utter_ask_reg_last_name", language)
    messages = s.say(sender, human)
    if said(messages, "utter_reg_offer_human", language):
        # the form itself recognised the request (NLU did not say request_human): it offers the
        # hand-off with a button and asks its question again; the button takes the consultant path
        assert all_in(messages, language) and said(messages[-1:], "utter_ask_reg_last_name", language)
        messages = s.say(sender, "/request_human")
    assert said(messages, "utter_reg_paused", language) and all_in(messages, language), dump(messages)
    # the handoff queues the conversation (office hours in the test stack) and pauses the bot
    assert said(messages[-1:], "utter_handoff_queued", language), dump(messages)
    state = s.tracker(sender)
    assert state["slots"]["reg_first_name"] == "Anna" and state["slots"]["reg_paused"] is True
    assert not (state["active_loop"] or {}).get("name") and state["paused"] is True
    # the consultant hands the conversation back (as the console's "close" does), then the user continues
    requests.post(
        f"{s.url}/conversations/{sender}/tracker/events",
        params={"token": s.token},
        json=[{"event": "resume"}],
        timeout=30,
    ).raise_for_status()
    # the form goes on at the question it stopped at, with the answers given before the handoff
    turn(s, sender, resume, "utter_ask_reg_last_name", language)
    assert s.tracker(sender)["slots"]["reg_first_name"] == "Anna"
    turn(s, sender, "Nowak", "utter_ask_reg_pesel", language)


def _age_conversation(stack, sender: str, seconds: float) -> None:
    """Move the whole stored conversation `seconds` into the past, as if the user had left then
    (the SQL tracker store only appends events, so the test edits its database directly)."""
    with sqlite3.connect(stack.tracker_db) as connection:
        connection.execute(
            "UPDATE events SET timestamp = timestamp - ?, "
            "data = json_set(data, '$.timestamp', json_extract(data, '$.timestamp') - ?) WHERE sender_id = ?",
            (seconds, seconds, sender),
        )


@pytest.mark.parametrize(
    "language, start, hello, resume",
    [
        ("pl", "Chcę zarejestrować firmę", "dzień dobry", "kontynuuj"),
        ("en", "I want to register my business now", "hello", "continue"),
    ],
)
@pytest.mark.usefixtures("logs_stay_clean")
def test_form_left_past_the_session_timeout_is_offered_back(
    rasa_stack, sender: str, language, start, hello, resume
) -> None:
    s = rasa_stack
    turn(s, sender, start, "utter_ask_reg_first_name", language)
    turn(s, sender, "Anna", "utter_ask_reg_last_name", language)
    _age_conversation(s, sender, 2 * 3600)  # the session expires after 60 minutes
    messages = s.say(sender, hello)
    assert said(messages, "utter_reg_offer_resume", language) and all_in(messages, language), dump(messages)
    messages = turn(s, sender, resume, "utter_ask_reg_last_name", language)
    turn(s, sender, "Nowak", "utter_ask_reg_pesel", language)
    assert slots(s, sender)["reg_first_name"] == "Anna"
    # longer than the keep time (72 h by default): the answers are gone, no offer
    _age_conversation(s, sender, 100 * 3600)
    messages = s.say(sender, hello)
    assert not said(messages, "utter_reg_offer_resume", language), dump(messages)
    assert slots(s, sender)["reg_first_name"] is None and slots(s, sender)["language"] == language


@pytest.mark.usefixtures("logs_stay_clean")
def test_stored_application_after_back_help_cancel_and_language_switch(rasa_stack, sender: str) -> None:
    s = rasa_stack
    turn(s, sender, "Chcę zarejestrować firmę", "utter_ask_reg_first_name", "pl")
    turn(s, sender, "Jan", "utter_ask_reg_last_name", "pl")
    turn(s, sender, "Nowak", "utter_ask_reg_pesel", "pl")
    turn(s, sender, "wróć", "utter_ask_reg_last_name", "pl")  # back once
    turn(s, sender, "Kowalski", "utter_ask_reg_pesel", "pl")
    turn(s, sender, PESEL, "utter_ask_reg_email", "pl")
    turn(s, sender, "jan.k@example.com", "utter_ask_reg_phone", "pl")
    turn(s, sender, "poprzednie pytanie", "utter_ask_reg_email", "pl")  # back twice
    turn(s, sender, "jan.kowalski@example.com", "utter_ask_reg_phone", "pl")
    turn(s, sender, "601 234 567", "utter_ask_reg_residence_address", "pl")
    turn(s, sender, "anuluj", "utter_reg_confirm_cancel", "pl")  # cancel, then continue
    turn(s, sender, "nie", "utter_ask_reg_residence_address", "pl")
    messages = s.say(sender, "can we continue in English please?")  # language switch
    assert template_pattern("utter_ask_reg_residence_address", "en").fullmatch(messages[-1]["text"]), dump(messages)
    turn(s, sender, "ul. Kwiatowa 12, 31-056 Kraków", "utter_ask_reg_business_address", "en")
    turn(s, sender, "same", "utter_ask_reg_business_name", "en")
    turn(s, sender, "Jan Kowalski", "utter_ask_reg_pkd_main", "en")
    turn(s, sender, "help", "utter_ask_reg_pkd_main", "en")  # help once
    turn(s, sender, "62.01.Z", "utter_ask_reg_pkd_extra", "en")
    turn(s, sender, "none", "utter_ask_reg_start_date", "en")
    turn(s, sender, "tomorrow", "utter_ask_reg_tax_form", "en")
    turn(s, sender, "flat tax", "utter_ask_reg_zus", "en")
    turn(s, sender, "full contributions", "utter_ask_reg_nip", "en")
    turn(s, sender, "none", "utter_reg_summary", "en")
    reference = submitted_reference(turn(s, sender, "yes", "utter_reg_submitted", "en"))
    with session_scope(s.app_db_url) as session:
        row = find_by_reference(session, reference)
        assert row is not None and row.language == "en"
        assert (row.first_name, row.last_name, row.pesel, row.email, row.phone) == (
            "Jan",
            "Kowalski",
            PESEL,
            "jan.kowalski@example.com",
            "+48601234567",
        )
        assert (row.residence_street, row.residence_number, row.residence_postal_code, row.residence_city) == (
            "Kwiatowa",
            "12",
            "31-056",
            "Kraków",
        )
        assert row.business_same_as_residence and row.business_name == "Jan Kowalski"
        assert row.pkd_main == "62.01.Z" and row.pkd_extra == []
        assert row.tax_form is TaxForm.FLAT and row.zus_option is ZusOption.FULL and row.nip is None
