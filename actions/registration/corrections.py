"""Reading a correction request: which field ("zmień e-mail", "change the phone number") and,
optionally, its new value in the same message ("zmień e-mail na jan@example.com")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Tuple

from actions.registration.fields import FIELDS, FIELDS_BY_SLOT
from lang.text import fold

_CONNECTORS_RE = re.compile(r"^\s*(?:[:=\-–>]+|na|to|into|for|with|nowy|nowa|nowe|new)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Correction:
    slot: str
    new_value: str | None = None  # the text after the field's name, if any


def _keyword_index() -> List[Tuple[str, str]]:
    pairs = [(keyword, field.slot) for field in FIELDS for keyword in field.keywords]
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


_KEYWORDS = _keyword_index()


def slot_for(name: str | None) -> str | None:
    """A slot from an entity value: the slot itself ("reg_email") or one of its keywords ("mail")."""
    if not name:
        return None
    if name in FIELDS_BY_SLOT:
        return name
    folded = fold(name).strip()
    return next((slot for keyword, slot in _KEYWORDS if keyword == folded), None)


def _strip_connectors(text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, _CONNECTORS_RE.sub("", text, count=1)
    return text.strip()


def parse_correction(text: str) -> Correction | None:
    """The field named in `text` (longest keyword wins) and what follows it, or None."""
    folded = fold(text)  # same length as `text` for Latin scripts, so offsets carry over
    for keyword, slot in _KEYWORDS:
        match = re.search(r"(?<![\w-])" + re.escape(keyword) + r"(?![\w-])", folded)
        if match:
            rest = text[match.end() :] if len(folded) == len(text) else folded[match.end() :]
            return Correction(slot, _strip_connectors(rest) or None)
    return None
