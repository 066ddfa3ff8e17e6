"""Recognising "never mind" from a user who is waiting for a consultant.

While the bot is paused Rasa still runs NLU on every message (the intent is in the event), but no
action runs; the console's watcher reads the event and cancels the ticket. The intent decides;
a few exact phrases are accepted too, in case NLU is unsure about a two-word message.
"""

from __future__ import annotations

from lang.text import fold, normalise_question

CANCEL_INTENTS = frozenset({"handoff_cancel", "cancel"})
CANCEL_PAYLOAD = "/handoff_cancel"
CANCEL_PHRASES = frozenset(
    normalise_question(p)
    for p in ("jednak nie", "nieważne", "rezygnuję", "anuluj", "never mind", "nevermind", "forget it", "cancel")
)


def is_cancel_request(text: str, intent: str | None) -> bool:
    text = (text or "").strip()
    if text.startswith(CANCEL_PAYLOAD):
        return True
    if intent in CANCEL_INTENTS:
        return True
    return normalise_question(fold(text)) in CANCEL_PHRASES
