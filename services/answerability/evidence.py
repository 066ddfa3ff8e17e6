"""Calibrated evidence that the best-ranked knowledge-base topic really answers a message.

One similarity threshold cannot separate "asked about a topic we have" from "asked about a business
matter we do not cover": both look like the knowledge base. Instead several signals are combined by
a small logistic regression trained, at every model training, on the knowledge base itself:

- positives: each sampled training paraphrase, scored against the index *without that paraphrase*
  (leave-one-out), labelled by whether its own topic comes first;
- negatives: the same paraphrase scored against the index *without its whole topic* (so it is an
  in-domain question the knowledge base does not cover: exactly the hard case), and the examples
  of the non-FAQ intents (greetings, chit-chat) against the full index.

Because the calibration set is rebuilt from the current knowledge base on every training, the
probabilities follow the knowledge base as it grows; the decision thresholds on the probability are
chosen on a development split (`python -m benchmarks.faq`) and must be re-checked after big changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List

import numpy as np

FEATURES = (
    "lexical_best",
    "paraphrase_best",
    "answer_best",
    "fused_top",
    "fused_margin",
    "lexical_of_top",
    "paraphrase_of_top",
    "answer_of_top",
    "lexical_agrees",
    "paraphrase_agrees",
    "answer_agrees",
    "lexical_margin",
    "paraphrase_margin",
    "classifier_best",
    "classifier_of_top",
    "classifier_agrees",
    "classifier_margin",
)


def zscore_rows(scores: np.ndarray) -> np.ndarray:
    """Row-wise z-scores ignoring NaN (masked topics); masked entries stay NaN."""
    mean = np.nanmean(scores, axis=1, keepdims=True)
    spread = np.nanstd(scores, axis=1, keepdims=True)
    return (scores - mean) / np.where(spread > 0, spread, 1.0)


def fuse(sources: Dict[str, np.ndarray], weights: Dict[str, float]) -> np.ndarray:
    """Weighted sum of z-scored per-topic evidence, rows = queries; NaN where a topic is masked."""
    fused = None
    for name, scores in sources.items():
        term = weights.get(name, 0.0) * zscore_rows(scores)
        fused = term if fused is None else fused + term
    return fused


def _top_two(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    filled = np.where(np.isnan(scores), -np.inf, scores)
    order = np.argsort(-filled, axis=1)[:, :2]
    rows = np.arange(len(scores))
    first, second = filled[rows, order[:, 0]], filled[rows, order[:, 1]]
    return order[:, 0], first - np.where(np.isfinite(second), second, first)


def features(sources: Dict[str, np.ndarray], fused: np.ndarray) -> np.ndarray:
    """(queries x len(FEATURES)) evidence about the fused first topic of each row."""
    rows = np.arange(len(fused))
    top, fused_margin = _top_two(fused)
    columns: Dict[str, np.ndarray] = {"fused_top": np.nan_to_num(fused[rows, top]), "fused_margin": fused_margin}
    for name, short in (
        ("lexical", "lexical"),
        ("paraphrase_embedding", "paraphrase"),
        ("answer_embedding", "answer"),
        ("classifier", "classifier"),
    ):
        scores = sources.get(name)
        if scores is None:
            zeros = np.zeros(len(fused))
            columns.update({f"{short}_best": zeros, f"{short}_of_top": zeros, f"{short}_agrees": zeros})
            columns.setdefault(f"{short}_margin", zeros)
            continue
        best, margin = _top_two(scores)
        filled = np.where(np.isnan(scores), 0.0, scores)
        columns[f"{short}_best"] = filled[rows, best]
        columns[f"{short}_of_top"] = filled[rows, top]
        columns[f"{short}_agrees"] = (best == top).astype(float)
        columns[f"{short}_margin"] = margin
    return np.column_stack([columns[name] for name in FEATURES]).astype(np.float64)


@dataclass
class AnswerabilityModel:
    """P(the first-ranked topic answers the message), from `features`."""

    mean: np.ndarray = field(default_factory=lambda: np.zeros(len(FEATURES)))
    scale: np.ndarray = field(default_factory=lambda: np.ones(len(FEATURES)))
    coefficients: np.ndarray = field(default_factory=lambda: np.zeros(len(FEATURES)))
    intercept: float = 0.0
    # best paraphrase similarity above which a topic is "plausibly related" to a message: the
    # 90th percentile of the non-FAQ examples (chit-chat) in training
    related_similarity: float = 1.0
    calibration_size: int = 0

    @classmethod
    def fit(cls, rows: np.ndarray, labels: np.ndarray, off_topic_similarity: List[float]) -> AnswerabilityModel:
        from sklearn.linear_model import LogisticRegression

        mean, scale = rows.mean(axis=0), rows.std(axis=0)
        scale = np.where(scale > 0, scale, 1.0)
        if len(set(labels.tolist())) < 2:  # degenerate knowledge base: trust the ranking
            return cls(mean, scale, np.zeros(len(FEATURES)), 5.0, 1.0, len(labels))
        model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
        model.fit((rows - mean) / scale, labels)
        related = float(np.quantile(off_topic_similarity, 0.9)) if off_topic_similarity else 0.5
        return cls(mean, scale, model.coef_[0].copy(), float(model.intercept_[0]), related, len(labels))

    def probability(self, rows: np.ndarray) -> np.ndarray:
        logits = ((rows - self.mean) / self.scale) @ self.coefficients + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))

    def describe(self) -> Dict[str, float]:
        """Standardised coefficients by feature (for the benchmark report)."""
        return {name: round(float(c), 3) for name, c in zip(FEATURES, self.coefficients, strict=True)}
