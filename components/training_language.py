"""Reads the language a training example was written in.

Every NLU block carries `metadata: {lang: pl|en}` (see docs/ARCHITECTURE.md); Rasa stores
block-level metadata under `metadata.intent` and example-level under `metadata.example`.
"""

from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message

from lang.codes import LANGUAGES


def example_language(example: Message) -> str | None:
    """`pl`, `en`, or None when the example does not say."""
    metadata = example.get("metadata") or {}
    for level in ("example", "intent"):
        value = (metadata.get(level) or {}).get("lang")
        if value in LANGUAGES:
            return value
    return None
