"""Canned answers for consultants: knowledge-base topics matching a few words, in one language."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import List

from kb_import import load_knowledge_base
from lang.text import fold, words

KB_DIR = Path(__file__).resolve().parents[2] / "kb"


@dataclass(frozen=True)
class CannedAnswer:
    topic: str
    title: str
    answer: str


@functools.lru_cache(maxsize=1)
def _topics() -> tuple:
    kb = load_knowledge_base(KB_DIR)
    return tuple(kb.published())


def _terms(text: str) -> set:
    return {w for w in words(fold(text)) if len(w) > 2}


def search(query: str, language: str, limit: int = 5) -> List[CannedAnswer]:
    """Topics whose title, questions and keywords share the most words with `query` (folded)."""
    wanted = _terms(query)
    if not wanted:
        return []
    lang = language if language in ("pl", "en") else "pl"
    scored = []
    for entry in _topics():
        title = entry.title.get(lang, "")
        haystack = " ".join([title, *entry.questions.get(lang, []), *entry.keywords.get(lang, [])])
        prefixes = {t[:5] for t in _terms(haystack)}
        score = sum(1 for w in wanted if w[:5] in prefixes) + (2 if wanted <= _terms(title) else 0)
        if score:
            scored.append((score, entry.id, CannedAnswer(entry.id, title, entry.answer.get(lang, ""))))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [answer for _score, _id, answer in scored[:limit]]
