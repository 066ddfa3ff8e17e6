"""The conversation's language: explicit switches, and the per-message policy.

The NLU component `components.language_detector.LanguageDetector` only *observes* a message's
language (entity `language`); whether the conversation switches is decided here, in one place, by
`services.conversation.language_policy` (see docs/ARCHITECTURE.md, "Language"):
`action_validate_slot_mappings` runs after every user message and fills the slot `language`
(custom mapping), and `action_change_language` applies explicit requests and marks them chosen.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from actions.registration.meta_requests import recognise
from actions.registration.text_input import looks_like_question
from lang.codes import or_default
from services.conversation.language_policy import Turn, explicit_choice, next_language

LANGUAGE_SLOT = "language"
CHOSEN_SLOT = "language_chosen"
CHANGE_INTENT = "change_language"


def _detected(tracker: Tracker) -> tuple[str | None, float]:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == LANGUAGE_SLOT:
            return entity.get("value"), float(entity.get("confidence_entity") or entity.get("confidence") or 1.0)
    return None, 0.0


class ActionChangeLanguage(Action):
    """An explicit request ("in English please", "po polsku", the button): switch and stick to it."""

    def name(self) -> str:
        return "action_change_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        message = tracker.latest_message or {}
        entity = next(tracker.get_latest_entity_values(LANGUAGE_SLOT), None)
        target = explicit_choice(message.get("text", ""), entity, tracker.get_slot(LANGUAGE_SLOT))
        dispatcher.utter_message(response=f"utter_language_now_{target}")
        return [SlotSet(LANGUAGE_SLOT, target), SlotSet(CHOSEN_SLOT, True)]


class ActionValidateSlotMappings(ValidationAction):
    """After every user message: does the conversation's language change? (language_policy)."""

    def domain_slots(self, domain: DomainDict) -> List[str]:
        # Rasa sends no domain to this action (endpoints: enable_selective_domain): the one slot
        # it fills is named here, so each message does not ship the whole domain (~300 kB).
        return [LANGUAGE_SLOT]

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        if intent == CHANGE_INTENT:
            return {}  # explicit: action_change_language decides
        text = message.get("text") or ""
        detected, confidence = _detected(tracker)
        turn = Turn(
            current=tracker.get_slot(LANGUAGE_SLOT),
            chosen=bool(tracker.get_slot(CHOSEN_SLOT)),
            detected=detected,
            confidence=confidence,
            intent=intent,
            form_question_pending=bool(tracker.active_loop_name and tracker.get_slot("requested_slot")),
            is_question=looks_like_question(text),
            is_form_request=recognise(text) is not None,
        )
        language = next_language(turn)
        return {LANGUAGE_SLOT: language} if language else {}

    async def validate_language(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Already decided by `extract_language`."""
        return {LANGUAGE_SLOT: value}


__all__ = ["ActionChangeLanguage", "ActionValidateSlotMappings", "or_default"]
