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


class DiacriticsRestorer:
    """Puts Polish diacritics back on words typed without them, for words seen in training.

    Sentence encoders were trained on correctly written Polish and misread "jak zalozyc firme";
    restoring it to "jak założyć firmę" from our own vocabulary costs one look-up per word.
    Words that already carry diacritics, or were never seen with them, are left as typed.
    """

    def __init__(self) -> None:
        self.surface: dict[str, str] = {}

    def fit(self, texts: list[str]) -> DiacriticsRestorer:
        from collections import Counter, defaultdict

        seen: defaultdict[str, Counter] = defaultdict(Counter)
        for text in texts:
            for word in words(text.lower()):
                seen[fold(word)][word] += 1
        for folded, forms in seen.items():
            best, _ = forms.most_common(1)[0]
            if best != folded:
                self.surface[folded] = best
        return self

    def restore(self, text: str) -> str:
        def replace(match: re.Match[str]) -> str:
            word = match.group(0)
            if fold(word) != word.lower():
                return word  # typed with diacritics: trust the user
            restored = self.surface.get(word.lower())
            if restored is None:
                return word
            return restored.capitalize() if word[:1].isupper() else restored

        return _WORD_RE.sub(replace, text)
