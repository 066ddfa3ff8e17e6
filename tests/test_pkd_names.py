"""PKD names in English (NACE Rev. 2 class names) for English conversations."""

from __future__ import annotations

import csv
from pathlib import Path

from actions.registration.pkd_field import option_label, validate_pkd_main
from actions.registration.results import Choose
from services.pkd import classification, name
from services.pkd.names import NACE_EN_CSV, english_class_names

ROOT = Path(__file__).resolve().parent.parent


def test_every_pkd_class_has_exactly_one_english_name() -> None:
    with NACE_EN_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    classes = [row["class"] for row in rows]
    assert len(rows) == 615 == len(set(classes)), "NACE Rev. 2 has 615 classes, each listed once"
    pkd_classes = {code[:5] for code in classification().entries}
    assert pkd_classes == set(classes), "PKD 2007 follows NACE Rev. 2 at class level"
    assert all(row["name_en"].strip() and row["name_en"].isascii() for row in rows)


def test_names_in_both_languages() -> None:
    assert name("47.91.Z", "en") == "Retail sale via mail order houses or via Internet"
    assert name("47.91.Z", "pl") == classification().get("47.91.Z").name
    assert name("62.01.Z", "en") == "Computer programming activities"
    assert name("56.10.A", "en") == "Restaurants and mobile food service activities"
    # subclasses of one class share the class's English name
    assert name("93.29.A", "en") == name("93.29.B", "en") == "Other amusement and recreation activities"
    assert name("96.02.Z", "en") == "Hairdressing and other beauty treatment"
    assert name("99.99.Z", "en") is None and name("99.99.Z", "pl") is None
    assert english_class_names()["69.20"] == "Accounting, bookkeeping and auditing activities; tax consultancy"


def test_registration_shows_english_names_in_english_conversations() -> None:
    assert option_label("62.01.Z", "en") == "62.01.Z Computer programming activities"
    assert option_label("62.01.Z") == "62.01.Z Działalność związana z oprogramowaniem"
    offered = validate_pkd_main("online shop clothes", language="en")
    assert isinstance(offered, Choose)
    for option in offered.options:
        assert option.label == f"{option.value} {name(option.value, 'en')}"
        assert option.label.isascii(), option.label


def test_the_source_of_the_english_names_is_documented() -> None:
    readme = (ROOT / "reference_data" / "README.md").read_text("utf-8")
    assert "nace_rev2_classes_en.csv" in readme and "Eurostat" in readme and "NACE Rev. 2" in readme
