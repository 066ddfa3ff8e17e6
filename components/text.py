"""Text normalisation shared by the NLU components, the knowledge-base importer and the actions.

Users often type Polish without diacritics ("jak zalozyc firme"), so every comparison of words is
made on *folded* text: lower-cased, with diacritics removed (ł -> l included, which Unicode
decomposition does not do).
"""
from __future__ import annotations

import re
import unicodedata

_EXTRA_FOLDS = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss", "æ": "ae", "ø": "o"})
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case and strip diacritics, so "Działalność" and "dzialalnosc" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLDS).lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Alphanumeric word tokens of `text` (punctuation, emoji and symbols dropped)."""
    return _WORD_RE.findall(text)


def normalise_question(text: str) -> str:
    """Key under which two questions count as the same: folded words, single-spaced."""
    return " ".join(words(fold(text)))
