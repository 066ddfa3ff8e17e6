"""The held-out near-copy checker and the shape of the held-out question files."""

from __future__ import annotations

from pathlib import Path

import yaml

from benchmarks.heldout import HELDOUT_DIR
from benchmarks.heldout_check import main

KB = {
    "category": "demo",
    "entries": [
        {
            "id": "alcohol_permit",
            "questions": {
                "pl": ["Jak uzyskać zezwolenie na sprzedaż alkoholu w sklepie?"],
                "en": ["How do I get a licence to sell alcohol in my shop?"],
            },
        },
        {
            "id": "food_truck",
            "questions": {"pl": ["Jakie formalności dla food trucka?"], "en": ["Food truck permits"]},
        },
    ],
}

HELDOUT = {
    "category": "demo",
    "heldout": [
        {
            "id": "alcohol_permit",
            "pl": {
                # the training question without diacritics and punctuation: a near-copy
                "plain": ["jak uzyskac zezwolenie na sprzedaz alkoholu w sklepie", "Kto pozwoli mi handlować piwem?"],
                "keywords": ["piwo w sklepie"],
            },
            "en": {"plain": ["Which office lets me stock beer?", "Who approves beer sales?"], "keywords": ["beer"]},
        }
    ],
}


def write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


def test_flags_near_copy_with_its_closest_training_question(tmp_path: Path, capsys) -> None:
    kb = write(tmp_path / "demo.yml", KB)
    heldout = write(tmp_path / "heldout.yml", HELDOUT)

    code = main(["--kb", str(kb), "--heldout", str(heldout)])

    out = capsys.readouterr().out
    assert code == 1
    assert "'jak uzyskac zezwolenie na sprzedaz alkoholu w sklepie'" in out
    assert "closest training question: 'Jak uzyskać zezwolenie na sprzedaż alkoholu w sklepie?'" in out
    assert "Kto pozwoli mi" not in out
    assert "Which office lets me stock beer?" not in out
    assert out.strip().splitlines()[-1].startswith("1 of 6 held-out queries at or above 0.75")


def test_names_the_other_topic_when_the_closest_question_belongs_to_it(tmp_path: Path, capsys) -> None:
    kb_dir = tmp_path / "kb"
    kb_dir.mkdir()
    write(kb_dir / "demo.yml", KB)
    write(kb_dir / "synonyms.yml", {"synonyms": []})  # a kb directory: synonyms.yml is skipped
    heldout = dict(HELDOUT, heldout=[dict(HELDOUT["heldout"][0], en={"plain": ["food truck permits"]})])

    code = main(["--kb", str(kb_dir), "--heldout", str(write(tmp_path / "h.yml", heldout)), "--threshold", "0.9"])

    assert code == 1
    assert "(topic food_truck): 'Food truck permits'" in capsys.readouterr().out


def test_passes_when_nothing_is_close(tmp_path: Path, capsys) -> None:
    kb = write(tmp_path / "demo.yml", KB)
    heldout = dict(HELDOUT, heldout=[dict(HELDOUT["heldout"][0], pl={"plain": ["Kto pozwoli mi handlować piwem?"]})])

    code = main(["--kb", str(kb), "--heldout", str(write(tmp_path / "h.yml", heldout))])

    assert code == 0
    assert capsys.readouterr().out.startswith("0 of 4 held-out queries")


def test_every_heldout_file_has_two_plain_and_one_keyword_query_per_language() -> None:
    files = sorted(HELDOUT_DIR.glob("*.yml"))
    assert files
    for path in files:
        if path.stem == "long":
            continue  # several-sentence questions (style `long`), checked by benchmarks.heldout
        data = yaml.safe_load(path.read_text("utf-8"))
        assert data["category"] == path.stem, path
        ids = [item["id"] for item in data["heldout"]]
        assert len(ids) == len(set(ids)), f"{path.name}: duplicate topic ids"
        for item in data["heldout"]:
            for language in ("pl", "en"):
                styles = item[language]
                assert len(styles["plain"]) == 2, f"{path.name} {item['id']} {language}"
                assert len(styles["keywords"]) == 1, f"{path.name} {item['id']} {language}"
                assert all(isinstance(text, str) and text.strip() for text in styles["plain"] + styles["keywords"])
