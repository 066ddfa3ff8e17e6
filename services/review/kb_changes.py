"""Writes analysts' labels into the knowledge base sources (`kb/*.yml`), validated by kb_import.

Two kinds of change: more questions for an existing topic (inserted as lines under the topic's
`questions.<lang>` list, so the file's layout, comments and line wrapping stay as people wrote
them) and a new draft topic (appended to its category file in the file's own indentation style).
Every change is first applied to a copy of `kb/`, loaded and validated with kb_import's own
loader and rules; when anything is wrong, `KnowledgeBaseError` is raised and nothing is written.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Dict, List, Sequence

import yaml
from ruamel.yaml import YAML

from kb_import.errors import KnowledgeBaseError, Problem
from kb_import.loader import load_knowledge_base
from kb_import.model import KnowledgeBase
from kb_import.validate import validate
from lang.text import normalise_question

KB_DIR = Path(__file__).resolve().parent.parent.parent / "kb"


@dataclass
class MoreQuestions:
    """A row "more questions for topic X": paraphrases added to an existing topic."""

    topic_id: str
    questions: Dict[str, List[str]]


@dataclass
class DraftTopic:
    """A new topic, written as `status: draft` (not trained until a person publishes it)."""

    topic_id: str
    category: str
    title: Dict[str, str]
    questions: Dict[str, List[str]]
    answer: Dict[str, str]
    sources: List[str] = field(default_factory=list)
    owner: str | None = None  # default: the team that owns most entries of the category's file


DEFAULT_DRAFT_OWNER = "kb-team-analysts"


def _file_owner(text: str) -> str:
    """The owner most entries of a category file name: a new draft goes to the same team."""
    from collections import Counter

    import yaml

    entries = (yaml.safe_load(text) or {}).get("entries") or []
    owners = Counter(str(e.get("owner")) for e in entries if isinstance(e, dict) and e.get("owner"))
    return owners.most_common(1)[0][0] if owners else DEFAULT_DRAFT_OWNER


KbChange = MoreQuestions | DraftTopic


def _scalar(text: str) -> str:
    """`text` as a one-line YAML scalar: plain when YAML reads it back unchanged, else double-quoted."""
    try:
        if yaml.safe_load(f"- {text}") == [text]:
            return text
    except yaml.YAMLError:
        pass
    return json.dumps(text, ensure_ascii=False)


def _entry_span(lines: List[str], topic_id: str) -> tuple[int, int] | None:
    start = next(
        (i for i, line in enumerate(lines) if re.match(rf"^\s*- id: ['\"]?{re.escape(topic_id)}['\"]?\s*$", line)), None
    )
    if start is None:
        return None
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines):
        line = lines[end]
        stripped = line.lstrip()
        if stripped and (len(line) - len(stripped)) <= indent and not stripped.startswith("#"):
            break
        end += 1
    return start, end


def _insert_questions(text: str, topic_id: str, language: str, questions: Sequence[str]) -> str | None:
    lines = text.splitlines(keepends=True)
    span = _entry_span(lines, topic_id)
    if span is None:
        return None
    start, end = span
    q_line = next((i for i in range(start, end) if re.match(r"^\s*questions:\s*$", lines[i])), None)
    if q_line is None:
        return None
    q_indent = len(lines[q_line]) - len(lines[q_line].lstrip())
    lang_line = next(
        (
            i
            for i in range(q_line + 1, end)
            if re.match(rf"^\s*{language}:\s*$", lines[i]) and len(lines[i]) - len(lines[i].lstrip()) > q_indent
        ),
        None,
    )
    if lang_line is None:
        return None
    lang_indent = len(lines[lang_line]) - len(lines[lang_line].lstrip())
    last_item, item_indent = None, None
    for i in range(lang_line + 1, end):
        stripped = lines[i].lstrip()
        indent = len(lines[i]) - len(stripped)
        if stripped.startswith("- ") and indent >= lang_indent and (item_indent is None or indent == item_indent):
            last_item, item_indent = i, indent
        elif stripped and not stripped.startswith("#") and (item_indent is None or indent <= lang_indent):
            break
    if last_item is None:
        return None
    new_lines = [f"{' ' * item_indent}- {_scalar(q)}\n" for q in questions]
    if not lines[last_item].endswith("\n"):
        lines[last_item] += "\n"
    return "".join(lines[: last_item + 1] + new_lines + lines[last_item + 1 :])


def _yaml_for(text: str) -> YAML:
    indented = re.search(r"^entries:\s*\n(?:#.*\n)*  - ", text, re.MULTILINE) is not None
    dumper = YAML()
    dumper.indent(mapping=2, sequence=4 if indented else 2, offset=2 if indented else 0)
    dumper.width = 100000
    return dumper


def _append_draft(text: str, draft: DraftTopic) -> str:
    entry = {
        "id": draft.topic_id,
        "status": "draft",
        "owner": draft.owner or _file_owner(text),
        "last_review": date.today(),
        "title": dict(draft.title),
        "questions": {lang: list(qs) for lang, qs in draft.questions.items()},
        "answer": dict(draft.answer),
        "sources": list(draft.sources),
    }
    stream = io.StringIO()
    _yaml_for(text).dump([entry], stream)
    return text.rstrip("\n") + "\n\n" + stream.getvalue()


def _category_file(kb_dir: Path, topic_id: str) -> Path | None:
    for path in sorted(kb_dir.glob("*.yml")):
        if re.search(rf"^\s*- id: ['\"]?{re.escape(topic_id)}['\"]?\s*$", path.read_text("utf-8"), re.MULTILINE):
            return path
    return None


def _new_questions(kb: KnowledgeBase, change: MoreQuestions) -> Dict[str, List[str]]:
    """The change's questions the topic does not have yet (compared like kb_import compares them)."""
    entry = next((e for e in kb.entries if e.id == change.topic_id), None)
    existing = {lang: {normalise_question(q) for q in qs} for lang, qs in (entry.questions if entry else {}).items()}
    result: Dict[str, List[str]] = {}
    for lang, questions in change.questions.items():
        seen = set(existing.get(lang, set()))
        for question in questions:
            key = normalise_question(question)
            if key and key not in seen and "\n" not in question:
                seen.add(key)
                result.setdefault(lang, []).append(" ".join(question.split()))
    return result


def plan(changes: Sequence[KbChange], kb_dir: Path = KB_DIR) -> Dict[Path, str]:
    """New contents of every file the changes touch; raises KnowledgeBaseError if they cannot apply."""
    kb = load_knowledge_base(kb_dir, root=kb_dir.parent)
    contents: Dict[Path, str] = {}
    problems: List[Problem] = []

    def current(path: Path) -> str:
        return contents.get(path) or path.read_text("utf-8")

    for number, change in enumerate(changes, start=1):
        where = f"change {number} ({change.topic_id})"
        if isinstance(change, MoreQuestions):
            path = _category_file(kb_dir, change.topic_id)
            if path is None:
                problems.append(Problem(where, f"no topic '{change.topic_id}' in the knowledge base"))
                continue
            text = current(path)
            for lang, questions in _new_questions(kb, change).items():
                updated = _insert_questions(text, change.topic_id, lang, questions)
                if updated is None:
                    problems.append(Problem(where, f"topic '{change.topic_id}' has no questions.{lang} list to add to"))
                    break
                text = updated
            contents[path] = text
        else:
            if _category_file(kb_dir, change.topic_id) is not None:
                problems.append(Problem(where, f"topic '{change.topic_id}' already exists; add questions to it"))
                continue
            path = kb_dir / f"{change.category}.yml"
            if not re.fullmatch(r"[a-z][a-z0-9_]*", change.category) or not path.exists():
                problems.append(Problem(where, f"unknown category '{change.category}'"))
                continue
            contents[path] = _append_draft(current(path), change)
    if problems:
        raise KnowledgeBaseError(problems)
    _validate_copy(kb_dir, contents)
    return contents


def _validate_copy(kb_dir: Path, contents: Dict[Path, str]) -> None:
    """Loads and validates a copy of `kb_dir` with `contents` applied, with kb_import's own rules."""
    with tempfile.TemporaryDirectory(prefix="kb-review-") as scratch:
        copy = Path(scratch) / kb_dir.name
        shutil.copytree(kb_dir, copy)
        for path, text in contents.items():
            (copy / path.name).write_text(text, "utf-8")
        problems = validate(load_knowledge_base(copy, root=Path(scratch)))
        if problems:
            raise KnowledgeBaseError(problems)


def write(contents: Dict[Path, str]) -> None:
    """Writes every planned file or none (all staged to temporary files, then renamed)."""
    staged = []
    try:
        for path, text in contents.items():
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
            staged.append((temporary, path))
    except OSError:
        for temporary, _ in staged:
            os.unlink(temporary)
        raise
    for temporary, path in staged:
        os.replace(temporary, path)
