"""kb_import: validation messages name the place and the problem, and nothing is written on error."""

from __future__ import annotations

import copy
import csv
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from kb_import.__main__ import main
from kb_import.generate import DOMAIN_PATH, NLU_PATH


def make_entry(entry_id: str, word: str) -> Dict[str, Any]:
    return {
        "id": entry_id,
        "status": "published",
        "owner": "kb-team-test",
        "last_review": "2026-11-20",
        "title": {"pl": f"Temat {word}", "en": f"Topic {word}"},
        "questions": {
            "pl": [f"pytanie {word} numer {i}" for i in range(10)],
            "en": [f"question {word} number {i}" for i in range(6)],
        },
        "answer": {"pl": f"Odpowiedź {word}.", "en": f"Answer {word}."},
        "short_answer": {"pl": f"Krótko {word}.", "en": f"Briefly {word}."},
        "keywords": {"pl": [f"slowo {word}"], "en": [f"keyword {word}"]},
        "sources": ["https://www.biznes.gov.pl/pl/portal/00113"],
    }


def write_kb(root: Path, entries: List[Dict[str, Any]], category: str = "start") -> Path:
    kb = root / "kb"
    kb.mkdir(parents=True, exist_ok=True)
    (kb / f"{category}.yml").write_text(
        yaml.safe_dump({"category": category, "entries": entries}, allow_unicode=True), "utf-8"
    )
    (kb / "synonyms.yml").write_text(
        yaml.safe_dump(
            {"synonyms": [{"canonical": "działalność gospodarcza", "variants": ["jdg", "firma"]}]}, allow_unicode=True
        ),
        "utf-8",
    )
    return kb


def run(root: Path, *extra: str) -> int:
    return main(["--kb", str(root / "kb"), "--root", str(root), *extra])


@pytest.fixture
def valid_entries() -> List[Dict[str, Any]]:
    return [make_entry("first_topic", "alfa"), make_entry("second_topic", "beta")]


def test_generates_retrieval_intents_responses_and_synonyms(tmp_path: Path, valid_entries, capsys) -> None:
    write_kb(tmp_path, valid_entries)
    assert run(tmp_path) == 0
    nlu = yaml.safe_load((tmp_path / NLU_PATH).read_text("utf-8"))
    domain = yaml.safe_load((tmp_path / DOMAIN_PATH).read_text("utf-8"))
    intents = [(block["intent"], block["metadata"]["lang"]) for block in nlu["nlu"] if "intent" in block]
    assert intents == [
        ("faq/first_topic", "pl"),
        ("faq/first_topic", "en"),
        ("faq/second_topic", "pl"),
        ("faq/second_topic", "en"),
    ]
    first_pl = nlu["nlu"][0]["examples"]
    assert "- pytanie alfa numer 0\n" in first_pl and "- slowo alfa\n" in first_pl
    synonym = [block for block in nlu["nlu"] if "synonym" in block][0]
    assert synonym["synonym"] == "działalność gospodarcza" and "- jdg" in synonym["examples"]
    answers = domain["responses"]["utter_faq/first_topic"]
    assert answers[0] == {"text": "Odpowiedź alfa."}
    assert answers[1] == {"text": "Answer alfa.", "condition": [{"type": "slot", "name": "language", "value": "en"}]}
    assert {"text": "Briefly alfa.", "channel": "whatsapp", "condition": answers[1]["condition"]} in answers
    for path in (NLU_PATH, DOMAIN_PATH):
        assert (tmp_path / path).read_text("utf-8").startswith("# GENERATED FILE - do not edit.")
    assert "added (2): first_topic, second_topic" in capsys.readouterr().out


def test_unchanged_knowledge_base_regenerates_byte_identical_files(tmp_path: Path, valid_entries, capsys) -> None:
    write_kb(tmp_path, valid_entries)
    assert run(tmp_path) == 0
    before = {p: (tmp_path / p).read_bytes() for p in (NLU_PATH, DOMAIN_PATH)}
    assert run(tmp_path) == 0
    assert {p: (tmp_path / p).read_bytes() for p in (NLU_PATH, DOMAIN_PATH)} == before
    assert "already up to date" in capsys.readouterr().out
    assert run(tmp_path, "--check") == 0


def test_summary_names_changed_answers_and_check_detects_stale_files(tmp_path: Path, valid_entries, capsys) -> None:
    write_kb(tmp_path, valid_entries)
    run(tmp_path)
    valid_entries[1]["answer"]["en"] = "A better answer."
    write_kb(tmp_path, valid_entries)
    assert run(tmp_path, "--check") == 1
    capsys.readouterr()
    assert run(tmp_path) == 0
    assert "answers changed (1): second_topic" in capsys.readouterr().out


def _broken(valid_entries, change) -> List[Dict[str, Any]]:
    entries = copy.deepcopy(valid_entries)
    change(entries)
    return entries


ERROR_CASES = {
    "duplicate id": (
        lambda e: e[1].update(id="first_topic"),
        "kb/start.yml, entry 2 ('first_topic'): duplicate id 'first_topic' (first defined at kb/start.yml, entry 1 ('first_topic'))",
    ),
    "missing language": (
        lambda e: e[0]["answer"].pop("en"),
        "kb/start.yml, entry 1 ('first_topic'): missing English answer (answer.en)",
    ),
    "empty answer": (
        lambda e: e[0]["answer"].update(pl=""),
        "kb/start.yml, entry 1 ('first_topic'): empty Polish answer (answer.pl)",
    ),
    "bad id": (
        lambda e: e[0].update(id="First Topic"),
        "kb/start.yml, entry 1 ('First Topic'): bad id 'First Topic': use 3-64 lowercase letters, digits and _, starting with a letter",
    ),
    "same question under two topics": (
        lambda e: e[1]["questions"]["pl"].append("Pytanie ALFA, numer 3?"),
        "kb/start.yml, entry 2 ('second_topic'): question 'Pytanie ALFA, numer 3?' (pl) is also under topic 'first_topic' (kb/start.yml, entry 1 ('first_topic'))",
    ),
    "malformed link": (
        lambda e: e[0].update(sources=["htp://biznes.gov.pl"]),
        "kb/start.yml, entry 1 ('first_topic'): malformed link 'htp://biznes.gov.pl': sources must be full https:// URLs",
    ),
    "missing owner": (
        lambda e: e[0].pop("owner"),
        "kb/start.yml, entry 1 ('first_topic'): no owner: name the team that keeps this answer correct (e.g. owner: kb-team-zus)",
    ),
    "unknown status": (
        lambda e: e[0].update(status="archived"),
        "kb/start.yml, entry 1 ('first_topic'): bad status 'archived': use draft, published, retired",
    ),
    "source off the allow-list": (
        lambda e: e[0].update(sources=["https://www.infor.pl/prawo/zus.html"]),
        "kb/start.yml, entry 1 ('first_topic'): source 'https://www.infor.pl/prawo/zus.html' is not on an official domain (gov.pl, europa.eu, zus.pl, nbp.pl, bgk.pl or their subdomains)",
    ),
    "a key on a list item's line": (
        lambda e: e[0]["keywords"].update(pl=["alfa", {"beta    en": None}]),
        "kb/start.yml, entry 1 ('first_topic'): `keywords.pl` item 2 is not a text: {'beta    en': None} (is a `key:` on the same line as a list item? put it on its own line)",
    ),
    "too few questions": (
        lambda e: e[0]["questions"].update(en=["only one"]),
        "kb/start.yml, entry 1 ('first_topic'): only 1 English questions; a published entry needs at least 6 (questions.en)",
    ),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_each_error_is_reported_exactly_and_nothing_is_written(
    tmp_path: Path, valid_entries, capsys, case: str
) -> None:
    write_kb(tmp_path, valid_entries)
    assert run(tmp_path) == 0
    before = {p: (tmp_path / p).read_bytes() for p in (NLU_PATH, DOMAIN_PATH)}
    change, message = ERROR_CASES[case]
    write_kb(tmp_path, _broken(valid_entries, change))
    capsys.readouterr()
    assert run(tmp_path) == 2
    err = capsys.readouterr().err
    assert "nothing was written" in err
    assert f"  {message}\n" in err
    assert {p: (tmp_path / p).read_bytes() for p in (NLU_PATH, DOMAIN_PATH)} == before


def test_invalid_yaml_names_the_file_and_line(tmp_path: Path, valid_entries, capsys) -> None:
    kb = write_kb(tmp_path, valid_entries)
    (kb / "zus.yml").write_text("category: zus\nentries:\n  - id: x\n   bad: [\n", "utf-8")
    assert run(tmp_path) == 2
    assert "kb/zus.yml: not valid YAML at line" in capsys.readouterr().err
    assert not (tmp_path / NLU_PATH).exists()


def _sheet_row(entry: Dict[str, Any], category: str) -> Dict[str, str]:
    return {
        "id": entry["id"],
        "category": category,
        "status": "published",
        "owner": "kb-team-test",
        "last_review": "2026-11-20",
        "title_pl": entry["title"]["pl"],
        "title_en": entry["title"]["en"],
        "questions_pl": "\n".join(entry["questions"]["pl"]),
        "questions_en": "\n".join(entry["questions"]["en"]),
        "answer_pl": entry["answer"]["pl"],
        "answer_en": entry["answer"]["en"],
        "keywords_pl": ", ".join(entry["keywords"]["pl"]),
        "keywords_en": "",
        "sources": " ".join(entry["sources"]),
    }


def test_csv_export_is_imported_beside_yaml(tmp_path: Path, valid_entries) -> None:
    write_kb(tmp_path, valid_entries[:1])
    sheet = tmp_path / "export.csv"
    row = _sheet_row(valid_entries[1], "tax")
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    assert run(tmp_path, "--from-sheet", str(sheet)) == 0
    domain = yaml.safe_load((tmp_path / DOMAIN_PATH).read_text("utf-8"))
    assert domain["responses"]["utter_faq/second_topic"][1]["text"] == "Answer beta."


def test_xlsx_export_errors_name_the_row(tmp_path: Path, valid_entries, capsys) -> None:
    from openpyxl import Workbook

    write_kb(tmp_path, valid_entries[:1])
    good = _sheet_row(valid_entries[1], "tax")
    bad = dict(
        good,
        id="third_topic",
        answer_en="",
        questions_pl="\n".join(f"inne pytanie {i}" for i in range(10)),
        questions_en="\n".join(f"other question {i}" for i in range(6)),
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(good))
    sheet.append(list(good.values()))
    sheet.append(list(bad.values()))
    workbook.save(tmp_path / "export.xlsx")
    assert run(tmp_path, "--from-sheet", str(tmp_path / "export.xlsx")) == 2
    assert "export.xlsx, row 3 ('third_topic'): missing English answer (answer.en)" in capsys.readouterr().err
    assert not (tmp_path / NLU_PATH).exists()


def test_sheet_without_required_columns(tmp_path: Path, valid_entries, capsys) -> None:
    write_kb(tmp_path, valid_entries)
    (tmp_path / "export.csv").write_text("id,category\nx,start\n", "utf-8")
    assert run(tmp_path, "--from-sheet", str(tmp_path / "export.csv")) == 2
    assert "export.csv: missing column(s): questions_pl, questions_en, answer_pl, answer_en" in capsys.readouterr().err


def test_project_knowledge_base_is_valid_and_covers_the_contract() -> None:
    """Every contract topic exists with exactly its id, and generated files are up to date."""
    root = Path(__file__).resolve().parent.parent
    contract = yaml.safe_load((root / "kb" / "contract" / "topics.yml").read_text("utf-8"))
    from kb_import import load_knowledge_base
    from kb_import.validate import validate

    kb = load_knowledge_base(root / "kb")
    assert validate(kb) == []
    published = {entry.id for entry in kb.published()}
    assert {topic["id"] for topic in contract["topics"]} <= published
    assert main(["--check"]) == 0
