"""Actions of the core dialogue: language switch, fallback suggestions (ratings: actions/handoff.py)."""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import known_topics, model_id_of, topic_question, topic_title
from actions.language import language_of, pick
from lang.codes import known, or_default

logger = logging.getLogger(__name__)

FALLBACK_INTENT = "nlu_fallback"
MAX_SUGGESTIONS = 3
# an FAQ topic is worth suggesting when its best paraphrase is at least this similar to the
# message (held-out questions score >= 0.25, gibberish <= 0.12: see benchmarks/faq.py)
MIN_SUGGESTION_SIMILARITY = 0.15

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


def _previous_user_intent(tracker: Tracker) -> str | None:
    user_events = [e for e in tracker.events if e.get("event") == "user"]
    if len(user_events) < 2:
        return None
    return ((user_events[-2].get("parse_data") or {}).get("intent") or {}).get("name")


def _suggested_topics(tracker: Tracker) -> List[str]:
    selector = (tracker.latest_message or {}).get("response_selector") or {}
    ranking = (selector.get("faq") or {}).get("ranking") or []
    known = known_topics(model_id_of(tracker))
    topics = []
    for item in ranking:
        topic = str(item.get("intent_response_key", "")).split("/", 1)[-1]
        if topic in known and item.get("similarity", 0) >= MIN_SUGGESTION_SIMILARITY:
            topics.append(topic)
        if len(topics) == MAX_SUGGESTIONS:
            break
    return topics


class ActionSuggestTopics(Action):
    """First miss: "Did you mean ...?" with the likeliest topics; second miss in a row: a consultant."""

    def name(self) -> str:
        return "action_suggest_topics"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        if _previous_user_intent(tracker) == FALLBACK_INTENT:
            dispatcher.utter_message(response="utter_offer_consultant")
            return []
        topics = _suggested_topics(tracker)
        if not topics:
            dispatcher.utter_message(response="utter_default")
            return []
        language = language_of(tracker)
        # a button sends the topic's own first question: retrieval matches it exactly
        model_id = model_id_of(tracker)
        buttons = [
            {"title": topic_title(topic, language, model_id), "payload": topic_question(topic, language, model_id)}
            for topic in topics
        ]
        buttons.append(
            {
                "title": pick(tracker, pl="Rozmowa z konsultantem", en="Talk to a consultant"),
                "payload": "/request_human",
            }
        )
        dispatcher.utter_message(response="utter_did_you_mean", buttons=buttons)
        return []


def parse_rating(value: Any) -> int | None:
    """1-5 from an entity value such as "4", "4/5" or "4 gwiazdki"; None otherwise."""
    match = re.search(r"\d+", str(value or ""))
    if not match:
        return None
    number = int(match.group())
    return number if 1 <= number <= 5 else None
