"""The knowledge base as plain data, independent of where it was read from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Dict, List

from lang.codes import LANGUAGES

if TYPE_CHECKING:  # pragma: no cover
    from kb_import.figures import Figure

__all__ = ["LANGUAGES", "STATUSES", "Entry", "Synonym", "KnowledgeBase"]
# draft: being written or checked; published: trained and answered; retired: kept for its id
STATUSES = ("draft", "published", "retired")


@dataclass
class Entry:
    """One FAQ topic. Texts are keyed by language code."""

    id: str
    category: str
    location: str  # where it was read from, for error messages: "kb/start.yml, entry 3"
    status: str = "published"
    owner: str = ""  # the team that keeps the answer correct, e.g. kb-team-zus
    last_review: str | None = None
    title: Dict[str, str] = field(default_factory=dict)
    questions: Dict[str, List[str]] = field(default_factory=dict)
    answer: Dict[str, str] = field(default_factory=dict)
    short_answer: Dict[str, str] = field(default_factory=dict)
    keywords: Dict[str, List[str]] = field(default_factory=dict)
    sources: List[str] = field(default_factory=list)
    # the answer is followed by an offer to talk to a consultant (complex or personal matters)
    needs_consultant: bool = False

    @property
    def published(self) -> bool:
        return self.status == "published"


@dataclass
class Synonym:
    canonical: str
    variants: List[str]
    location: str


@dataclass
class KnowledgeBase:
    entries: List[Entry]
    synonyms: List[Synonym]
    sources: List[str]  # the files read, for the generated files' headers
    figures: Dict[str, Figure] = field(default_factory=dict)  # kb/figures.yml by name
    review_after_months: int = 12  # kb/review.yml: an answer older than this is due for review

    def published(self) -> List[Entry]:
        return sorted((e for e in self.entries if e.published), key=lambda e: e.id)

    def by_id(self) -> Dict[str, Entry]:
        return {entry.id: entry for entry in self.entries}
