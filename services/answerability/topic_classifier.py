"""A linear classifier over the knowledge-base topics: the fourth evidence source of the FAQ ranking.

Why: the similarity sources score a message by its single nearest paraphrase (or answer), so a
word that happens to occur in one paraphrase of an unrelated topic can win. A classifier trained on
all paraphrases of every topic learns which words and meanings separate a topic from the topics it
is confused with; fused with the similarities it raised held-out top-1 on the development split
(figures in reports/faq_benchmark.md, `python -m benchmarks.faq`).

Why this shape: one linear SVM per topic (one-vs-rest) over the message's TF-IDF vector and its
sentence embedding, trained on the topic's own paraphrases, those of its nearest topics (the hard
negatives) and a fixed random sample of the rest. Training every topic against every paraphrase
grows with topics x paraphrases (minutes at 2,000 topics); this grows linearly with the topics. Each
topic keeps only its strongest lexical weights, so the model stays small at thousands of topics.
"""

from __future__ import annotations

import warnings
from typing import List

import numpy as np
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC


class TopicClassifier:
    """`fit(features, labels, topics)`, then `scores(features)`: queries x topics decision values."""

    def __init__(
        self,
        neighbours: int = 20,
        random_negatives: int = 300,
        regularisation: float = 1.0,
        kept_lexical_weights: int = 2000,
        seed: int = 42,
    ) -> None:
        self.neighbours = neighbours
        self.random_negatives = random_negatives
        self.regularisation = regularisation
        self.kept_lexical_weights = kept_lexical_weights
        self.seed = seed
        self.weights: sparse.csr_matrix | None = None  # features x topics
        self.bias: np.ndarray | None = None

    def _nearest_topics(self, features: sparse.csr_matrix, labels: np.ndarray, topics: int) -> np.ndarray:
        """Each topic's `neighbours` most similar topics (cosine of the topics' mean vectors)."""
        membership = sparse.csr_matrix(
            (np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(topics, len(labels))
        )
        centroids = normalize(membership @ features)
        similarity = (centroids @ centroids.T).toarray()
        np.fill_diagonal(similarity, -np.inf)
        count = min(self.neighbours, topics - 1)
        return np.argsort(-similarity, axis=1)[:, :count]

    def fit(self, features: sparse.csr_matrix, labels: np.ndarray, topics: int, lexical_width: int) -> TopicClassifier:
        """`features`: one row per paraphrase, the first `lexical_width` columns lexical (pruned per
        topic), the rest dense embedding dimensions (kept); `labels`: topic index of each row."""
        features = sparse.csr_matrix(features)
        generator = np.random.default_rng(self.seed)
        nearest = self._nearest_topics(features, labels, topics) if topics > 1 else np.zeros((topics, 0), int)
        by_topic: List[np.ndarray] = [np.flatnonzero(labels == topic) for topic in range(topics)]
        values: List[np.ndarray] = []
        positions: List[np.ndarray] = []
        biases = np.zeros(topics)
        for topic in range(topics):
            positives = by_topic[topic]
            hard = np.concatenate([by_topic[other] for other in nearest[topic]] or [np.zeros(0, int)])
            rest = np.setdiff1d(np.arange(len(labels)), np.concatenate([positives, hard]), assume_unique=False)
            sampled = generator.choice(rest, min(self.random_negatives, len(rest)), replace=False)
            rows = np.concatenate([positives, hard, sampled]).astype(int)
            target = (labels[rows] == topic).astype(int)
            if target.min() == target.max():  # a lone topic: nothing to separate it from
                values.append(np.zeros(0, np.float32))
                positions.append(np.zeros(0, np.int32))
                biases[topic] = 1.0
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model = LinearSVC(C=self.regularisation, max_iter=2000).fit(features[rows], target)
            column = self._pruned(model.coef_[0], lexical_width)
            kept = np.flatnonzero(column)
            positions.append(kept.astype(np.int32))
            values.append(column[kept].astype(np.float32))
            biases[topic] = float(model.intercept_[0])
        pointers = np.concatenate([[0], np.cumsum([len(kept) for kept in positions])])
        # built by column, kept by row: a message's sparse row times a CSR matrix needs no conversion
        # (converting at every message cost more than the product itself)
        self.weights = sparse.csc_matrix(
            (np.concatenate(values), np.concatenate(positions), pointers), shape=(features.shape[1], topics)
        ).tocsr()
        self.bias = biases.astype(np.float32)
        return self

    def _pruned(self, weights: np.ndarray, lexical_width: int) -> np.ndarray:
        """`weights` with all but the `kept_lexical_weights` largest lexical ones set to zero."""
        lexical = weights[:lexical_width]
        if np.count_nonzero(lexical) <= self.kept_lexical_weights:
            return weights
        strongest = np.argpartition(np.abs(lexical), -self.kept_lexical_weights)[-self.kept_lexical_weights :]
        pruned = np.zeros_like(weights)
        pruned[lexical_width:] = weights[lexical_width:]
        pruned[strongest] = lexical[strongest]
        return pruned

    def scores(self, features: sparse.spmatrix | np.ndarray) -> np.ndarray:
        """Decision value of every topic (rows = queries); higher = more likely that topic."""
        product = sparse.csr_matrix(features) @ self.weights
        return product.toarray().astype(np.float64) + self.bias
