"""The conversation's language, as seen from custom actions."""

from __future__ import annotations

from rasa_sdk import Tracker

from lang.codes import DEFAULT_LANGUAGE, or_default

__all__ = ["DEFAULT_LANGUAGE", "language_of", "pick"]


def language_of(tracker: Tracker) -> str:
    """`pl` or `en`; an unset slot means the office's language, Polish."""
    return or_default(tracker.get_slot("language"))


def pick(tracker: Tracker, pl: str, en: str) -> str:
    """A short label in the conversation's language (sentences belong in domain responses)."""
    return en if language_of(tracker) == "en" else pl
