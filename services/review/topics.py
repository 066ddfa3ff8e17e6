"""The topic picker's search over the knowledge base: ids, titles and questions, diacritics-insensitive."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List

from kb_import.loader import load_knowledge_base
from lang.text import normalise_question
from services.review.kb_changes import KB_DIR


@dataclass(frozen=True)
class TopicHit:
    id: str
    category: str
    title_pl: str
    title_en: str
    status: str


def search_topics(query: str, kb_dir: Path = KB_DIR, limit: int = 10) -> List[TopicHit]:
    """Topics whose id, title or questions contain the query's words, best match first."""
    terms = normalise_question(query).split()
    if not terms:
        return []
    scored = []
    for entry in load_knowledge_base(kb_dir, root=kb_dir.parent).entries:
        titles = normalise_question(" ".join(entry.title.values()) + " " + entry.id.replace("_", " "))
        questions = normalise_question(" ".join(q for qs in entry.questions.values() for q in qs))
        score = sum(3 * (term in titles) + (term in questions) for term in terms)
        if score:
            scored.append((score, entry))
    scored.sort(key=lambda item: (-item[0], item[1].id))
    return [
        TopicHit(e.id, e.category, e.title.get("pl", ""), e.title.get("en", ""), e.status) for _, e in scored[:limit]
    ]


def categories(kb_dir: Path = KB_DIR) -> List[str]:
    return sorted(p.stem for p in kb_dir.glob("*.yml") if p.stem != "synonyms")
