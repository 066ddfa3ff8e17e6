"""`python -m components.spacy_model`: writes the blank Polish spaCy pipeline config.yml points to.

spaCy's pretrained Polish pipelines cannot be downloaded here and SpacyNLP cannot take `blank:pl`,
so we save `spacy.blank("pl")` (rule-based tokenizer only, nothing downloaded) to a folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "var" / "spacy" / "pl_blank"


def ensure_blank_model(target: Path = TARGET) -> Path:
    if not (target / "config.cfg").exists():
        import spacy

        target.parent.mkdir(parents=True, exist_ok=True)
        spacy.blank("pl").to_disk(target)
    return target


if __name__ == "__main__":
    print(ensure_blank_model(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET))
