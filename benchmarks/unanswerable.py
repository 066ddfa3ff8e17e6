"""Out-of-knowledge-base questions (benchmarks/outofkb/{dev,test}.yml) for the answerability benchmark."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List

import yaml

OUTOFKB_DIR = Path(__file__).resolve().parent / "outofkb"
KINDS = ("business", "public_services", "off_topic")


@dataclass(frozen=True)
class Unanswerable:
    kind: str  # business | public_services | off_topic
    language: str
    text: str
    split: str  # dev | test


def load_unanswerable(split: str, directory: Path = OUTOFKB_DIR) -> List[Unanswerable]:
    data = yaml.safe_load((directory / f"{split}.yml").read_text("utf-8"))
    return [
        Unanswerable(kind, language, text, split)
        for kind in KINDS
        for language, texts in (data.get(kind) or {}).items()
        for text in texts
    ]
