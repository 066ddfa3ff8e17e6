"""Requests about the form itself, typed instead of an answer: "nie wiem", "help", "wróć", "zmień imię".

They are read *before* the answer is validated, so "nie wiem" at the PKD question is not searched
for as an activity and "wróć" at the PESEL question is not "PESEL consists only of digits". The
patterns are compared on folded text (lower case, no diacritics), so "wroc" and "wróć" are equal.
A request must be most of the message ("nie wiem" yes, "nie wiem, chyba Kowalska" no), so a name
or an address that happens to contain one of the words is still taken as the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from actions.registration.corrections import parse_correction
from lang.text import fold, words


class Meta(str, Enum):
    DONT_KNOW = "dont_know"
    HELP = "help"
    BACK = "back"
    CHANGE_FIELD = "change_field"
    HUMAN = "human"
    CANCEL = "cancel"
    RESTART = "restart"
    CONTINUE = "continue"


@dataclass(frozen=True)
class MetaRequest:
    kind: Meta
    slot: str | None = None  # the field named ("wróć, źle wpisałem imię", "zmień imię")
    value: str | None = None  # a new value typed with it ("zmień PESEL na 90071543210")


# Whole-message patterns on folded text; `\b` keeps "pomoc" from matching inside other words.
_PATTERNS: tuple[tuple[Meta, str], ...] = (
    (
        Meta.HUMAN,
        r"(rozmaw\w* z|polacz\w* z|porozmaw\w* z|chce|daj|poprosze|przekieruj do)\s+"
        r"(\w+\s+)?(czlowiek\w*|konsultant\w*|osob\w*|pracownik\w*|urzednik\w*)"
        r"|(talk|speak|chat)\s+(to|with)\s+(a\s+|an\s+|the\s+|some\s*one|somebody)?\s*"
        r"(real\s+|live\s+)?(person|human|consultant|agent|someone|somebody|people|official)"
        r"|\b(human|person|consultant|agent)\s+please\b",
    ),
    (
        Meta.RESTART,
        r"\b(zacznij\w*|zacznijmy|zaczn\w*)\s+(od\s+)?(nowa|poczatku)\b|\bod nowa\b"
        r"|\b(start|begin)\s+(again|over|from\s+scratch|from\s+the\s+beginning)\b|\brestart\b",
    ),
    (
        Meta.CANCEL,
        r"\b(anuluj\w*|anulowac|anulowanie|rezygnuj\w*|zrezygnuj\w*|przerwij|przerwac|porzuc)\b"
        r"|\bnie chce juz\b|\b(cancel\w*|abort|quit)\b|\bforget it\b|\bgive up\b",
    ),
    (
        Meta.BACK,
        r"\b(wroc|wrocmy|cofnij|cofnijmy|powrot)\b|\bpoprzedni\w*\s+(pytani\w*|pole|krok\w*)\b"
        r"|\bgo\s+back\b|\b(previous|last)\s+(question|field|step)\b|^back$|\bundo\b",
    ),
    (
        Meta.DONT_KNOW,
        r"\bnie\s+wiem\b|\bnie\s+jestem\s+pewn\w*\b|\bnie\s+znam\b|\bnie\s+mam\s+pojecia\b"
        r"|\bnie\s+rozumiem\b|\b(i\s+)?(dont|do\s+not)\s+know\b|\bno\s+idea\b|\bnot\s+sure\b"
        r"|\b(i\s+)?(dont|do\s+not)\s+understand\b|\bidk\b",
    ),
    (
        Meta.HELP,
        r"^(pomocy|pomoc|pomoz\w*|help|help me|helpe?)$|\bpotrzebuje pomocy\b|\bpomoz\w* mi\b"
        r"|\bi need help\b|\bhelp me\b|\bco mam (wpisac|napisac|podac)\b"
        r"|\bwhat (should|do) i (type|write|enter|put)\b",
    ),
    (
        Meta.CONTINUE,
        r"^(kontynuuj\w*|dalej|continue|go on|resume|next)$|\bwrocmy do wniosku\b|\bcontinue the application\b",
    ),
)
_COMPILED = tuple((kind, re.compile(pattern)) for kind, pattern in _PATTERNS)
_CHANGE_VERBS = re.compile(
    r"\b(zmien\w*|popraw\w*|edytuj|change|correct|fix|edit|update|zle\s+wpisal\w*|pomylil\w*|wrong)\b"
)
# A request is short; more words than this is an answer that happens to contain a keyword.
_MAX_WORDS = 9


def _folded(text: str) -> str:
    return " ".join(words(fold(text).replace("'", "").replace("’", "")))


def recognise(text: str) -> MetaRequest | None:
    """The request about the form `text` makes, or None when it is (probably) an answer."""
    if not text or text.startswith("/"):
        return None
    folded = _folded(text)
    named = parse_correction(text)
    going_back = dict(_COMPILED)[Meta.BACK].search(folded)
    if named and not going_back and _CHANGE_VERBS.search(folded) and len(folded.split()) <= _MAX_WORDS:
        return MetaRequest(Meta.CHANGE_FIELD, named.slot, named.new_value)
    if not folded or len(folded.split()) > _MAX_WORDS or "@" in text:
        return None
    for kind, pattern in _COMPILED:
        if pattern.search(folded):
            if kind is Meta.BACK and named:
                return MetaRequest(Meta.BACK, named.slot)
            return MetaRequest(kind)
    return None
