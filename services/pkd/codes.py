"""The PKD table shipped in reference_data/, and reading PKD codes out of what users type.

Users write codes in many ways ("47.91.Z", "4791Z", "47.91z", "PKD 47 91 Z", "47.91"); the
canonical form is NN.NN.X. A code without its letter is accepted when it names one subclass only.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Tuple

DATA_DIR = Path(__file__).resolve().parents[2] / "reference_data"
PKD2007_CSV = DATA_DIR / "pkd2007.csv"
CLASSIFICATION_NAME = "PKD2007"

# One code as typed: 2 digits, optional separator, 2 digits, optional separator and letter.
_CODE_RE = re.compile(r"^(\d{2})\s*[.,\- ]?\s*(\d{2})(?:\s*[.,\- ]?\s*([A-Za-z]))?\.?$")
# Something that is *meant* as a code (digits and separators, maybe a trailing letter).
_CODE_ATTEMPT_RE = re.compile(r"^\d[\d.,\- ]*[A-Za-z]?\.?$")
_LIST_SEPARATORS_RE = re.compile(r"\s*(?:[,;/\n]|\bi\b|\boraz\b|\band\b|\+|&)\s*", re.IGNORECASE)
_INTRO_RE = re.compile(
    r"^(?:(?:główny|glowny|dodatkowe?|main|extra|additional)\s+)?"
    r"(?:(?:kody?|codes?)\s+)?(?:pkd\s*(?:2007)?\s*[:\-]?\s*)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PkdEntry:
    code: str
    name: str


@dataclass(frozen=True)
class CodeParse:
    """What `parse_codes` found: canonical codes, or the first typed item that is not a valid code.

    `problem` is None (all fine), "format" (not of the form NN.NN.X), "unknown" (well-formed but
    not in the classification) or "ambiguous" (NN.NN with several subclasses: see `options`).
    """

    codes: List[str] = field(default_factory=list)
    problem: str | None = None
    given: str | None = None
    options: List[str] = field(default_factory=list)


class PkdClassification:
    """The subclasses of one PKD edition, by canonical code."""

    def __init__(self, entries: List[PkdEntry], name: str = CLASSIFICATION_NAME) -> None:
        self.name = name
        self.entries: Dict[str, PkdEntry] = {entry.code: entry for entry in entries}

    @classmethod
    def from_csv(cls, path: Path = PKD2007_CSV, name: str = CLASSIFICATION_NAME) -> PkdClassification:
        """A table with the columns `code` (NN.NN.X) and `name_pl`."""
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        return cls([PkdEntry(row["code"].strip(), row["name_pl"].strip()) for row in rows], name)

    def get(self, code: str) -> PkdEntry | None:
        return self.entries.get(code)

    def with_prefix(self, prefix: str) -> List[PkdEntry]:
        """Subclasses of the class `prefix` (NN.NN)."""
        return [entry for code, entry in self.entries.items() if code.startswith(prefix + ".")]

    def parse_one(self, item: str) -> Tuple[str | None, str | None, List[str]]:
        """(code, problem, options) for one typed item; see CodeParse for the problems."""
        match = _CODE_RE.match(item.strip())
        if not match:
            return None, "format", []
        division_group, klass, letter = match.groups()
        prefix = f"{division_group}.{klass}"
        if letter:
            code = f"{prefix}.{letter.upper()}"
            return (code, None, []) if code in self.entries else (code, "unknown", [])
        candidates = [entry.code for entry in self.with_prefix(prefix)]
        if len(candidates) == 1:
            return candidates[0], None, []
        if candidates:
            return None, "ambiguous", candidates
        return prefix, "unknown", []


@lru_cache(maxsize=1)
def classification() -> PkdClassification:
    """The shipped classification (loaded once per process)."""
    return PkdClassification.from_csv()


def looks_like_codes(text: str) -> bool:
    """True when the user typed codes (one or a list), not a description in words."""
    items = _split(text)
    return bool(items) and all(_CODE_ATTEMPT_RE.match(item) for item in items)


def _split(text: str) -> List[str]:
    """Typed items: split on commas and conjunctions, and on spaces between complete codes."""
    stripped = _INTRO_RE.sub("", text.strip())
    items: List[str] = []
    for item in (part.strip() for part in _LIST_SEPARATORS_RE.split(stripped)):
        if not item:
            continue
        parts = item.split()
        if not _CODE_RE.match(item) and len(parts) > 1 and all(_CODE_RE.match(part) for part in parts):
            items.extend(parts)
        else:
            items.append(item)
    return items


def parse_codes(text: str, table: PkdClassification | None = None) -> CodeParse | None:
    """The codes in `text`, or None if `text` is not a list of codes (then it is a description)."""
    if not looks_like_codes(text):
        return None
    table = table or classification()
    codes: List[str] = []
    for item in _split(text):
        code, problem, options = table.parse_one(item)
        if problem:
            return CodeParse(codes, problem, code or item.strip(), options)
        if code not in codes:
            codes.append(code)
    return CodeParse(codes)
