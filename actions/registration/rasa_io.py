"""The glue between validation results and a Rasa conversation: language, today, messages.

All text comes from domain responses; this module only picks the response and its variables.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Dict, List
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.language import language_of
from actions.registration.checks import FormState, Outcome
from actions.registration.readback import is_voice, render_params
from actions.registration.results import Choose, Invalid, Result
from actions.registration.text_input import looks_like_question

OFFICE_TIMEZONE = ZoneInfo("Europe/Warsaw")
OPTION_ENTITY = "reg_option"


def today() -> date:
    """Today in Poland (the server may run in UTC)."""
    return datetime.now(OFFICE_TIMEZONE).date()


def form_state(tracker: Tracker) -> FormState:
    return FormState(tracker.current_slot_values(), today())


def voice(tracker: Tracker) -> bool:
    return is_voice(tracker.get_latest_input_channel())


def option_payload(value: str) -> str:
    """A button payload that fills the requested slot with `value`, whatever NLU thinks of it."""
    return "/inform" + json.dumps({OPTION_ENTITY: value}, ensure_ascii=False)


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def tell_result(dispatcher: CollectingDispatcher, tracker: Tracker, result: Result) -> None:
    """Explain an invalid answer, or offer the options found for a search."""
    language = language_of(tracker)
    if isinstance(result, Invalid):
        dispatcher.utter_message(response=result.response, **render_params(result.params, language))
    elif isinstance(result, Choose):
        listing = "\n".join(f"{index}. {option.label}" for index, option in enumerate(result.options, 1))
        dispatcher.utter_message(
            response="utter_reg_pkd_suggestions",
            query=result.query,
            options=listing,
            buttons=[{"title": option.label, "payload": option_payload(option.value)} for option in result.options],
        )


def tell_notices(dispatcher: CollectingDispatcher, tracker: Tracker, outcome: Outcome) -> None:
    language = language_of(tracker)
    for response, params in outcome.notices:
        dispatcher.utter_message(response=response, **render_params(params, language))


def slot_events(values: Dict[str, Any]) -> List[EventType]:
    return [SlotSet(slot, value) for slot, value in values.items()]


def answer_faq(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Answer the FAQ the NLU selected for the latest message; False if it selected none."""
    selector = ((tracker.latest_message or {}).get("response_selector") or {}).get("faq") or {}
    response = selector.get("response") or {}
    key = response.get("intent_response_key")
    if not key:
        return False
    dispatcher.utter_message(response=response.get("utter_action") or f"utter_{key}")
    return True


def answer_if_faq_question(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """A question the NLU matched to an FAQ topic, typed instead of an answer: answer it."""
    return latest_intent(tracker) == "faq" and looks_like_question(text) and answer_faq(dispatcher, tracker)
