"""The conversation's language, as seen from custom actions."""
from __future__ import annotations

from rasa_sdk import Tracker

DEFAULT_LANGUAGE = "pl"


def language_of(tracker: Tracker) -> str:
    """`pl` or `en`; an unset slot means the office's language, Polish."""
    value = tracker.get_slot("language")
    return value if value in ("pl", "en") else DEFAULT_LANGUAGE


def pick(tracker: Tracker, pl: str, en: str) -> str:
    """A short label in the conversation's language (sentences belong in domain responses)."""
    return en if language_of(tracker) == "en" else pl
