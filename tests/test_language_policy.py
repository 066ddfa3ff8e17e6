"""The conversation's language policy (services.conversation.language_policy) and the action that
applies it after every user message (action_validate_slot_mappings)."""

from __future__ import annotations

import asyncio
from typing import Any, Dict

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.language_switch import ActionChangeLanguage, ActionValidateSlotMappings
from services.conversation.language_policy import Turn, next_language
from tests.registration.support import domain_dict


def _turn(**kwargs: Any) -> Turn:
    return Turn(**{"current": "en", "chosen": False, "detected": "pl", "confidence": 0.95, **kwargs})


def test_a_form_value_never_switches() -> None:
    assert next_language(_turn(form_question_pending=True, intent="inform")) is None
    assert next_language(_turn(form_question_pending=True, intent="cancel")) is None  # "DROP TABLE ..."
    assert next_language(_turn(form_question_pending=True, intent="nlu_fallback")) is None


def test_a_question_or_a_form_request_in_the_other_language_switches() -> None:
    assert next_language(_turn(form_question_pending=True, intent="faq", is_question=True)) == "pl"
    assert next_language(_turn(form_question_pending=True, is_form_request=True)) == "pl"
    assert next_language(_turn(form_question_pending=True, intent="greet")) == "pl"
    assert next_language(_turn(intent="faq")) == "pl"


def test_an_explicit_choice_sticks() -> None:
    assert next_language(_turn(chosen=True, intent="faq", is_question=True)) is None


def test_unclear_or_same_language_keeps_it() -> None:
    assert next_language(_turn(detected=None)) is None
    assert next_language(_turn(detected="en")) is None
    assert next_language(_turn(confidence=0.5, intent="faq")) is None
    assert next_language(_turn(current=None, detected="en")) == "en"  # the first message sets it


def _tracker(slots: Dict[str, Any], text: str, intent: str, detected: str | None, form: bool) -> Tracker:
    entities = [{"entity": "language", "value": detected, "confidence": 0.97}] if detected else []
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities}
    events = [{"event": "action", "name": "action_listen"}, {"event": "user", "text": text, "parse_data": latest}]
    loop = {"name": "registration_form"} if form else {}
    return Tracker("t", slots, latest, events, False, None, loop, "action_listen")


def _language_after(slots: Dict[str, Any], text: str, intent: str, detected: str | None, form: bool) -> Any:
    dispatcher = CollectingDispatcher()
    action = ActionValidateSlotMappings()
    result = asyncio.run(action.extract_language(dispatcher, _tracker(slots, text, intent, detected, form), {}))
    return result.get("language")


def test_polish_address_in_an_english_form_keeps_english() -> None:
    slots = {"language": "en", "language_chosen": False, "requested_slot": "reg_residence_address"}
    assert _language_after(slots, "ul. Kwiatowa 12, 31-056 Kraków", "inform", "pl", form=True) is None
    assert _language_after(slots, "Jak założyć firmę w Polsce?", "faq", "pl", form=True) == "pl"
    assert _language_after(slots, "Jak założyć firmę w Polsce?", "faq", "pl", form=False) == "pl"


def test_change_language_sets_and_marks_the_choice() -> None:
    slots = {"language": "pl", "language_chosen": False}
    dispatcher = CollectingDispatcher()
    rasa_tracker = _tracker(slots, "can we continue in English please?", "change_language", "en", form=True)
    events = asyncio.run(ActionChangeLanguage().run(dispatcher, rasa_tracker, domain_dict()))
    assert [m["response"] for m in dispatcher.messages] == ["utter_language_now_en"]
    assert {e["name"]: e["value"] for e in events} == {"language": "en", "language_chosen": True}
    assert _language_after(slots, "can we continue in English please?", "change_language", "en", form=True) is None
