"""Read-only access to the knowledge base for actions (titles and questions for suggestion buttons).

The titles must be those of the model that is answering, not of whatever kb/ holds now (an analyst
may have edited it before the retrain was promoted). `python -m review retrain` saves the titles a
model was trained with under its model id (models/topics/<model_id>.json); Rasa stamps that id on
every event, so `model_id_of(tracker)` picks the right snapshot. Models without one (trained by
hand or by the tests) fall back to kb/.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from pathlib import Path
from typing import Any, Dict

from kb_import import load_knowledge_base
from kb_import.errors import KnowledgeBaseError

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
KB_DIR = ROOT / "kb"
TOPICS_DIR = ROOT / "models" / "topics"


@functools.lru_cache(maxsize=1)
def _from_kb() -> Dict[str, Dict[str, Dict[str, str]]]:
    try:
        kb = load_knowledge_base(KB_DIR)
    except KnowledgeBaseError as error:
        logger.error("Knowledge base unreadable, no topic suggestions: %s", error)
        return {}
    return {
        e.id: {"title": e.title, "question": {lang: qs[0] for lang, qs in e.questions.items() if qs}}
        for e in kb.published()
    }


@functools.lru_cache(maxsize=8)
def _from_snapshot(model_id: str) -> Dict[str, Dict[str, Dict[str, str]]] | None:
    path = TOPICS_DIR / f"{model_id}.json"
    if not re.fullmatch(r"[0-9a-f]{8,64}", model_id) or not path.exists():
        return None
    return json.loads(path.read_text("utf-8"))


def _topics(model_id: str | None) -> Dict[str, Dict[str, Dict[str, str]]]:
    return (_from_snapshot(model_id) if model_id else None) or _from_kb()


def model_id_of(tracker: Any) -> str | None:
    """The id of the model that handled the latest user message (Rasa puts it in event metadata)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return (event.get("metadata") or {}).get("model_id")
    return None


def known_topics(model_id: str | None = None) -> set:
    return set(_topics(model_id))


def topic_title(topic_id: str, language: str, model_id: str | None = None) -> str:
    return _topics(model_id)[topic_id]["title"][language]


def topic_question(topic_id: str, language: str, model_id: str | None = None) -> str:
    return _topics(model_id)[topic_id]["question"][language]
