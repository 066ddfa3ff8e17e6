"""The domain's response texts, so tests compare replies with the source instead of copies."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Dict, List

import yaml

DOMAIN = Path(__file__).resolve().parent.parent / "domain"


@functools.lru_cache(maxsize=1)
def _responses() -> Dict[str, List[dict]]:
    merged: Dict[str, List[dict]] = {}
    for path in sorted(DOMAIN.glob("*.yml")):
        merged.update((yaml.safe_load(path.read_text("utf-8")) or {}).get("responses") or {})
    return merged


def response_text(name: str, language: str, channel: str | None = None) -> str:
    """The text Rasa sends for `name` in `language` (no channel-specific variation by default)."""
    variations = _responses()[name]
    if not any(v.get("condition") for v in variations):
        language = "pl"  # one text for every language (e.g. utter_language_now_en)
    for variation in variations:
        condition = variation.get("condition") or []
        wants_english = any(c.get("name") == "language" and c.get("value") == "en" for c in condition)
        if variation.get("channel") == channel and wants_english == (language == "en"):
            return variation["text"]
    raise KeyError(f"{name} has no {language} variation")
