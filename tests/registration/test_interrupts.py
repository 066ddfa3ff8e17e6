"""Requests about the form, confirmations, the full-name split and the session keep, as the action
server runs them (rasa-sdk trackers, the real domain), plus their Rasa-free parsers."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, List

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.registration.confirmations import NO, YES, parse_confirmation, previous_field
from actions.registration.fields import FORM_SLOTS
from actions.registration.form import ValidateRegistrationForm
from actions.registration.identity import split_full_name
from actions.registration.meta_requests import Meta, recognise
from actions.registration.session import ActionSessionStart
from tests.registration.support import domain_dict, responses_of, tracker
from tests.registration.test_readback_and_privacy import SLOTS

LISTEN = {"event": "action", "name": "action_listen"}
BEFORE_PESEL = {slot: SLOTS[slot] for slot in ("reg_first_name", "reg_last_name")}


def run(action: Any, rasa_tracker: Any) -> tuple:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, rasa_tracker, domain_dict()))
    return dispatcher.messages, events


def slot_values(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def form_turn(slots: Dict[str, Any], text: str, intent: str = "inform", candidates: Dict[str, Any] | None = None):
    """The validation action right after the user said `text` while the form asked `requested_slot`."""
    rasa_tracker = tracker(slots, text, intent=intent, candidates=candidates, events_before=[LISTEN])
    rasa_tracker.events.append({"event": "action", "name": "registration_form"})  # Rasa adds the form's run
    return run(ValidateRegistrationForm(), rasa_tracker)


@pytest.mark.parametrize(
    "text, kind, slot",
    [
        ("nie wiem", Meta.DONT_KNOW, None),
        ("Nie wiem.", Meta.DONT_KNOW, None),
        ("I don't know", Meta.DONT_KNOW, None),
        ("i dont know", Meta.DONT_KNOW, None),
        ("pomocy", Meta.HELP, None),
        ("Help!", Meta.HELP, None),
        ("wróć", Meta.BACK, None),
        ("wroc", Meta.BACK, None),
        ("poprzednie pytanie", Meta.BACK, None),
        ("go back", Meta.BACK, None),
        ("wróć, źle wpisałem imię", Meta.BACK, "reg_first_name"),
        ("wroc, zle wpisalem imie", Meta.BACK, "reg_first_name"),
        ("zmień imię", Meta.CHANGE_FIELD, "reg_first_name"),
        ("zmien imie", Meta.CHANGE_FIELD, "reg_first_name"),
        ("change my first name", Meta.CHANGE_FIELD, "reg_first_name"),
        ("talk to a person", Meta.HUMAN, None),
        ("chcę rozmawiać z człowiekiem", Meta.HUMAN, None),
        ("chce rozmawiac z czlowiekiem", Meta.HUMAN, None),
        ("anuluj", Meta.CANCEL, None),
        ("cancel", Meta.CANCEL, None),
        ("zacznij od nowa", Meta.RESTART, None),
        ("start again", Meta.RESTART, None),
        ("kontynuuj", Meta.CONTINUE, None),
    ],
)
def test_requests_about_the_form_are_recognised(text: str, kind: Meta, slot: str | None) -> None:
    request = recognise(text)
    assert request is not None and request.kind is kind and request.slot == slot


@pytest.mark.parametrize(
    "text",
    [
        "Jan Kowalski",
        "Kowalska",
        "ul. Kwiatowa 12, 31-056 Kraków",
        "Robert'); DROP TABLE applications;--",
        "sprzedaż ubrań przez internet",
        "nie mam",
        "Anna Maria",
        "jan.nowak@example.com",
        "/affirm",
    ],
)
def test_answers_are_not_requests(text: str) -> None:
    assert recognise(text) is None


def test_confirmation_needs_a_clear_yes() -> None:
    assert [parse_confirmation(t) for t in ("tak", "Tak, anuluj", "yes please", "/affirm")] == [YES] * 4
    assert [parse_confirmation(t) for t in ("nie", "Nie, kontynuuj", "no", "/deny")] == [NO] * 4
    assert [parse_confirmation(t) for t in ("Kowalski", "tak nie wiem", "", "taki sam")] == [None] * 4


def test_full_name_split_proposals() -> None:
    assert split_full_name("Jan Kowalski") == ("Jan", "Kowalski")
    assert split_full_name("nazywam się Jan Kowalski") == ("Jan", "Kowalski")
    assert split_full_name("my name is John Smith") == ("John", "Smith")
    assert split_full_name("jan maria kowalski") == ("Jan Maria", "Kowalski")
    assert split_full_name("Jan") is None and split_full_name("mam na imię Anna Maria") is None


def test_previous_field_is_the_last_answered_before_the_question() -> None:
    assert previous_field("reg_pesel", FORM_SLOTS, BEFORE_PESEL) == "reg_last_name"
    assert previous_field("reg_first_name", FORM_SLOTS, {}) is None
    assert previous_field("reg_confirmed", FORM_SLOTS, SLOTS) == "reg_nip"


def test_dont_know_at_pkd_gets_pkd_help_not_a_search() -> None:
    messages, events = form_turn(
        {**SLOTS, "reg_pkd_main": None, "requested_slot": "reg_pkd_main"},
        "nie wiem",
        candidates={"reg_pkd_main": "nie wiem"},
    )
    assert responses_of(messages) == ["utter_reg_help_reg_pkd_main"]
    assert slot_values(events)["reg_pkd_main"] is None and slot_values(events)["requested_slot"] == "reg_pkd_main"


def test_help_at_nip_says_why_it_is_asked() -> None:
    messages, _ = form_turn({**SLOTS, "reg_nip": None, "requested_slot": "reg_nip"}, "pomocy")
    assert responses_of(messages) == ["utter_reg_help", "utter_reg_help_reg_nip"]


def test_go_back_at_pesel_reasks_the_named_or_previous_field() -> None:
    slots = {**BEFORE_PESEL, "requested_slot": "reg_pesel"}
    messages, events = form_turn(slots, "wróć, źle wpisałem imię", candidates={"reg_pesel": "wróć, źle wpisałem imię"})
    assert responses_of(messages) == ["utter_reg_going_back"] and messages[0]["field"] == "imię"
    assert slot_values(events)["reg_first_name"] is None and slot_values(events)["requested_slot"] == "reg_first_name"
    assert "reg_last_name" not in slot_values(events)
    _, events = form_turn(slots, "go back")
    assert slot_values(events)["reg_last_name"] is None and slot_values(events)["requested_slot"] == "reg_last_name"


def test_change_first_name_at_any_step() -> None:
    messages, events = form_turn({**BEFORE_PESEL, "requested_slot": "reg_pesel"}, "zmień imię", intent="correct_field")
    assert responses_of(messages) == ["utter_reg_correction_ack"]
    assert slot_values(events)["reg_first_name"] is None and slot_values(events)["requested_slot"] == "reg_first_name"


def test_cancel_needs_a_clear_yes_and_a_valid_answer_is_taken() -> None:
    asking_last = {"reg_first_name": "Jan", "requested_slot": "reg_last_name"}
    messages, events = form_turn(asking_last, "anuluj", intent="cancel")
    assert messages == [] and slot_values(events)["reg_pending"] == "cancel"
    assert slot_values(events)["requested_slot"] == "reg_pending_answer"
    pending = {
        **asking_last,
        "reg_pending": "cancel",
        "reg_pending_for": "reg_last_name",
        "requested_slot": "reg_pending_answer",
    }
    # the surname the user meant to type: taken as the answer, the form goes on
    messages, events = form_turn(pending, "Kowalski")
    assert responses_of(messages) == ["utter_reg_resuming"]
    assert slot_values(events)["reg_last_name"] == "Kowalski" and slot_values(events)["reg_pending"] is None
    assert slot_values(events)["requested_slot"] == "reg_pesel"
    # neither yes nor a valid answer: asked once more, nothing dropped
    messages, events = form_turn(pending, "hmm???")
    assert responses_of(messages) == ["utter_reg_confirm_unclear"]
    assert slot_values(events) == {"reg_pending_answer": None, "requested_slot": "reg_pending_answer"}
    # no: the question asked before
    messages, events = form_turn(pending, "nie")
    assert responses_of(messages) == ["utter_reg_resuming"] and slot_values(events)["requested_slot"] == "reg_last_name"
    # yes: everything is dropped and the form ends
    messages, events = form_turn(pending, "tak", intent="affirm")
    assert responses_of(messages) == ["utter_reg_cancelled"]
    assert slot_values(events)["reg_first_name"] is None and slot_values(events)["requested_slot"] is None


def test_sql_looking_name_is_an_invalid_name_not_a_cancel() -> None:
    messages, events = form_turn(
        {"requested_slot": "reg_first_name"}, "Robert'); DROP TABLE applications;--", intent="cancel"
    )
    assert responses_of(messages) == ["utter_reg_invalid_first_name_chars"]
    assert slot_values(events)["reg_first_name"] is None and slot_values(events)["requested_slot"] == "reg_first_name"
    assert "reg_pending" not in slot_values(events)


def test_full_name_at_first_name_is_confirmed_as_a_split() -> None:
    messages, events = form_turn({"requested_slot": "reg_first_name"}, "nazywam się Jan Kowalski")
    assert (
        slot_values(events)["reg_name_split"]["first"] == "Jan" and slot_values(events)["reg_pending"] == "name_split"
    )
    pending = {
        "reg_pending": "name_split",
        "reg_pending_for": "reg_first_name",
        "reg_name_split": {"first": "Jan", "last": "Kowalski", "typed": "Jan Kowalski"},
        "requested_slot": "reg_pending_answer",
    }
    _, events = form_turn(pending, "tak", intent="affirm")
    values = slot_values(events)
    assert (values["reg_first_name"], values["reg_last_name"], values["requested_slot"]) == (
        "Jan",
        "Kowalski",
        "reg_pesel",
    )
    _, events = form_turn(pending, "nie", intent="deny")  # "Jan Kowalski" are two first names
    values = slot_values(events)
    assert values["reg_first_name"] == "Jan Kowalski" and values["requested_slot"] == "reg_last_name"


def _expired(seconds_ago: float) -> Any:
    last_user = {"event": "user", "text": "Kowalski", "timestamp": time.time() - seconds_ago, "parse_data": {}}
    return tracker({**BEFORE_PESEL, "language": "en", "requested_slot": "reg_pesel"}, "", events_before=[last_user])


def test_new_session_keeps_a_recent_form_and_offers_it_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VO_FORM_KEEP_HOURS", "24")
    rasa_tracker = _expired(2 * 3600)
    rasa_tracker.events.pop()  # no new user message yet: the session starts before it
    messages, events = run(ActionSessionStart(), rasa_tracker)
    values = slot_values(events)
    assert responses_of(messages) == ["utter_reg_offer_resume"]
    assert values["reg_first_name"] == "Jan" and values["language"] == "en" and values["reg_paused"] is True
    assert "requested_slot" not in values and events[0]["event"] == "session_started"


def test_new_session_drops_a_form_older_than_the_keep_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VO_FORM_KEEP_HOURS", "24")
    rasa_tracker = _expired(30 * 3600)
    rasa_tracker.events.pop()
    messages, events = run(ActionSessionStart(), rasa_tracker)
    values = slot_values(events)
    assert messages == [] and "reg_first_name" not in values and values["language"] == "en"
