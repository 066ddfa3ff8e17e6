"""The analysts' loop's tunable numbers, read from review.yml (one file, documented there)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

SETTINGS_FILE = Path(__file__).resolve().parent.parent.parent / "review.yml"


@dataclass(frozen=True)
class ReviewSettings:
    min_intent_confidence: float = 0.6
    min_topic_confidence: float = 0.8
    spot_check_rate: float = 0.05
    low_rating: int = 2
    similarity: float = 0.72
    tolerance: float = 0.01
    min_topic_questions: int = 2
    topic_tolerance: float = 0.5

    @classmethod
    def load(cls, path: Path = SETTINGS_FILE) -> ReviewSettings:
        data = yaml.safe_load(path.read_text("utf-8")) if path.exists() else {}
        flat = {key: value for section in (data or {}).values() for key, value in (section or {}).items()}
        known = {name: flat[name] for name in cls.__dataclass_fields__ if name in flat}
        return cls(**known)
