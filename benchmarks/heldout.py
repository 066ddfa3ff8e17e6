"""Held-out evaluation questions (benchmarks/heldout/*.yml), expanded into the measured styles."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List

import yaml

from lang.text import fold

HELDOUT_DIR = Path(__file__).resolve().parent / "heldout"


@dataclass(frozen=True)
class Query:
    topic: str
    language: str
    style: str  # plain | no_diacritics | keywords
    text: str


def load_queries(directory: Path = HELDOUT_DIR) -> List[Query]:
    queries: List[Query] = []
    for path in sorted(directory.glob("*.yml")):
        for item in yaml.safe_load(path.read_text("utf-8"))["heldout"]:
            for language in ("pl", "en"):
                styles = item.get(language) or {}
                for text in styles.get("plain", []):
                    queries.append(Query(item["id"], language, "plain", text))
                    if language == "pl" and fold(text) != text.lower():
                        queries.append(Query(item["id"], language, "no_diacritics", fold(text)))
                for text in styles.get("keywords", []):
                    queries.append(Query(item["id"], language, "keywords", text))
    return queries
