"""Actions for questions the knowledge base may not answer: "Did you mean ...?" and "I don't have this".

The decision itself is made by the FAQ retriever at parse time (`answerability` in the parse data:
decision, confidence, suggested topics); these actions only present it.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import known_topics, model_id_of, topic_question, topic_title
from actions.language import language_of, pick

FALLBACK_INTENT = "nlu_fallback"
CONSULTANT_PAYLOAD = "/request_human"


def suggested_topics(tracker: Tracker) -> List[str]:
    """Topic ids the retriever proposes for buttons (plausibly related ones only)."""
    answerability = (tracker.latest_message or {}).get("answerability") or {}
    known = known_topics(model_id_of(tracker))  # the serving model's topics, not the newest kb/
    topics = [str(key).split("/", 1)[-1] for key in answerability.get("suggestions") or []]
    return [topic for topic in topics if topic in known]


def _previous_user_intent(tracker: Tracker) -> str | None:
    user_events = [e for e in tracker.events if e.get("event") == "user"]
    if len(user_events) < 2:
        return None
    return ((user_events[-2].get("parse_data") or {}).get("intent") or {}).get("name")


def _buttons(tracker: Tracker, topics: List[str]) -> List[Dict[str, str]]:
    language = language_of(tracker)
    # a topic button sends the topic's own first question: retrieval matches it exactly
    model_id = model_id_of(tracker)
    buttons = [
        {"title": topic_title(topic, language, model_id), "payload": topic_question(topic, language, model_id)}
        for topic in topics
    ]
    buttons.append(
        {"title": pick(tracker, pl="Rozmowa z konsultantem", en="Talk to a consultant"), "payload": CONSULTANT_PAYLOAD}
    )
    return buttons


class ActionSuggestTopics(Action):
    """First miss: "Did you mean ...?" with the likeliest topics; second miss in a row: a consultant."""

    def name(self) -> str:
        return "action_suggest_topics"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        if _previous_user_intent(tracker) == FALLBACK_INTENT:
            dispatcher.utter_message(
                response="utter_offer_consultant"
            )  # domain/handoff.yml: the button carries the reason
            return []
        topics = suggested_topics(tracker)
        if not topics:
            dispatcher.utter_message(response="utter_default")
            return []
        dispatcher.utter_message(response="utter_did_you_mean", buttons=_buttons(tracker, topics))
        return []


class ActionAnswerUnknown(Action):
    """Says plainly that the knowledge base has no answer, offers related topics (if any) and a
    consultant. Its name in the tracker marks the question for the analysts' harvest."""

    def name(self) -> str:
        return "action_answer_unknown"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        topics = suggested_topics(tracker)
        response = "utter_answer_unknown_related" if topics else "utter_answer_unknown"
        dispatcher.utter_message(response=response, buttons=_buttons(tracker, topics))
        return []
