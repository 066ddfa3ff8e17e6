"""Confirmations inside the form ("Czy na pewno anulować?"): what they are and how answers are read.

A destructive step (cancel, start again) needs a clear yes; anything else keeps the form. A valid
answer to the question that was pending before the confirmation is taken as that answer, and an
unclear reply gets the confirmation once more with buttons. Rasa-free: unit-tested directly.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from lang.text import fold, words

CANCEL, RESTART, NAME_SPLIT = "cancel", "restart", "name_split"
KINDS = (CANCEL, RESTART, NAME_SPLIT)
YES, NO = "yes", "no"

_YES_WORDS = {
    "tak",
    "yes",
    "y",
    "yeah",
    "yep",
    "sure",
    "potwierdzam",
    "zgadza",
    "zgadzam",
    "ok",
    "okay",
    "okej",
    "dobrze",
    "jasne",
    "oczywiscie",
    "correct",
    "right",
    "affirmative",
}
_NO_WORDS = {"nie", "no", "nope", "n", "not"}
_MAX_WORDS = 6  # "tak, anuluj wniosek" is a yes; a longer text is something else


def parse_confirmation(text: str) -> str | None:
    """YES or NO for a clear answer ("tak", "Nie, kontynuuj", the /affirm button), else None."""
    stripped = str(text or "").strip()
    if stripped.startswith("/affirm"):
        return YES
    if stripped.startswith("/deny"):
        return NO
    tokens = words(fold(stripped))
    if not tokens or len(tokens) > _MAX_WORDS:
        return None
    if tokens[0] in _NO_WORDS:
        return NO
    if tokens[0] in _YES_WORDS and not _NO_WORDS & set(tokens):
        return YES
    return None


def previous_field(requested: str | None, order: Sequence[str], slots: Mapping[str, object]) -> str | None:
    """The field answered just before `requested` (the last filled one before it in `order`)."""
    position = order.index(requested) if requested in order else len(order)
    for slot in reversed(order[:position]):
        if slots.get(slot) is not None:
            return slot
    return None
