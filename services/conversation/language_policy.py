"""The conversation's language policy: the one place that decides when the language changes.

1. An explicit request ("in English please", "po polsku", the language button) always changes it,
   and the choice *sticks*: after it, detection no longer changes the language, until the next
   explicit request.
2. Otherwise a message the detector finds clearly in the other language changes it, unless the
   message answers a pending form question. Values typed into a form (names, addresses, PKD
   descriptions, e-mails, numbers) say nothing about the language a person wants to be served in:
   "ul. Kwiatowa 12, 31-056 Kraków" is how every foreigner in Poland writes the address.
3. A message that answers a pending question is recognised by what it is *not*: not a question,
   not a request about the form ("help", "nie wiem"), not a greeting or thanks. Anything else typed
   while a form question waits is treated as an attempt to answer it (a surname, an address, even
   "Robert'); DROP TABLE applications;--"), and it keeps the language.

No Rasa imports: the rules are unit-tested directly and measured by benchmarks/language_lookalikes.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lang.codes import known, or_default

# Intents that are never an answer to a form question: said in a language, they may switch it.
CONVERSATIONAL_INTENTS = frozenset({"greet", "goodbye", "thank", "bot_challenge", "request_human", "faq"})
# The detector's confidence for a conversational message to count as "clearly" in a language.
CLEAR_CONFIDENCE = 0.8

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
        return entity_value  # type: ignore[return-value]
    return "en" if current == "pl" else "pl"


@dataclass(frozen=True)
class Turn:
    """What the policy needs to know about one user message."""

    current: str | None  # the conversation's language before this message (None: not yet known)
    chosen: bool  # the user explicitly chose `current`
    detected: str | None  # the detector's language for this message, None when it cannot tell
    confidence: float = 0.0
    intent: str | None = None
    form_question_pending: bool = False  # a form waits for an answer to its question
    is_question: bool = False  # "?" or a question word first
    is_form_request: bool = False  # "help", "nie wiem", "wróć", ... (see meta_requests)


def answers_pending_question(turn: Turn) -> bool:
    """True when the message is (an attempt at) the answer to the form's pending question."""
    if not turn.form_question_pending:
        return False
    if turn.is_question or turn.is_form_request:
        return False
    return turn.intent not in CONVERSATIONAL_INTENTS


def next_language(turn: Turn) -> str | None:
    """The language to set after this message, or None to keep the current one.

    Explicit requests are not decided here: `action_change_language` sets the language and marks
    it chosen (see `explicit_choice`).
    """
    detected = known(turn.detected)
    if detected is None or turn.chosen or detected == turn.current:
        return None
    if answers_pending_question(turn) or turn.confidence < CLEAR_CONFIDENCE:
        return None
    return detected


def explicit_choice(text: str, entity_value: str | None, current: str | None) -> str:
    """The language an explicit request asks for (a button, "po polsku", "in English please")."""
    return requested_language(text, entity_value, or_default(current))
