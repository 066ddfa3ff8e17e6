"""An analyst's decision about a cluster: recorded with who and when, written to kb/ when it changes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Sequence

from sqlalchemy.orm import Session

from kb_import.errors import KnowledgeBaseError, Problem
from services.accounts.audit import record
from services.review import kb_changes
from services.review.models import DECISIONS, ReviewCluster


@dataclass
class Label:
    """One cluster's decision; `questions` are what goes into the KB (the analyst may edit them)."""

    cluster_id: int
    decision: str
    topic_id: str = ""
    questions: Dict[str, List[str]] = field(default_factory=dict)
    category: str = ""
    title: Dict[str, str] = field(default_factory=dict)
    answer: Dict[str, str] = field(default_factory=dict)
    sources: List[str] = field(default_factory=list)

    def kb_change(self) -> kb_changes.KbChange | None:
        if self.decision == "paraphrase":
            return kb_changes.MoreQuestions(self.topic_id, self.questions)
        if self.decision == "new_topic":
            return kb_changes.DraftTopic(
                self.topic_id, self.category, self.title, self.questions, self.answer, self.sources
            )
        return None


def _check(session: Session, label: Label, number: int) -> List[Problem]:
    where = f"cluster {label.cluster_id}"
    problems: List[Problem] = []
    cluster = session.get(ReviewCluster, label.cluster_id)
    if cluster is None:
        problems.append(Problem(where, "no such cluster (harvest again and export a fresh sheet)"))
    elif cluster.decision:
        problems.append(Problem(where, f"already labelled '{cluster.decision}' by {cluster.decided_by}"))
    if label.decision not in DECISIONS:
        problems.append(Problem(where, f"unknown decision '{label.decision}': use {', '.join(DECISIONS)}"))
    elif label.decision in ("paraphrase", "new_topic"):
        if not label.topic_id:
            problems.append(Problem(where, "choose the topic (topic_id)"))
        if not any(label.questions.values()):
            problems.append(Problem(where, "give at least one question to add"))
    return problems


def apply_labels(session: Session, labels: Sequence[Label], actor: str, kb_dir: Path = kb_changes.KB_DIR) -> List[str]:
    """Validates all labels and their KB changes together; writes all or nothing.

    Returns the knowledge-base files written. Raises KnowledgeBaseError listing every problem.
    """
    problems = [p for number, label in enumerate(labels, start=1) for p in _check(session, label, number)]
    if problems:
        raise KnowledgeBaseError(problems)
    changes = [change for change in (label.kb_change() for label in labels) if change]
    contents = kb_changes.plan(changes, kb_dir) if changes else {}
    now = datetime.now(timezone.utc)
    for label in labels:
        cluster = session.get(ReviewCluster, label.cluster_id)
        cluster.decision = label.decision
        cluster.topic_id = label.topic_id or None
        cluster.decided_by = actor
        cluster.decided_at = now
        detail = "; ".join(f"{lang}: {' | '.join(qs)}" for lang, qs in label.questions.items() if qs)
        record(session, actor, f"review.{label.decision}", f"cluster:{label.cluster_id}", detail or label.topic_id)
    session.flush()
    kb_changes.write(contents)  # last: a database error above leaves kb/ untouched
    return sorted(str(path.name) for path in contents)
