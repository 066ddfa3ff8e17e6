"""The custom actions, run as the action server runs them (rasa-sdk trackers, real domain)."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.registration import readback
from actions.registration.ask import ActionAskRegConfirmed, ActionAskRegPkdMain
from actions.registration.cancel import ActionRegPause, ActionRegStart
from actions.registration.correct import ActionRegCorrectField
from actions.registration.form import ValidateRegistrationForm
from actions.registration.status import ActionRegCheckStatus, ActionRegStatusStart, ValidateStatusForm
from actions.registration.submit import ActionRegSubmit
from services.storage import db
from services.storage.applications import find_by_reference
from services.storage.db import session_scope
from services.storage.migrate import upgrade_to_head
from tests.registration.cases import ADULT_PESEL
from tests.registration.support import bot_event, domain_dict, responses_of, tracker
from tests.registration.test_readback_and_privacy import SLOTS

COMPLETE = {**SLOTS, "reg_confirmed": "yes", "language": "pl"}


def run(action: Any, rasa_tracker: Any) -> tuple:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, rasa_tracker, domain_dict()))
    return dispatcher.messages, events


def slot_values(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.fixture
def app_db(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    upgrade_to_head(url)
    monkeypatch.setenv(db.URL_VARIABLE, url)
    yield url
    db.dispose_engines()


def test_short_pesel_gets_its_reprompt() -> None:
    messages, events = run(
        ValidateRegistrationForm(),
        tracker({"requested_slot": "reg_pesel"}, "4405140135", candidates={"reg_pesel": "4405140135"}),
    )
    assert responses_of(messages) == ["utter_reg_invalid_pesel_length"] and messages[0]["count"] == 10
    assert slot_values(events)["reg_pesel"] is None


def test_valid_answer_is_normalised() -> None:
    _, events = run(
        ValidateRegistrationForm(),
        tracker({"requested_slot": "reg_phone"}, "601 234 567", candidates={"reg_phone": "601 234 567"}),
    )
    assert slot_values(events)["reg_phone"] == "+48601234567"


def test_faq_question_instead_of_an_answer_is_answered() -> None:
    selector = {
        "faq": {"response": {"intent_response_key": "faq/lump_sum_tax", "utter_action": "utter_faq/lump_sum_tax"}}
    }
    messages, events = run(
        ValidateRegistrationForm(),
        tracker(
            {"requested_slot": "reg_tax_form"},
            "co to jest ryczałt?",
            intent="faq",
            candidates={"reg_tax_form": "co to jest ryczałt?"},
            response_selector=selector,
        ),
    )
    assert responses_of(messages) == ["utter_faq/lump_sum_tax"]
    assert slot_values(events)["reg_tax_form"] is None


def test_choice_word_classified_as_faq_is_still_the_answer() -> None:
    _, events = run(
        ValidateRegistrationForm(),
        tracker({"requested_slot": "reg_tax_form"}, "ryczałt", intent="faq", candidates={"reg_tax_form": "ryczałt"}),
    )
    assert slot_values(events)["reg_tax_form"] == "lump_sum"


def test_pkd_description_offers_buttons_and_number_picks() -> None:
    messages, events = run(
        ValidateRegistrationForm(),
        tracker(
            {"requested_slot": "reg_pkd_main"},
            "sprzedaż ubrań przez internet",
            candidates={"reg_pkd_main": "sprzedaż ubrań przez internet"},
        ),
    )
    assert responses_of(messages) == ["utter_reg_pkd_suggestions"]
    assert messages[0]["buttons"][0]["payload"] == '/inform{"reg_option": "47.91.Z"}'
    offered = slot_values(events)["reg_pkd_suggestions"]
    _, events = run(
        ValidateRegistrationForm(),
        tracker(
            {"requested_slot": "reg_pkd_main", "reg_pkd_suggestions": offered}, "1", candidates={"reg_pkd_main": "1"}
        ),
    )
    assert slot_values(events)["reg_pkd_main"] == "47.91.Z"


def test_regon_asked_only_with_a_nip() -> None:
    form = ValidateRegistrationForm()
    dispatcher, domain_slots = CollectingDispatcher(), domain_dict()["forms"]["registration_form"]["required_slots"]
    without = asyncio.run(form.required_slots(domain_slots, dispatcher, tracker({"reg_nip": "none"}), {}))
    with_nip = asyncio.run(form.required_slots(domain_slots, dispatcher, tracker({"reg_nip": "1234563218"}), {}))
    assert "reg_regon" not in without and "reg_regon" in with_nip


def test_summary_then_field_list_after_no() -> None:
    messages, _ = run(ActionAskRegConfirmed(), tracker(COMPLETE, "nie mam", candidates={"reg_nip": "none"}))
    assert responses_of(messages) == ["utter_reg_summary"] and messages[0]["pesel"] == readback.pesel(ADULT_PESEL)
    messages, events = run(
        ValidateRegistrationForm(),
        tracker(
            {**COMPLETE, "reg_confirmed": None, "requested_slot": "reg_confirmed"},
            "nie",
            intent="deny",
            candidates={"reg_confirmed": "nie"},
            events_before=[bot_event("utter_reg_summary")],
        ),
    )
    assert messages == [] and slot_values(events)["reg_confirmed"] is None
    messages, _ = run(
        ActionAskRegConfirmed(),
        tracker(
            {**COMPLETE, "reg_confirmed": None}, "nie", intent="deny", events_before=[bot_event("utter_reg_summary")]
        ),
    )
    assert responses_of(messages) == ["utter_reg_ask_what_to_change"]


def test_change_email_at_the_summary_changes_only_that_field() -> None:
    messages, events = run(
        ActionRegCorrectField(),
        tracker(
            {**COMPLETE, "reg_confirmed": None, "requested_slot": "reg_confirmed"},
            "zmień e-mail",
            intent="correct_field",
            entities=[{"entity": "reg_field", "value": "reg_email"}],
        ),
    )
    assert responses_of(messages) == ["utter_reg_correction_ack"] and messages[0]["field"] == "e-mail"
    assert slot_values(events) == {"reg_email": None, "reg_confirmed": None}


def test_change_email_with_the_new_value_in_english() -> None:
    messages, events = run(
        ActionRegCorrectField(),
        tracker({**COMPLETE, "language": "en"}, "change the e-mail to Mary@Example.com", intent="correct_field"),
    )
    assert responses_of(messages) == ["utter_reg_field_changed"] and messages[0]["field"] == "e-mail"
    assert slot_values(events) == {"reg_email": "mary@example.com", "reg_confirmed": None}


def test_correction_typed_at_the_summary_classified_as_inform() -> None:
    messages, events = run(
        ValidateRegistrationForm(),
        tracker(
            {**COMPLETE, "reg_confirmed": None, "requested_slot": "reg_confirmed"},
            "zmień telefon na 698 765 432",
            candidates={"reg_confirmed": "zmień telefon na 698 765 432"},
        ),
    )
    assert slot_values(events)["reg_phone"] == "+48698765432" and slot_values(events)["reg_confirmed"] is None


def test_correcting_a_field_not_asked_yet() -> None:
    messages, events = run(
        ActionRegCorrectField(),
        tracker({"reg_first_name": "Jan", "requested_slot": "reg_last_name"}, "zmień e-mail", intent="correct_field"),
    )
    assert responses_of(messages) == ["utter_reg_correction_not_yet"] and events == []


def test_submit_stores_the_application_and_clears_the_form(app_db: str) -> None:
    messages, events = run(ActionRegSubmit(), tracker(COMPLETE, "tak"))
    reference = slot_values(events)["reg_last_reference"]
    assert responses_of(messages) == ["utter_reg_submitted"] and messages[0]["reference"] == reference
    assert all(
        value is None
        for name, value in slot_values(events).items()
        if name.startswith("reg_") and name not in ("reg_last_reference", "reg_paused")
    )
    with session_scope(app_db) as session:
        stored = find_by_reference(session, reference)
        assert stored.pesel == ADULT_PESEL and stored.pkd_extra == ["62.02.Z"] and stored.nip is None


def test_submit_failure_is_reported_without_losing_answers(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(db.URL_VARIABLE, f"sqlite:///{tmp_path / 'no-schema.db'}")
    messages, events = run(ActionRegSubmit(), tracker(COMPLETE, "tak"))
    assert responses_of(messages) == ["utter_reg_storage_error"]
    assert events == [SlotSet("reg_confirmed", None)]
    db.dispose_engines()


def test_incomplete_form_is_not_submitted(app_db: str) -> None:
    messages, events = run(ActionRegSubmit(), tracker({**COMPLETE, "reg_pesel": None}, "tak"))
    assert messages == [] and events == []


def test_pause_keeps_the_answers_and_says_how_to_come_back() -> None:
    messages, events = run(ActionRegPause(), tracker(SLOTS, "talk to a person", intent="request_human"))
    assert responses_of(messages) == ["utter_reg_paused"] and slot_values(events) == {"reg_paused": True}


def test_start_says_whether_the_application_continues() -> None:
    assert responses_of(run(ActionRegStart(), tracker({}, "zarejestruj firmę"))[0]) == ["utter_reg_intro"]
    assert responses_of(run(ActionRegStart(), tracker(SLOTS, "zarejestruj firmę"))[0]) == ["utter_reg_continue"]


def test_pkd_question_not_repeated_after_suggestions() -> None:
    after = tracker({}, "fryzjer", events_before=[])
    after.events.append(bot_event("utter_reg_pkd_suggestions"))
    assert run(ActionAskRegPkdMain(), after)[0] == []
    assert responses_of(run(ActionAskRegPkdMain(), tracker({}, "Jan Kowalski"))[0]) == ["utter_ask_reg_pkd_main"]


def test_status_check_with_the_second_factor(app_db: str) -> None:
    _, events = run(ActionRegSubmit(), tracker(COMPLETE, "tak"))
    reference = slot_values(events)["reg_last_reference"]
    _, events = run(ActionRegStatusStart(), tracker({}, f"status {reference.lower()}", intent="check_status"))
    assert slot_values(events) == {"reg_status_reference": reference, "reg_status_pesel_digits": None}
    messages, events = run(
        ValidateStatusForm(),
        tracker({"requested_slot": "reg_status_pesel_digits"}, "12", candidates={"reg_status_pesel_digits": "12"}),
    )
    assert responses_of(messages) == ["utter_reg_invalid_pesel_digits_format"]
    found = {"reg_status_reference": reference, "reg_status_pesel_digits": ADULT_PESEL[-4:]}
    messages, events = run(ActionRegCheckStatus(), tracker(found, ADULT_PESEL[-4:]))
    assert responses_of(messages) == ["utter_reg_status_submitted"] and messages[0]["reference"] == reference
    assert slot_values(events) == {"reg_status_reference": None, "reg_status_pesel_digits": None}
    messages, _ = run(ActionRegCheckStatus(), tracker({**found, "reg_status_pesel_digits": "0000"}, "0000"))
    assert responses_of(messages) == ["utter_reg_status_not_found"]


def test_faq_question_at_the_summary_is_answered_and_changes_nothing() -> None:
    selector = {
        "faq": {
            "response": {
                "intent_response_key": "faq/update_ceidg_entry",
                "utter_action": "utter_faq/update_ceidg_entry",
            }
        }
    }
    text = "czy mogę zmienić e-mail po rejestracji?"
    messages, events = run(
        ValidateRegistrationForm(),
        tracker(
            {**COMPLETE, "reg_confirmed": None, "requested_slot": "reg_confirmed"},
            text,
            intent="faq",
            candidates={"reg_confirmed": text},
            response_selector=selector,
        ),
    )
    assert responses_of(messages) == ["utter_faq/update_ceidg_entry"]
    assert slot_values(events)["reg_confirmed"] is None and "reg_email" not in slot_values(events)
