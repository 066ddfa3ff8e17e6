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

import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import List, Tuple

import numpy as np
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
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
        # features x topics, kept in two parts: the lexical weights are sparse (pruned), the
        # embedding weights dense. As one sparse matrix the dense block (every topic's 512 embedding
        # weights) made this product the slowest step of a message's ranking at 2,000 topics
        # (`python -m benchmarks.parse_steps`); apart it is a sparse and a dense product.
        self.lexical_width = 0
        self.lexical_weights: sparse.csr_matrix | None = None
        self.embedding_weights: np.ndarray | None = None
        self.bias: np.ndarray | None = None

    def _nearest_topics(
        self, features: sparse.csr_matrix, labels: np.ndarray, topics: int, lexical_width: int
    ) -> np.ndarray:
        """Each topic's `neighbours` most similar topics (cosine of the topics' mean vectors).

        The embedding columns are dense: their part of the similarity is a dense product (as one
        sparse product it took most of a fit's non-SVM time at 2,000 topics)."""
        membership = sparse.csr_matrix(
            (np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(topics, len(labels))
        )
        sums = (membership @ features).tocsc()
        lexical = sums[:, :lexical_width].tocsr()
        dense = sums[:, lexical_width:].toarray()
        norms = np.sqrt(np.asarray(lexical.multiply(lexical).sum(axis=1)).ravel() + (dense * dense).sum(axis=1))
        norms[norms == 0] = 1.0
        similarity = (lexical @ lexical.T).toarray() + dense @ dense.T
        similarity /= norms[:, None] * norms[None, :]
        np.fill_diagonal(similarity, -np.inf)
        count = min(self.neighbours, topics - 1)
        return np.argsort(-similarity, axis=1)[:, :count]

    def fit(self, features: sparse.csr_matrix, labels: np.ndarray, topics: int, lexical_width: int) -> TopicClassifier:
        """`features`: one row per paraphrase, the first `lexical_width` columns lexical (pruned per
        topic), the rest dense embedding dimensions (kept); `labels`: topic index of each row.

        The topics' training rows are drawn in topic order (the same draws whatever the threads);
        the SVMs are fitted on every core: liblinear releases the interpreter lock while it fits
        (half the time on 2 cores). Its shuffling uses the C library's one random state, so
        weights differ slightly from run to run (they did before the threads too)."""
        features = sparse.csr_matrix(features)
        nearest = (
            self._nearest_topics(features, labels, topics, lexical_width) if topics > 1 else np.zeros((topics, 0), int)
        )
        rows = self._training_rows(labels, topics, nearest)
        # once around the pool: `catch_warnings` swaps the process-wide filters, so entering it in
        # each thread could leave them wrong when the threads interleave
        with warnings.catch_warnings(), ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            warnings.simplefilter("ignore", ConvergenceWarning)
            fitted = list(
                pool.map(
                    lambda topic: self._fit_topic(features, labels, topic, rows[topic], lexical_width), range(topics)
                )
            )
        positions = [kept for kept, _, _ in fitted]
        pointers = np.concatenate([[0], np.cumsum([len(kept) for kept in positions])])
        # built by column, kept by row: a message's sparse row times a CSR matrix needs no conversion
        # (converting at every message cost more than the product itself)
        weights = sparse.csc_matrix(
            (np.concatenate([values for _, values, _ in fitted]), np.concatenate(positions), pointers),
            shape=(features.shape[1], topics),
        ).tocsr()
        self.lexical_width = lexical_width
        self.lexical_weights = weights[:lexical_width]
        # float64 as the sparse product was: the same scores as before the split, not just close ones
        self.embedding_weights = weights[lexical_width:].toarray().astype(np.float64)
        self.bias = np.array([bias for _, _, bias in fitted], dtype=np.float32)
        return self

    def _training_rows(self, labels: np.ndarray, topics: int, nearest: np.ndarray) -> List[np.ndarray]:
        """Each topic's rows: its own paraphrases, its nearest topics' and a random sample of the rest."""
        generator = np.random.default_rng(self.seed)
        by_topic: List[np.ndarray] = [np.flatnonzero(labels == topic) for topic in range(topics)]
        chosen = []
        for topic in range(topics):
            positives = by_topic[topic]
            hard = np.concatenate([by_topic[other] for other in nearest[topic]] or [np.zeros(0, int)])
            outside = np.ones(len(labels), dtype=bool)
            outside[positives] = outside[hard] = False
            rest = np.flatnonzero(outside)
            sampled = generator.choice(rest, min(self.random_negatives, len(rest)), replace=False)
            chosen.append(np.concatenate([positives, hard, sampled]).astype(int))
        return chosen

    def _fit_topic(
        self, features: sparse.csr_matrix, labels: np.ndarray, topic: int, rows: np.ndarray, lexical_width: int
    ) -> Tuple[np.ndarray, np.ndarray, float]:
        """(kept weight positions, their values, bias) of one topic's SVM."""
        target = (labels[rows] == topic).astype(int)
        # a lone topic, or no training rows at all (a calibration fit of a knowledge base smaller
        # than its calibration sample): nothing to separate it from
        if target.size == 0 or target.min() == target.max():
            return np.zeros(0, np.int32), np.zeros(0, np.float32), 1.0
        model = LinearSVC(C=self.regularisation, max_iter=2000).fit(features[rows], target)
        column = self._pruned(model.coef_[0], lexical_width)
        kept = np.flatnonzero(column)
        return kept.astype(np.int32), column[kept].astype(np.float32), float(model.intercept_[0])

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

    def scores(self, lexical: sparse.spmatrix | np.ndarray, embedding: np.ndarray | None = None) -> np.ndarray:
        """Decision value of every topic (rows = queries); higher = more likely that topic.
        `lexical`: the queries' lexical columns, or their whole feature rows when `embedding` is None."""
        rows = sparse.csr_matrix(lexical)
        if embedding is None and rows.shape[1] > self.lexical_width:
            embedding = rows[:, self.lexical_width :].toarray()
            rows = rows[:, : self.lexical_width]
        product = (rows @ self.lexical_weights).toarray().astype(np.float64)
        if embedding is not None and self.embedding_weights.shape[0]:
            product += np.asarray(embedding, dtype=np.float64) @ self.embedding_weights
        return product + self.bias
