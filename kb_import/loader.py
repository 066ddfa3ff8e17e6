"""Reads the knowledge base from `kb/*.yml` and, optionally, spreadsheet exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, List

import yaml

from kb_import.entries import entry_from_mapping
from kb_import.errors import KnowledgeBaseError, Problem
from kb_import.figures import FIGURES_FILE, load_figures
from kb_import.model import Entry, KnowledgeBase, Synonym
from kb_import.sheets import load_sheet

SYNONYMS_FILE = "synonyms.yml"
REVIEW_FILE = "review.yml"  # review_after_months: N
# files in kb/ that are not categories of entries
SPECIAL_FILES = (SYNONYMS_FILE, FIGURES_FILE, REVIEW_FILE)
DEFAULT_REVIEW_MONTHS = 12


# libyaml's safe loader: the same documents as `yaml.safe_load`, much faster on the knowledge base
# (the action server, the console and the tests load it; `python -m benchmarks.per_message`)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path, label: str, problems: List[Problem]) -> Any:
    try:
        return yaml.load(path.read_text("utf-8"), Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark else ""
        problems.append(Problem(label, f"not valid YAML{line}: {getattr(error, 'problem', error)}"))
    except UnicodeDecodeError:
        problems.append(Problem(label, "not UTF-8 text; save the file as UTF-8"))
    return None


def _load_category_file(path: Path, label: str, problems: List[Problem]) -> List[Entry]:
    document = _read_yaml(path, label, problems)
    if document is None:
        return []
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        problems.append(Problem(label, "expected `category:` and a list `entries:`"))
        return []
    category = str(document.get("category") or "").strip()
    if category != path.stem:
        problems.append(Problem(label, f"category '{category}' does not match the file name '{path.stem}'"))
    entries = []
    for number, data in enumerate(document["entries"], start=1):
        entry = entry_from_mapping(data, category, f"{label}, entry {number}", problems)
        if entry:
            entries.append(entry)
    return entries


def _load_synonyms(path: Path, label: str, problems: List[Problem]) -> List[Synonym]:
    document = _read_yaml(path, label, problems)
    if document is None:
        return []
    items = document.get("synonyms") if isinstance(document, dict) else None
    if not isinstance(items, list):
        problems.append(Problem(label, "expected a list `synonyms:` of `canonical:` + `variants:`"))
        return []
    synonyms = []
    for number, item in enumerate(items, start=1):
        where = f"{label}, synonym {number}"
        if not isinstance(item, dict) or not item.get("canonical") or not isinstance(item.get("variants"), list):
            problems.append(Problem(where, "needs `canonical:` and a list `variants:`"))
            continue
        variants = [str(v).strip() for v in item["variants"] if str(v).strip()]
        synonyms.append(Synonym(str(item["canonical"]).strip(), variants, where))
    return synonyms


def _load_review_months(path: Path, label: str, problems: List[Problem]) -> int:
    if not path.exists():
        return DEFAULT_REVIEW_MONTHS
    document = _read_yaml(path, label, problems)
    months = document.get("review_after_months") if isinstance(document, dict) else None
    if not isinstance(months, int) or months < 1:
        problems.append(Problem(label, "expected `review_after_months:` with a whole number of months (>= 1)"))
        return DEFAULT_REVIEW_MONTHS
    return months


def _label(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def load_knowledge_base(
    kb_dir: Path,
    sheets: Iterable[Path] = (),
    root: Path | None = None,
) -> KnowledgeBase:
    """Reads every category file (and sheet); raises KnowledgeBaseError on unreadable input."""
    root = root or kb_dir.parent
    problems: List[Problem] = []
    entries: List[Entry] = []
    synonyms: List[Synonym] = []
    sources: List[str] = []
    if not kb_dir.is_dir():
        raise KnowledgeBaseError([Problem(str(kb_dir), "knowledge-base folder not found")])
    for path in sorted(kb_dir.glob("*.yml")):
        label = _label(path, root)
        if path.name == SYNONYMS_FILE:
            sources.append(label)
            synonyms = _load_synonyms(path, label, problems)
        elif path.name not in SPECIAL_FILES:
            sources.append(label)
            entries.extend(_load_category_file(path, label, problems))
    figures_path = kb_dir / FIGURES_FILE
    figures = load_figures(figures_path, _label(figures_path, root), problems)
    if figures:
        sources.append(_label(figures_path, root))
    review_path = kb_dir / REVIEW_FILE
    review_months = _load_review_months(review_path, _label(review_path, root), problems)
    for sheet in sheets:
        label = _label(sheet, root)
        sources.append(label)
        entries.extend(load_sheet(sheet, label, problems))
    if problems:
        raise KnowledgeBaseError(problems)
    return KnowledgeBase(
        entries=entries, synonyms=synonyms, sources=sources, figures=figures, review_after_months=review_months
    )
