"""Core custom actions on realistic trackers (no server needed)."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.core import ActionSuggestTopics, parse_rating, requested_language
from actions.knowledge import topic_question, topic_title


def tracker(ranking: List[Dict[str, Any]], language: str = "pl", previous_intent: str = "greet") -> Tracker:
    parse = {
        "intent": {"name": "nlu_fallback", "confidence": 0.45},
        "text": "cos o zus",
        "response_selector": {"faq": {"ranking": ranking}},
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


RANKING = [
    {"intent_response_key": "faq/ulga_na_start", "confidence": 0.4, "similarity": 0.31},
    {"intent_response_key": "faq/preferential_contributions", "confidence": 0.3, "similarity": 0.29},
    {"intent_response_key": "faq/maly_zus_plus", "confidence": 0.2, "similarity": 0.22},
    {"intent_response_key": "faq/health_contribution", "confidence": 0.1, "similarity": 0.21},
]


def test_first_miss_suggests_top_three_topics_and_a_consultant() -> None:
    dispatcher = run(ActionSuggestTopics(), tracker(RANKING, "en"))
    [message] = dispatcher.messages
    assert message["response"] == "utter_did_you_mean"
    assert [b["title"] for b in message["buttons"]] == [
        topic_title("ulga_na_start", "en"),
        topic_title("preferential_contributions", "en"),
        topic_title("maly_zus_plus", "en"),
        "Talk to a consultant",
    ]
    assert message["buttons"][0]["payload"] == topic_question("ulga_na_start", "en")


def test_dissimilar_topics_are_not_suggested() -> None:
    weak = [dict(item, similarity=0.1) for item in RANKING]
    [message] = run(ActionSuggestTopics(), tracker(weak)).messages
    assert message["response"] == "utter_default"


def test_second_miss_in_a_row_offers_a_consultant() -> None:
    [message] = run(ActionSuggestTopics(), tracker(RANKING, previous_intent="nlu_fallback")).messages
    assert message["response"] == "utter_offer_consultant"


def test_requested_language() -> None:
    assert requested_language("mów po angielsku", "pl", "pl") == "en"
    assert requested_language("switch to Polish", "en", "en") == "pl"
    assert requested_language('/change_language{"language":"en"}', "en", "pl") == "en"
    assert requested_language("zmień język", "pl", "pl") == "en"  # no target named: the other one
    assert requested_language("change the language", "en", "en") == "pl"


def test_parse_rating() -> None:
    assert [parse_rating(v) for v in ("4", "5/5", "3 gwiazdki", "0", "7", None, "super")] == [
        4,
        5,
        3,
        None,
        None,
        None,
        None,
    ]
