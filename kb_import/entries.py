"""One knowledge-base entry built from a mapping: a YAML entry or a spreadsheet row turned into one."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

from kb_import.errors import Problem
from kb_import.model import LANGUAGES, Entry


def _texts(value: Any, where: str, field_name: str, problems: List[Problem]) -> Dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(Problem(where, f"`{field_name}` must have `pl:` and `en:` texts"))
        return {}
    return {lang: str(text).strip() for lang, text in value.items() if lang in LANGUAGES and text is not None}


def _lists(value: Any, where: str, field_name: str, problems: List[Problem]) -> Dict[str, List[str]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(Problem(where, f"`{field_name}` must have `pl:` and `en:` lists"))
        return {}
    result: Dict[str, List[str]] = {}
    for lang, items in value.items():
        if lang not in LANGUAGES:
            problems.append(Problem(where, f"`{field_name}` has unknown language '{lang}' (use pl or en)"))
            continue
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list):
            problems.append(Problem(where, f"`{field_name}.{lang}` must be a list"))
            continue
        for number, item in enumerate(items, start=1):
            if isinstance(item, (dict, list)):  # "- last item    en:" parses as a mapping
                problems.append(
                    Problem(
                        where,
                        f"`{field_name}.{lang}` item {number} is not a text: {item!r} "
                        "(is a `key:` on the same line as a list item? put it on its own line)",
                    )
                )
        result[lang] = [
            str(item).strip()
            for item in items
            if item is not None and not isinstance(item, (dict, list)) and str(item).strip()
        ]
    return result


def entry_from_mapping(data: Any, category: str, where: str, problems: List[Problem]) -> Entry | None:
    """Builds an Entry from one YAML mapping (or spreadsheet row turned into one)."""
    if not isinstance(data, dict):
        problems.append(Problem(where, "an entry must be a mapping with `id:`, `questions:`, `answer:` ..."))
        return None
    entry_id = str(data.get("id") or "").strip()
    located = f"{where} ('{entry_id}')" if entry_id else where
    review = data.get("last_review")
    if isinstance(review, (dt.date, dt.datetime)):
        review = review.isoformat()[:10]
    sources = data.get("sources") or []
    if isinstance(sources, str):
        sources = sources.split()
    return Entry(
        id=entry_id,
        category=str(data.get("category") or category).strip(),
        location=located,
        status=str(data.get("status") or "published").strip(),
        owner=str(data.get("owner") or "").strip(),
        last_review=str(review).strip() if review else None,
        title=_texts(data.get("title"), located, "title", problems),
        questions=_lists(data.get("questions"), located, "questions", problems),
        answer=_texts(data.get("answer"), located, "answer", problems),
        short_answer=_texts(data.get("short_answer"), located, "short_answer", problems),
        keywords=_lists(data.get("keywords"), located, "keywords", problems),
        sources=[str(s).strip() for s in sources if str(s).strip()],
        needs_consultant=_flag(data.get("needs_consultant"), located, problems),
    )


def _flag(value: Any, where: str, problems: List[Problem]) -> bool:
    """An optional yes/no field (`needs_consultant: true`); spreadsheets give "yes"/"tak"/"1"."""
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "tak", "1", "x"):
        return True
    if text in ("false", "no", "nie", "0"):
        return False
    problems.append(Problem(where, f"`needs_consultant` must be true or false, got {value!r}"))
    return False
