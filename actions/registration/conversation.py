"""Reading the recent conversation from a rasa-sdk tracker: what the bot said since the user spoke."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker


def _events_since_user(tracker: Tracker) -> List[Dict[str, Any]]:
    events: List[Dict[str, Any]] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        events.append(event)
    return events


def said_this_turn(tracker: Tracker, response: str) -> bool:
    """True if the bot uttered `response` after the latest user message."""
    return any(
        event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") == response
        for event in _events_since_user(tracker)
    )


def response_before_user(tracker: Tracker) -> str | None:
    """The response name of the last bot message before the latest user message, if any."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action")
    return None
