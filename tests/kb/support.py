"""Helpers for knowledge-base tests: a throw-away project root with kb/, figures and office.yml."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import yaml

from kb_import.generate import DOMAIN_PATH, NLU_PATH
from tests.test_kb_import import make_entry, run, write_kb

__all__ = ["DOMAIN_PATH", "NLU_PATH", "answers", "make_entry", "run", "write_figures", "write_kb", "write_office"]

OFFICIAL = "https://www.gov.pl/web/rodzina/minimalne-wynagrodzenie-za-prace"


def write_figures(root: Path, figures: List[Dict[str, Any]]) -> None:
    (root / "kb").mkdir(parents=True, exist_ok=True)
    (root / "kb" / "figures.yml").write_text(yaml.safe_dump({"figures": figures}, allow_unicode=True), "utf-8")


def write_office(root: Path, phone: str, hours: Dict[str, List[str]]) -> None:
    office = {
        "name": {"pl": "Urząd Testowy", "en": "Test Office"},
        "phone": {"main": phone, "international": "+48 99 999 99 99"},
        "contact_page": "https://www.biznes.gov.pl/pl/portal/kontakt",
        "timezone": "Europe/Warsaw",
        "hours": hours,
    }
    (root / "office.yml").write_text(yaml.safe_dump(office, allow_unicode=True), "utf-8")


def answers(root: Path, topic: str) -> Dict[str, str]:
    """{'pl': ..., 'en': ..., 'pl_short': ..., 'en_short': ...} of one generated topic."""
    variations = yaml.safe_load((root / DOMAIN_PATH).read_text("utf-8"))["responses"][f"utter_faq/{topic}"]
    result = {}
    for variation in variations:
        lang = "en" if variation.get("condition") else "pl"
        key = lang if "channel" not in variation else f"{lang}_short"
        result.setdefault(key, variation["text"])
    return result
