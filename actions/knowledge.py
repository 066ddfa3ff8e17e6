"""Read-only access to the knowledge base for actions (titles and questions for suggestion buttons)."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Dict

from kb_import import Entry, load_knowledge_base
from kb_import.errors import KnowledgeBaseError

logger = logging.getLogger(__name__)
KB_DIR = Path(__file__).resolve().parent.parent / "kb"


@functools.lru_cache(maxsize=1)
def _published() -> Dict[str, Entry]:
    try:
        kb = load_knowledge_base(KB_DIR)
    except KnowledgeBaseError as error:
        logger.error("Knowledge base unreadable, no topic suggestions: %s", error)
        return {}
    return {entry.id: entry for entry in kb.published()}


def known_topics() -> set:
    return set(_published())


def topic_title(topic_id: str, language: str) -> str:
    return _published()[topic_id].title[language]


def topic_question(topic_id: str, language: str) -> str:
    return _published()[topic_id].questions[language][0]
