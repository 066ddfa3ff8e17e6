"""Held-out evaluation questions (benchmarks/heldout/*.yml), expanded into the measured styles.

Every question belongs to one split, fixed by a hash of its topic and text: `dev` (weights and
thresholds are tuned on it) or `test` (only reported). A no-diacritics variant follows its original.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from lang.text import fold

HELDOUT_DIR = Path(__file__).resolve().parent / "heldout"


@dataclass(frozen=True)
class Query:
    topic: str
    language: str
    style: str  # plain | no_diacritics | keywords | long | long_no_diacritics
    text: str
    split: str = "test"  # dev | test


def split_of(topic: str, text: str) -> str:
    """`dev` or `test`, stable across runs and machines (half of the questions each)."""
    return "dev" if zlib.crc32(f"{topic}\0{text}".encode()) % 2 == 0 else "test"


def load_queries(directory: Path = HELDOUT_DIR, split: str | None = None) -> List[Query]:
    """All held-out queries, or only those of `split` ("dev" / "test")."""
    queries: List[Query] = []
    for path in sorted(directory.glob("*.yml")):
        for item in yaml.safe_load(path.read_text("utf-8"))["heldout"]:
            for language in ("pl", "en"):
                styles = item.get(language) or {}
                for text in styles.get("plain", []):
                    part = split_of(item["id"], text)
                    queries.append(Query(item["id"], language, "plain", text, part))
                    if language == "pl" and fold(text) != text.lower():
                        queries.append(Query(item["id"], language, "no_diacritics", fold(text), part))
                for text in styles.get("long", []):
                    part = split_of(item["id"], text)
                    queries.append(Query(item["id"], language, "long", text, part))
                    if language == "pl" and fold(text) != text.lower():
                        queries.append(Query(item["id"], language, "long_no_diacritics", fold(text), part))
                for text in styles.get("keywords", []):
                    queries.append(Query(item["id"], language, "keywords", text, split_of(item["id"], text)))
    return [query for query in queries if split is None or query.split == split]


def first_per_topic(per_topic: int | None = None) -> List[Query]:
    """All held-out queries, or the first `per_topic` of each topic and language (the retrain gate's
    regression set and its benchmark use this one selection)."""
    taken: Dict[Tuple[str, str], int] = {}
    chosen: List[Query] = []
    for query in load_queries():
        key = (query.topic, query.language)
        if per_topic is not None and taken.get(key, 0) >= per_topic:
            continue
        taken[key] = taken.get(key, 0) + 1
        chosen.append(query)
    return chosen
