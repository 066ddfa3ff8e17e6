"""Spreadsheet exports (CSV or XLSX) of the knowledge base, one row per entry.

Offices keep their FAQ in spreadsheets. The first row holds the column names (order free):

| column | content |
|---|---|
| id, category, status, owner, last_review | as in the YAML files |
| title_pl, title_en, answer_pl, answer_en, short_answer_pl, short_answer_en | texts |
| questions_pl, questions_en | one question per line within the cell |
| keywords_pl, keywords_en | separated by commas or new lines |
| sources | links separated by spaces or new lines |
| needs_consultant | optional: yes/tak/true to follow the answer with a consultant offer |
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Dict, List

from kb_import.entries import entry_from_mapping
from kb_import.errors import Problem
from kb_import.model import LANGUAGES, Entry

REQUIRED_COLUMNS = ("id", "category", "questions_pl", "questions_en", "answer_pl", "answer_en")


def _split(cell: str, pattern: str) -> List[str]:
    return [part.strip() for part in re.split(pattern, cell or "") if part.strip()]


def _rows(path: Path, label: str, problems: List[Problem]) -> List[Dict[str, str]] | None:
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as handle:
                return [dict(row) for row in csv.DictReader(handle)]
        if suffix == ".xlsx":
            from openpyxl import load_workbook

            sheet = load_workbook(path, read_only=True, data_only=True).active
            values = list(sheet.iter_rows(values_only=True))
            if not values:
                return []
            header = [str(cell or "").strip() for cell in values[0]]
            return [
                {name: "" if cell is None else str(cell) for name, cell in zip(header, row, strict=False)}
                for row in values[1:]
                if any(cell not in (None, "") for cell in row)
            ]
    except FileNotFoundError:
        problems.append(Problem(label, "file not found"))
        return None
    except UnicodeDecodeError:
        problems.append(Problem(label, "not UTF-8 text; export the CSV as UTF-8"))
        return None
    except Exception as error:  # openpyxl raises several types for damaged files
        problems.append(Problem(label, f"cannot be read as a spreadsheet: {error}"))
        return None
    problems.append(Problem(label, "unsupported file type; use .csv or .xlsx"))
    return None


def load_sheet(path: Path, label: str, problems: List[Problem]) -> List[Entry]:
    rows = _rows(path, label, problems)
    if rows is None:
        return []
    header = set(rows[0]) if rows else set()
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        problems.append(Problem(label, f"missing column(s): {', '.join(missing)}"))
        return []
    entries = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        data = {
            "id": row.get("id", ""),
            "category": row.get("category", ""),
            "status": row.get("status") or "published",
            "owner": row.get("owner", ""),
            "last_review": row.get("last_review") or None,
            "sources": _split(row.get("sources", ""), r"\s+"),
            "needs_consultant": row.get("needs_consultant") or None,
        }
        for field_name in ("title", "answer", "short_answer"):
            data[field_name] = {
                lang: row.get(f"{field_name}_{lang}", "") for lang in LANGUAGES if row.get(f"{field_name}_{lang}")
            }
        data["questions"] = {lang: _split(row.get(f"questions_{lang}", ""), r"\n") for lang in LANGUAGES}
        data["keywords"] = {lang: _split(row.get(f"keywords_{lang}", ""), r"[,\n]") for lang in LANGUAGES}
        entry = entry_from_mapping(data, data["category"], f"{label}, row {number}", problems)
        if entry:
            entries.append(entry)
    return entries
