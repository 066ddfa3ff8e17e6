"""Writes generated files all-or-nothing and says what changed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Dict, List

import yaml

from kb_import.generate import DOMAIN_PATH, NLU_PATH


def _answers(domain_text: str) -> Dict[str, str]:
    try:
        responses = (yaml.safe_load(domain_text) or {}).get("responses") or {}
    except yaml.YAMLError:
        return {}
    return {name.split("/", 1)[-1]: yaml.safe_dump(value, allow_unicode=True) for name, value in responses.items()}


def _examples(nlu_text: str) -> Dict[str, str]:
    try:
        blocks = (yaml.safe_load(nlu_text) or {}).get("nlu") or []
    except yaml.YAMLError:
        return {}
    examples: Dict[str, str] = {}
    for block in blocks:
        if "intent" in block:
            topic = block["intent"].split("/", 1)[-1]
            examples[topic] = examples.get(topic, "") + block.get("examples", "")
    return examples


def summarise(root: Path, files: Dict[str, str]) -> List[str]:
    """Human-readable lines: topics added, removed, with changed questions or answers."""

    def old(path: str) -> str:
        target = root / path
        return target.read_text("utf-8") if target.exists() else ""

    old_answers, new_answers = _answers(old(DOMAIN_PATH)), _answers(files[DOMAIN_PATH])
    old_examples, new_examples = _examples(old(NLU_PATH)), _examples(files[NLU_PATH])
    added = sorted(set(new_answers) - set(old_answers))
    removed = sorted(set(old_answers) - set(new_answers))
    kept = sorted(set(new_answers) & set(old_answers))
    changed_answers = [t for t in kept if old_answers[t] != new_answers[t]]
    changed_questions = [t for t in kept if old_examples.get(t) != new_examples.get(t)]
    lines = [f"{len(new_answers)} published topics"]
    for label, topics in (
        ("added", added),
        ("removed", removed),
        ("answers changed", changed_answers),
        ("questions changed", changed_questions),
    ):
        if topics:
            lines.append(f"{label} ({len(topics)}): {', '.join(topics)}")
    if len(lines) == 1:
        lines.append("no changes")
    return lines


def stale_files(root: Path, files: Dict[str, str]) -> List[str]:
    """Generated files whose content on disk differs from `files`."""
    return [
        path
        for path, content in files.items()
        if not (root / path).exists() or (root / path).read_text("utf-8") != content
    ]


def write_all(root: Path, files: Dict[str, str]) -> None:
    """Writes every file or none: all are staged to temporary files first, then renamed."""
    staged = []
    try:
        for path, content in files.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(content)
            staged.append((temporary, target))
    except OSError:
        for temporary, _ in staged:
            os.unlink(temporary)
        raise
    for temporary, target in staged:
        os.replace(temporary, target)
