"""Actions of the core dialogue: ratings (language switch: actions/language_switch.py; fallback and
"I don't have this": actions/answerability.py)."""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

logger = logging.getLogger(__name__)


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
