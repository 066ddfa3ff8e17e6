"""The answerability actions on realistic trackers (no server needed)."""

from __future__ import annotations

import asyncio
from typing import List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answerability import ActionAnswerUnknown, ActionSuggestTopics
from actions.knowledge import topic_question, topic_title

SUGGESTED = ["faq/ulga_na_start", "faq/preferential_contributions", "faq/maly_zus_plus"]


def tracker(
    suggestions: List[str], decision: str = "clarify", language: str = "pl", previous_intent: str = "greet"
) -> Tracker:
    intent = {"clarify": "nlu_fallback", "unknown": "not_in_kb"}[decision]
    parse = {
        "intent": {"name": intent, "confidence": 0.6},
        "text": "cos o zus",
        "answerability": {"decision": decision, "confidence": 0.3, "suggestions": suggestions},
    }
    events = [
        {"event": "user", "text": "hej", "parse_data": {"intent": {"name": previous_intent}}},
        {"event": "user", "text": "cos o zus", "parse_data": parse},
    ]
    return Tracker("s", {"language": language}, parse, events, False, None, {}, "action_listen")


def run(action, tracker_: Tracker) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker_, {}))
    return dispatcher


def test_first_miss_suggests_the_retrievers_topics_and_a_consultant() -> None:
    [message] = run(ActionSuggestTopics(), tracker(SUGGESTED, language="en")).messages
    assert message["response"] == "utter_did_you_mean"
    assert [b["title"] for b in message["buttons"]] == [
        topic_title("ulga_na_start", "en"),
        topic_title("preferential_contributions", "en"),
        topic_title("maly_zus_plus", "en"),
        "Talk to a consultant",
    ]
    assert message["buttons"][0]["payload"] == topic_question("ulga_na_start", "en")
    assert message["buttons"][-1]["payload"] == "/request_human"


def test_nothing_to_suggest_asks_to_rephrase() -> None:
    [message] = run(ActionSuggestTopics(), tracker([])).messages
    assert message["response"] == "utter_default"


def test_unknown_topics_are_never_offered() -> None:
    [message] = run(ActionSuggestTopics(), tracker(["faq/no_such_topic"])).messages
    assert message["response"] == "utter_default"


def test_second_miss_in_a_row_offers_a_consultant() -> None:
    [message] = run(ActionSuggestTopics(), tracker(SUGGESTED, previous_intent="nlu_fallback")).messages
    assert message["response"] == "utter_offer_consultant"


def test_not_in_kb_says_so_with_related_topics_and_a_consultant() -> None:
    [message] = run(ActionAnswerUnknown(), tracker(SUGGESTED[:1], "unknown")).messages
    assert message["response"] == "utter_answer_unknown_related"
    assert [b["payload"] for b in message["buttons"]] == [topic_question("ulga_na_start", "pl"), "/request_human"]
    assert message["buttons"][-1]["title"] == "Rozmowa z konsultantem"


def test_not_in_kb_without_related_topics_offers_only_a_consultant() -> None:
    [message] = run(ActionAnswerUnknown(), tracker([], "unknown", language="en")).messages
    assert message["response"] == "utter_answer_unknown"
    assert message["buttons"] == [{"title": "Talk to a consultant", "payload": "/request_human"}]
