"""Suggesting PKD codes for an activity described in words, in Polish or English.

Polish descriptions are matched against the official names on diacritics-folded lemmas
(simplemma), compared by their first letters so that inflections and typing without diacritics
still match ("ubrań", "ubran", "ubrania"). Words the official names do not use (everyday Polish,
all English) go through the hand-made keyword map in reference_data/pkd_keywords.yml.
Scores: rare matched words count more (IDF); a keyword hit counts like a very rare word.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Sequence, Set, Tuple

import simplemma
import yaml

from lang.text import fold, words
from services.pkd.codes import DATA_DIR, PkdClassification, classification

KEYWORDS_FILE = DATA_DIR / "pkd_keywords.yml"
_KEY_LENGTH = 6  # words compare on their first letters: enough for Polish endings to differ
_MIN_PREFIX = 5  # a shorter key matches a longer one it begins, if it has at least this many
_KEYWORD_WEIGHT = 6.0
_MIN_SCORE = 2.0
_RELATIVE_CUT = 0.2

_STOPWORDS = {
    "pl": set(
        [
            "a",
            "aby",
            "albo",
            "ale",
            "bez",
            "by",
            "być",
            "chcę",
            "chce",
            "chciałbym",
            "chciałabym",
            "chcialbym",
            "chcialabym",
            "co",
            "czy",
            "dla",
            "do",
            "gdzie",
            "i",
            "ich",
            "inne",
            "innych",
            "jak",
            "jako",
            "jest",
            "jestem",
            "już",
            "lub",
            "ma",
            "mam",
            "mieć",
            "mnie",
            "moja",
            "moje",
            "mój",
            "na",
            "nad",
            "nie",
            "niż",
            "o",
            "od",
            "oraz",
            "po",
            "pod",
            "poprzez",
            "prowadzić",
            "przez",
            "przy",
            "robić",
            "się",
            "są",
            "ta",
            "tak",
            "te",
            "to",
            "tu",
            "w",
            "we",
            "z",
            "za",
            "ze",
            "że",
            "zajmować",
            "zajmuję",
            "będę",
            "bede",
            "firma",
            "firmę",
            "firmy",
            "działalność",
            "działalności",
            "usługa",
            "usługi",
            "rzecz",
            "rzeczy",
            "coś",
            "różny",
            "różne",
            "itp",
            "itd",
            "np",
        ]
    ),
    "en": set(
        [
            "a",
            "an",
            "and",
            "as",
            "at",
            "be",
            "business",
            "by",
            "company",
            "do",
            "doing",
            "for",
            "from",
            "i",
            "i'm",
            "in",
            "into",
            "is",
            "it",
            "my",
            "of",
            "offer",
            "on",
            "or",
            "own",
            "provide",
            "run",
            "running",
            "service",
            "services",
            "some",
            "start",
            "the",
            "to",
            "want",
            "will",
            "with",
            "work",
            "would",
            "like",
        ]
    ),
}
_FOLDED_STOPWORDS = {language: {fold(word) for word in stop} for language, stop in _STOPWORDS.items()}


@dataclass(frozen=True)
class Suggestion:
    code: str
    name: str
    score: float


Token = FrozenSet[str]  # the comparison keys of one word: its lemma's and its own


def _key(word: str) -> str:
    return word[:_KEY_LENGTH]


def _tokens(text: str, language: str) -> List[Token]:
    """The meaningful words of `text` in `language`, each as its set of comparison keys.

    A word is compared both by its lemma and by its own folded form, because simplemma does not
    know words typed without diacritics and sometimes picks a verb ("ubranie" -> "ubrać").
    "IT" in capitals is the IT sector, not the English pronoun, so it survives stop-word removal.
    """
    stopwords = _FOLDED_STOPWORDS[language]
    tokens: List[Token] = []
    for word in words(text):
        if word == "IT":
            tokens.append(frozenset({"it"}))
            continue
        lower = word.lower()
        if fold(lower) in stopwords:
            continue
        lemma = simplemma.lemmatize(lower, lang=language)
        tokens.append(frozenset({_key(fold(lemma)), _key(fold(lower))}))
    return tokens


def _keys_match(a: str, b: str) -> bool:
    """Equal keys, or a truncated word ("ubran") against a longer one ("ubrani")."""
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= _MIN_PREFIX and longer.startswith(shorter)


def _matching_keys(token: Token, keys: Set[str]) -> Set[str]:
    return {key for key in keys if any(_keys_match(own, key) for own in token)}


def _contains_phrase(tokens: Sequence[Token], phrase: Sequence[Token]) -> bool:
    size = len(phrase)
    return any(
        all(_matching_keys(tokens[i + j], set(phrase[j])) for j in range(size)) for i in range(len(tokens) - size + 1)
    )


class PkdSearch:
    """An index over one classification plus the keyword map."""

    def __init__(self, table: PkdClassification, keywords: Dict[str, Dict[str, List[str]]]) -> None:
        self.table = table
        self.entry_keys: Dict[str, Set[str]] = {
            code: set().union(*_tokens(entry.name, "pl")) for code, entry in table.entries.items()
        }
        document_frequency: Counter = Counter(k for keys in self.entry_keys.values() for k in keys)
        total = len(self.entry_keys)
        self.idf: Dict[str, float] = {k: math.log(1 + total / df) for k, df in document_frequency.items()}
        self.keywords: Dict[str, List[Tuple[List[Token], List[str]]]] = {
            language: [(_tokens(phrase, language), codes) for phrase, codes in (mapping or {}).items()]
            for language, mapping in keywords.items()
        }

    def _name_scores(self, tokens: Sequence[Token]) -> Dict[str, float]:
        scores: Dict[str, float] = defaultdict(float)
        for token in set(tokens):
            for code, keys in self.entry_keys.items():
                matched = _matching_keys(token, keys)
                if matched:
                    scores[code] += max(self.idf[key] for key in matched)
        # Shorter (more specific) names win ties: a long name matches many words by chance.
        return {code: score / (1 + 0.05 * len(self.entry_keys[code])) for code, score in scores.items()}

    def _keyword_scores(self, tokens: Dict[str, List[Token]]) -> Dict[str, float]:
        scores: Dict[str, float] = defaultdict(float)
        for language, phrases in self.keywords.items():
            for phrase, codes in phrases:
                if not phrase or not _contains_phrase(tokens[language], phrase):
                    continue
                for rank, code in enumerate(codes):
                    scores[code] += _KEYWORD_WEIGHT * len(phrase) * (1 - 0.15 * rank)
        return scores

    def search(self, description: str, limit: int = 5) -> List[Suggestion]:
        """The best-matching subclasses for `description`, best first (empty if nothing fits)."""
        tokens = {language: _tokens(description, language) for language in _STOPWORDS}
        scores: Dict[str, float] = defaultdict(float)
        for code, score in self._name_scores(tokens["pl"]).items():
            scores[code] += score
        for code, score in self._keyword_scores(tokens).items():
            if code in self.table.entries:
                scores[code] += score
        if not scores:
            return []
        best = max(scores.values())
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [
            Suggestion(code, self.table.entries[code].name, round(score, 3))
            for code, score in ranked
            if score >= _MIN_SCORE and score >= _RELATIVE_CUT * best
        ][:limit]


def load_keywords(path: Path = KEYWORDS_FILE) -> Dict[str, Dict[str, List[str]]]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


@lru_cache(maxsize=1)
def _default_index() -> PkdSearch:
    return PkdSearch(classification(), load_keywords())


def search(description: str, limit: int = 5, index: PkdSearch | None = None) -> List[Suggestion]:
    """Suggestions from the shipped classification and keyword map (see `PkdSearch.search`)."""
    return (index or _default_index()).search(description, limit)


__all__ = ["PkdSearch", "Suggestion", "load_keywords", "search"]
