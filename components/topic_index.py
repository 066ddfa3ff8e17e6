"""The FAQ topics' evidence index: what `FaqRetriever` trains and ranks with (no Rasa imports).

`TopicIndex` keeps the knowledge base's paraphrases and answers as TF-IDF and sentence-embedding
matrices plus a `TopicClassifier`, scores a message against every topic from the four sources, and
calibrates the answerability model on the knowledge base itself (services/answerability/).
"""

from __future__ import annotations

from typing import Dict, List, Tuple

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

from lang.text import DiacriticsRestorer
from services import embeddings
from services.answerability.evidence import AnswerabilityModel, features, fuse
from services.answerability.topic_classifier import TopicClassifier


def per_topic(similarity: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Best item of each topic: rows = queries, items sorted by topic; NaN items are ignored."""
    return np.fmax.reduceat(similarity, starts, axis=1)


def tfidf(vectorizer: TfidfVectorizer, texts: List[str]) -> sparse.csr_matrix:
    """`vectorizer.transform(texts)`, the same matrix without scikit-learn 1.1's per-call check that
    re-sums the whole IDF diagonal (every feature of the knowledge base) to see that it is fitted
    (0.52 ms -> 0.21 ms per message for the character n-grams, reports/per_message_costs.md)."""
    idf = vectorizer.__dict__.get("_idf_vector")
    if idf is None:
        idf = vectorizer.__dict__["_idf_vector"] = vectorizer.idf_
    counts = CountVectorizer.transform(vectorizer, texts).astype(np.float64)
    if vectorizer.sublinear_tf:
        np.log(counts.data, out=counts.data)
        counts.data += 1
    counts.data *= idf[counts.indices]
    return normalize(counts, norm=vectorizer.norm, copy=False) if vectorizer.norm else counts


class TopicIndex:
    """Per-topic evidence from four sources, fused by z-scored weighted sum.

    - lexical: TF-IDF cosine over folded lemmas (word uni/bi-grams) and character n-grams;
    - paraphrase embeddings: multilingual USE cosine with each training paraphrase;
    - answer embeddings: e5 similarity between the query and the topic's answers;
    - classifier: a linear classifier over topics on the lexical and paraphrase vectors (`TopicClassifier`).
    A topic scores as its best paraphrase (or answer) in each similarity source. `AnswerabilityModel` turns
    the agreement, margins and similarities of the sources into P(the first topic answers).
    """

    def __init__(
        self, word_weight: float, max_char_ngram: int, weights: Dict[str, float], answer_encoder: str = "e5"
    ) -> None:
        self.word_weight = word_weight
        self.weights = weights
        self.answer_encoder = answer_encoder
        self.word_vectorizer = TfidfVectorizer(
            analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"
        )
        self.char_vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, max_char_ngram), sublinear_tf=True, min_df=1
        )
        self.topics: List[str] = []
        self.matrix: sparse.csr_matrix | None = None
        self.topic_starts: np.ndarray | None = None
        self.paraphrases: np.ndarray | None = None
        self.answers: np.ndarray | None = None
        self.answer_starts: np.ndarray | None = None
        self.restorer = DiacriticsRestorer()
        self.answerability = AnswerabilityModel()
        self.classifier: TopicClassifier | None = None

    def _vectorize(self, texts: List[str], fit: bool = False) -> sparse.csr_matrix:
        if fit:
            for vectorizer in (self.word_vectorizer, self.char_vectorizer):
                vectorizer.__dict__.pop("_idf_vector", None)  # remembered by `tfidf`
            word = self.word_vectorizer.fit_transform(texts)
            char = self.char_vectorizer.fit_transform(texts)
        else:
            word = tfidf(self.word_vectorizer, texts)
            char = tfidf(self.char_vectorizer, texts)
        # both blocks are L2-normalised, so the dot product is a weighted sum of two cosines
        return sparse.hstack([word * np.sqrt(self.word_weight), char * np.sqrt(1.0 - self.word_weight)]).tocsr()

    def fit(
        self,
        examples: List[Tuple[str, str, str]],
        answers: List[Tuple[str, str]],
        others: List[Tuple[str, str]] = (),
        calibration_size: int = 1200,
        cache: embeddings.EmbeddingCache | None = None,
    ) -> TopicIndex:
        """`examples`: (topic, lemma text, raw text); `answers`: (topic, answer text); `others`:
        (lemma text, raw text) of non-FAQ messages (negatives for the answerability model)."""
        examples = sorted(examples, key=lambda example: example[0])
        self.topics = sorted({topic for topic, _, _ in examples})
        example_topics = np.array([topic for topic, _, _ in examples])
        self.topic_starts = np.searchsorted(example_topics, self.topics)
        self.matrix = self._vectorize([lemmas for _, lemmas, _ in examples], fit=True).T.tocsr()
        self.restorer.fit([raw for _, _, raw in examples] + [text for _, text in answers])
        if self.weights.get("paraphrase_embedding"):
            self.paraphrases = embeddings.encode_paraphrases([raw for _, _, raw in examples], cache).T
        position = {topic: i for i, topic in enumerate(self.topics)}
        answers = sorted((position[topic], text) for topic, text in answers if topic in position)
        if self.weights.get("answer_embedding") and answers:
            if {topic for topic, _ in answers} != set(range(len(self.topics))):
                missing = set(self.topics) - {self.topics[topic] for topic, _ in answers}
                raise ValueError(f"FAQ topics without an answer text: {sorted(missing)[:5]}")
            self.answers = embeddings.encode_passages([text for _, text in answers], self.answer_encoder, cache)
            self.answer_starts = np.searchsorted(np.array([topic for topic, _ in answers]), np.arange(len(self.topics)))
        labels = np.array([position[topic] for topic in example_topics])
        training = None  # the classifier's input for every paraphrase, built once for its three fits
        if self.weights.get("classifier"):
            lexical = self.matrix.T.tocsr()
            training = self._classifier_features(lexical, self.paraphrases.T if self.paraphrases is not None else None)
        self.classifier = self._fit_classifier(training, labels, np.arange(len(examples)))
        self._calibrate(examples, labels, training, list(others), calibration_size, cache)
        return self

    def _classifier_features(self, lexical: sparse.csr_matrix, paraphrase: np.ndarray | None) -> sparse.csr_matrix:
        """The classifier's training input: each paraphrase's lexical vector and (when that source is
        on) its USE vector (`TopicClassifier.scores` takes the two parts of a message apart)."""
        if paraphrase is None:
            return lexical
        return sparse.hstack([lexical, sparse.csr_matrix(paraphrase)]).tocsr()

    def _fit_classifier(
        self, training: sparse.csr_matrix | None, labels: np.ndarray, rows: np.ndarray
    ) -> TopicClassifier | None:
        """A `TopicClassifier` on the paraphrases `rows` (indices into the sorted examples) of
        `training` (None: the classifier source is off); `labels`: each paraphrase's topic index."""
        if training is None:
            return None
        return TopicClassifier().fit(training[rows], labels[rows], len(self.topics), self.matrix.shape[0])

    def _item_similarities(
        self,
        lemmas: List[str],
        raws: List[str],
        cache: embeddings.EmbeddingCache | None = None,
        classifier: TopicClassifier | None = None,
    ) -> Dict[str, np.ndarray]:
        """Similarity of each query to every paraphrase / answer (rows = queries), and the
        classifier's per-topic scores (`classifier` replaces the trained one during calibration)."""
        raws = [self.restorer.restore(raw) for raw in raws]  # the encoders expect written Polish
        items: Dict[str, np.ndarray] = {}
        # e5, the slowest source, first and alone on every core (services/embeddings.py
        # `_e5_threads`): in a background thread beside the other sources it fought them for the 2
        # cores (`python -m benchmarks.latency`, p50 / p95 ms at 100 topics 28 / 36 before, 25 / 37
        # after; at 2,000 topics 36 / 44 before, 32 / 40 after)
        if self.answers is not None:
            items["answer_embedding"] = embeddings.encode_queries(raws, self.answer_encoder, cache) @ self.answers.T
        lexical = self._vectorize(lemmas)
        items["lexical"] = np.asarray((lexical @ self.matrix).todense())
        paraphrase = None
        if self.paraphrases is not None:
            paraphrase = embeddings.encode_paraphrases(raws, cache)
            items["paraphrase_embedding"] = paraphrase @ self.paraphrases
        classifier = classifier or self.classifier
        if classifier is not None:
            items["classifier"] = classifier.scores(lexical, paraphrase)
        return items

    def _per_topic(self, items: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
        starts = {"answer_embedding": self.answer_starts}
        return {
            name: values if name == "classifier" else per_topic(values, starts.get(name, self.topic_starts))
            for name, values in items.items()
        }

    def _calibrate(
        self,
        examples: List[Tuple[str, str, str]],
        own_topics: np.ndarray,
        training: sparse.csr_matrix | None,
        others: List[Tuple[str, str]],
        size: int,
        cache: embeddings.EmbeddingCache | None,
    ) -> None:
        """Fits `self.answerability` on scores of training paraphrases the index is made not to know.

        Positives: sampled paraphrases scored without themselves (leave-one-out; the classifier's
        scores from a classifier trained without them), labelled by whether their topic comes first.
        Negatives: paraphrases of a quarter of the topics scored with those topics masked in every
        source and with a classifier that never saw them: questions about business the knowledge
        base does not cover. (Masking only the question's own topic is not enough: the classifiers
        of its neighbours were trained against that topic's paraphrases, so its questions looked far
        easier to reject than a real uncovered question.)"""
        generator = np.random.default_rng(42)
        everything = np.arange(len(examples))
        sample = np.sort(generator.permutation(len(examples))[:size])
        rows, labels = [], []
        classifier = self._fit_classifier(training, own_topics, np.setdiff1d(everything, sample))
        for chunk in np.array_split(sample, max(1, len(sample) // 200)):
            items = self._item_similarities(
                [examples[i][1] for i in chunk], [examples[i][2] for i in chunk], cache, classifier
            )
            for name in ("lexical", "paraphrase_embedding"):
                if name in items:
                    items[name][np.arange(len(chunk)), chunk] = np.nan  # leave the paraphrase out
            sources = self._per_topic(items)
            fused = fuse(sources, self.weights)
            top = np.nanargmax(np.where(np.isnan(fused), -np.inf, fused), axis=1)
            rows.append(features(sources, fused))
            labels.append((top == own_topics[chunk]).astype(int))
        unknown = generator.permutation(len(self.topics))[: max(1, len(self.topics) // 4)]
        if len(unknown) < len(self.topics):
            asked = np.flatnonzero(np.isin(own_topics, unknown))
            asked = np.sort(generator.permutation(asked)[:size])
            classifier = self._fit_classifier(training, own_topics, np.flatnonzero(~np.isin(own_topics, unknown)))
            for chunk in np.array_split(asked, max(1, len(asked) // 200)):
                items = self._item_similarities(
                    [examples[i][1] for i in chunk], [examples[i][2] for i in chunk], cache, classifier
                )
                sources = self._per_topic(items)
                for name in sources:
                    sources[name][:, unknown] = np.nan
                rows.append(features(sources, fuse(sources, self.weights)))
                labels.append(np.zeros(len(chunk), dtype=int))
        off_topic_similarity: List[float] = []
        if others:
            chosen = [others[i] for i in generator.permutation(len(others))[: max(1, size // 3)]]
            sources = self._per_topic(self._item_similarities([o[0] for o in chosen], [o[1] for o in chosen], cache))
            rows.append(features(sources, fuse(sources, self.weights)))
            labels.append(np.zeros(len(chosen), dtype=int))
            best = sources.get("paraphrase_embedding", sources["lexical"])
            off_topic_similarity = np.nanmax(best, axis=1).tolist()
        self.answerability = AnswerabilityModel.fit(np.vstack(rows), np.concatenate(labels), off_topic_similarity)

    def evidence(self, lemma_text: str, raw_text: str, focus: Tuple[str, str] | None = None) -> Dict[str, np.ndarray]:
        """Per-topic evidence (1 x topics) of one message; with a (lemmas, raw) question `focus` of
        a long message, the focus counts twice in the lexical score and half in the embeddings."""
        if focus is None:
            return self._per_topic(self._item_similarities([lemma_text], [raw_text]))
        combined = f"{lemma_text} {focus[0]}"
        items = self._item_similarities([combined, combined], [raw_text, focus[1]])
        items = {
            name: values[:1] if name == "lexical" else values.mean(axis=0, keepdims=True)
            for name, values in items.items()
        }
        return self._per_topic(items)

    def warm_up(self) -> None:
        """Runs every source once: the encoders load their models and set up their sessions on
        first use, which made the first question after a start wait for them."""
        self.evidence("jak zalozyc firma", "Jak założyć firmę?")

    def lexical_only(self, lemma_text: str) -> Dict[str, np.ndarray]:
        """Cheap evidence for messages that need no FAQ answer (no encoder runs)."""
        return self._per_topic({"lexical": np.asarray((self._vectorize([lemma_text]) @ self.matrix).todense())})

    def scores(self, lemma_text: str, raw_text: str) -> Tuple[np.ndarray, np.ndarray]:
        """(fused score, lexical cosine) of every topic, in `self.topics` order."""
        sources = self.evidence(lemma_text, raw_text)
        return fuse(sources, self.weights)[0], sources["lexical"][0]
