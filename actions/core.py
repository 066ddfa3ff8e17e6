"""Actions of the core dialogue: language switch, ratings (fallback: actions/answerability.py)."""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from lang.codes import known, or_default

logger = logging.getLogger(__name__)

_TARGET_WORDS = {
    "en": re.compile(r"\b(ang\w*|engl\w*|eng|en)\b", re.IGNORECASE),
    "pl": re.compile(r"\b(pol\w*|pl)\b", re.IGNORECASE),
}


def requested_language(text: str, entity_value: str | None, current: str) -> str:
    """The language asked for: named in the text, else given by a button, else the other one."""
    named = [language for language, pattern in _TARGET_WORDS.items() if pattern.search(text or "")]
    if len(named) == 1:
        return named[0]
    if (text or "").startswith("/") and known(entity_value):
        return entity_value
    return "en" if current == "pl" else "pl"


class ActionChangeLanguage(Action):
    def name(self) -> str:
        return "action_change_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        message = tracker.latest_message or {}
        entity = next(tracker.get_latest_entity_values("language"), None)
        previous = _language_before_latest_message(tracker)
        target = requested_language(message.get("text", ""), entity, previous)
        dispatcher.utter_message(response=f"utter_language_now_{target}")
        return [SlotSet("language", target)]


def _language_before_latest_message(tracker: Tracker) -> str:
    """The slot value before this message's own language detection could overwrite it."""
    user_turns = [i for i, event in enumerate(tracker.events) if event.get("event") == "user"]
    value = None
    for event in tracker.events[: user_turns[-1] if user_turns else len(tracker.events)]:
        if event.get("event") == "slot" and event.get("name") == "language":
            value = event.get("value")
    return or_default(value)


def parse_rating(value: Any) -> int | None:
    """1-5 from an entity value such as "4", "4/5" or "4 gwiazdki"; None otherwise."""
    match = re.search(r"\d+", str(value or ""))
    if not match:
        return None
    number = int(match.group())
    return number if 1 <= number <= 5 else None


class ActionRateService(Action):
    def name(self) -> str:
        return "action_rate_service"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text", "")
        rating = parse_rating(next(tracker.get_latest_entity_values("rating"), None))
        if rating is None and not text.startswith("/"):
            rating = parse_rating(text)
        if rating is None:
            dispatcher.utter_message(response="utter_ask_rating")
            return [SlotSet("rating", None)]
        from services.storage.ratings import save_rating

        channel = tracker.get_latest_input_channel() or "unknown"
        save_rating(None, tracker.sender_id, rating, channel)
        dispatcher.utter_message(response="utter_rating_thanks", rating=rating)
        if rating <= 2:
            dispatcher.utter_message(response="utter_rating_sorry")
        return [SlotSet("rating", str(rating))]
