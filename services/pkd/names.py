"""PKD names in the conversation's language: the official Polish names, and English from NACE Rev. 2.

PKD 2007 has no official English names, but at class level (NN.NN) it is identical to the EU's
NACE Rev. 2, whose English class names Eurostat publishes; `reference_data/nace_rev2_classes_en.csv`
holds them. A PKD subclass (NN.NN.X) gets the English name of its class, so the few classes split
into subclasses (e.g. 93.29.A and 93.29.B) share one English name.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import Dict

from services.pkd.codes import DATA_DIR, classification

NACE_EN_CSV = DATA_DIR / "nace_rev2_classes_en.csv"


@lru_cache(maxsize=1)
def english_class_names(path: Path = NACE_EN_CSV) -> Dict[str, str]:
    """NACE Rev. 2 class (NN.NN) -> English name."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["class"].strip(): row["name_en"].strip() for row in csv.DictReader(handle)}


def name(code: str, language: str = "pl") -> str | None:
    """The name of a PKD 2007 subclass (NN.NN.X) or class (NN.NN) in `language` ('pl' or 'en').

    English falls back to Polish only if the class is missing from the English table (it never is
    for the shipped tables: tests/test_pkd_names.py checks that every class has its English name).
    """
    code = code.strip().upper()
    polish = classification().get(code)
    if language == "en":
        english = english_class_names().get(code[:5])
        if english and (polish or len(code) == 5):
            return english
    if polish:
        return polish.name
    return None
