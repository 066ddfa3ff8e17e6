"""Groups near-duplicate harvested questions per language with the project's own sentence encoder.

Questions are encoded diacritics-folded (people type "jak zalozyc" as often as "jak założyć"),
with the multilingual Universal Sentence Encoder the FAQ retriever uses for paraphrases
(`services.embeddings` is Rasa-free). A question joins the most similar cluster whose centroid
is at least `similarity` away, else starts a new one. Clusters an analyst has decided are kept;
every undecided question is regrouped on each run, so clusters grow as questions arrive.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Dict, List, Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from lang.text import fold
from services.review.models import HarvestedQuestion, ReviewCluster

Encoder = Callable[[Sequence[str]], np.ndarray]


def _default_encoder(texts: Sequence[str]) -> np.ndarray:
    from services.embeddings import encode_paraphrases  # loaded only when clustering runs

    return encode_paraphrases(texts)


def group(vectors: np.ndarray, similarity: float) -> List[List[int]]:
    """Greedy centroid clustering of L2-normalised rows; returns lists of row indices."""
    clusters: List[List[int]] = []
    sums: List[np.ndarray] = []
    for index, vector in enumerate(vectors):
        best, best_score = -1, similarity
        for number, total in enumerate(sums):
            centroid = total / (np.linalg.norm(total) or 1)
            score = float(centroid @ vector)
            if score >= best_score:
                best, best_score = number, score
        if best < 0:
            clusters.append([index])
            sums.append(vector.copy())
        else:
            clusters[best].append(index)
            sums[best] = sums[best] + vector
    return clusters


@dataclass(frozen=True)
class ClusterView:
    """What the screens and the spreadsheet show of one cluster."""

    id: int
    language: str
    size: int
    examples: List[str]
    bot_topic: str | None
    bot_confidence: float | None
    decision: str | None
    topic_id: str | None
    decided_by: str | None
    decided_at: str | None
    reasons: Dict[str, int]


def _summarise(cluster: ReviewCluster, questions: List[HarvestedQuestion]) -> None:
    cluster.size = len(questions)
    topics = Counter(q.topic for q in questions if q.topic)
    cluster.bot_topic = topics.most_common(1)[0][0] if topics else None
    confidences = [q.topic_confidence for q in questions if q.topic == cluster.bot_topic and q.topic_confidence]
    cluster.bot_confidence = round(sum(confidences) / len(confidences), 3) if confidences else None


def recluster(session: Session, similarity: float, encoder: Encoder = _default_encoder) -> int:
    """Regroups every question not in a decided cluster; returns the number of open clusters."""
    open_clusters = list(session.execute(select(ReviewCluster).where(ReviewCluster.decision.is_(None))).scalars())
    open_ids = {c.id for c in open_clusters}
    pending = [
        q
        for q in session.execute(select(HarvestedQuestion).order_by(HarvestedQuestion.id)).scalars()
        if q.cluster_id is None or q.cluster_id in open_ids
    ]
    for question in pending:
        question.cluster_id = None
    session.flush()
    for cluster in open_clusters:
        session.delete(cluster)
    session.flush()
    count = 0
    for language in sorted({q.language for q in pending}):
        questions = [q for q in pending if q.language == language]
        vectors = encoder([fold(q.text) for q in questions])
        for members in group(vectors, similarity):
            cluster = ReviewCluster(language=language)
            session.add(cluster)
            session.flush()
            chosen = [questions[i] for i in members]
            for question in chosen:
                question.cluster_id = cluster.id
            _summarise(cluster, chosen)
            count += 1
    session.flush()
    return count


def cluster_views(session: Session, decided: bool | None = None, language: str | None = None) -> List[ClusterView]:
    """Clusters sorted by volume (largest first), with up to five distinct example messages."""
    query = select(ReviewCluster)
    if decided is not None:
        query = query.where(ReviewCluster.decision.is_not(None) if decided else ReviewCluster.decision.is_(None))
    if language:
        query = query.where(ReviewCluster.language == language)
    clusters = list(session.execute(query).scalars())
    members: Dict[int, List[HarvestedQuestion]] = {}
    ids = [c.id for c in clusters]
    if ids:
        rows = select(HarvestedQuestion).where(HarvestedQuestion.cluster_id.in_(ids)).order_by(HarvestedQuestion.id)
        for question in session.execute(rows).scalars():
            members.setdefault(question.cluster_id, []).append(question)
    views = [view(cluster, members.get(cluster.id, [])) for cluster in clusters]
    return sorted(views, key=lambda v: (-v.size, v.id))


def view(cluster: ReviewCluster, questions: List[HarvestedQuestion]) -> ClusterView:
    examples: List[str] = []
    for question in questions:
        if question.text not in examples:
            examples.append(question.text)
    reasons: Counter = Counter(r for q in questions for r in q.reasons.split(",") if r)
    return ClusterView(
        id=cluster.id,
        language=cluster.language,
        size=cluster.size,
        examples=examples[:5],
        bot_topic=cluster.bot_topic,
        bot_confidence=cluster.bot_confidence,
        decision=cluster.decision,
        topic_id=cluster.topic_id,
        decided_by=cluster.decided_by,
        decided_at=cluster.decided_at.isoformat(timespec="minutes") if cluster.decided_at else None,
        reasons=dict(reasons),
    )


def cluster_questions(session: Session, cluster_id: int) -> List[str]:
    """Distinct masked texts of one cluster, in the order they were asked."""
    rows = select(HarvestedQuestion.text).where(HarvestedQuestion.cluster_id == cluster_id)
    texts: List[str] = []
    for text in session.execute(rows.order_by(HarvestedQuestion.id)).scalars():
        if text not in texts:
            texts.append(text)
    return texts
