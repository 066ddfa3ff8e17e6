"""Clusters as an XLSX or CSV sheet for offline review, and the filled-in sheet read back as labels.

One row per cluster. The analyst fills `decision` (paraphrase, new_topic, out_of_scope, ignore)
and, for the first two, `topic_id` and the questions to add (prefilled with the cluster's masked
examples in its language, one per line); a new topic also needs `category`, titles, answers and
`sources`. Rows without a decision are left for later.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Dict, List

from kb_import.errors import KnowledgeBaseError, Problem
from services.review.clustering import ClusterView
from services.review.labels import Label

COLUMNS = (
    "cluster_id",
    "language",
    "count",
    "bot_topic",
    "bot_confidence",
    "reasons",
    "decision",
    "topic_id",
    "questions_pl",
    "questions_en",
    "category",
    "title_pl",
    "title_en",
    "answer_pl",
    "answer_en",
    "sources",
)


def rows_for(views: List[ClusterView]) -> List[Dict[str, object]]:
    return [
        {
            "cluster_id": v.id,
            "language": v.language,
            "count": v.size,
            "bot_topic": v.bot_topic or "",
            "bot_confidence": v.bot_confidence if v.bot_confidence is not None else "",
            "reasons": ", ".join(f"{k} {n}" for k, n in sorted(v.reasons.items())),
            "decision": v.decision or "",
            "topic_id": v.topic_id or "",
            "questions_pl": "\n".join(v.examples) if v.language == "pl" else "",
            "questions_en": "\n".join(v.examples) if v.language == "en" else "",
        }
        for v in views
    ]


def export(views: List[ClusterView], path: Path) -> None:
    rows = rows_for(views)
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        return
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "clusters"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(column, "") for column in COLUMNS])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    book.save(path)


def _read(path: Path) -> List[Dict[str, str]]:
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [dict(row) for row in csv.DictReader(handle)]
    from openpyxl import load_workbook

    values = list(load_workbook(path, read_only=True, data_only=True).active.iter_rows(values_only=True))
    if not values:
        return []
    header = [str(cell or "").strip() for cell in values[0]]
    return [{n: "" if c is None else str(c) for n, c in zip(header, row, strict=False)} for row in values[1:]]


def _lines(cell: str) -> List[str]:
    return [line.strip() for line in (cell or "").splitlines() if line.strip()]


def read_labels(path: Path) -> List[Label]:
    """Labels of the rows with a decision; raises KnowledgeBaseError naming bad rows."""
    try:
        rows = _read(path)
    except Exception as error:  # openpyxl/csv raise several types for damaged files
        raise KnowledgeBaseError([Problem(path.name, f"cannot be read as a spreadsheet: {error}")]) from None
    labels: List[Label] = []
    problems: List[Problem] = []
    for number, row in enumerate(rows, start=2):
        decision = (row.get("decision") or "").strip().lower()
        if not decision:
            continue
        try:
            cluster_id = int(float(row.get("cluster_id") or ""))
        except ValueError:
            problems.append(Problem(f"{path.name}, row {number}", "cluster_id must be a number"))
            continue
        labels.append(
            Label(
                cluster_id=cluster_id,
                decision=decision,
                topic_id=(row.get("topic_id") or "").strip(),
                questions={lang: _lines(row.get(f"questions_{lang}", "")) for lang in ("pl", "en")},
                category=(row.get("category") or "").strip(),
                title={lang: (row.get(f"title_{lang}") or "").strip() for lang in ("pl", "en")},
                answer={lang: (row.get(f"answer_{lang}") or "").strip() for lang in ("pl", "en")},
                sources=re.split(r"\s+", (row.get("sources") or "").strip()) if row.get("sources") else [],
            )
        )
    if problems:
        raise KnowledgeBaseError(problems)
    return labels
