"""FAQ answer retrieval that scales to thousands of knowledge-base topics.

Rasa's stock ResponseSelector trains a neural network over all FAQ classes, which grows slow with
thousands of topics (`python -m benchmarks.faq --stock` measures it at 100). This component instead ranks topics by fusing four kinds of
evidence (see `TopicIndex`): TF-IDF over diacritics-folded lemmas and character n-grams (typos,
inflection), multilingual sentence embeddings of the paraphrases, embeddings of the answers, and a
linear classifier over the topics. Nothing is trained by gradient descent: training encodes the
texts once (through a content-addressed cache) and fits one small linear SVM per topic; parsing is
a few matrix products (figures in reports/faq_benchmark.md). It also decides
whether the knowledge base answers the message at all (services/answerability/).

Its output follows the ResponseSelector format, so `rasa test nlu`, the rule
`intent: faq -> utter_faq` and `POST /model/parse` work unchanged:
`response_selector.faq.response.intent_response_key == "faq/<id>"`, with confidence and ranking.
`response.responses` (the answer's variations, informational: Rasa's `utter_faq` renders the
domain response named by `utter_action`) is filled only when the message is answered from the
knowledge base; for greetings, form answers and questions it does not answer it stays empty, so
the thousands of characters of an unrelated answer are not stored with every such message,
reloaded and sent to the action server at each of its turns.
"""

from __future__ import annotations

import logging
import re
import zlib
from typing import Any, Dict, List, Tuple

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
    TOKENS_NAMES,
)
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

from components import embeddings
from components.stored import StoredStateComponent
from lang.text import DiacriticsRestorer, fold, words
from services.answerability.evidence import AnswerabilityModel, features, fuse
from services.answerability.focus import question_spans
from services.answerability.topic_classifier import TopicClassifier

logger = logging.getLogger(__name__)


def lemma_text(message: Message) -> str:
    """The message as a string of folded lemmas (set by `FoldedLemmatizer`)."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    if tokens:
        return " ".join(token.lemma for token in tokens)
    return " ".join(words(fold(message.get(TEXT) or "")))


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
        self.lexical_width = 0

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
        self.classifier = self._fit_classifier(np.arange(len(examples)), example_topics)
        self._calibrate(examples, example_topics, list(others), calibration_size, cache)
        return self

    def _classifier_features(self, lexical: sparse.csr_matrix, paraphrase: np.ndarray | None) -> sparse.csr_matrix:
        """A message's classifier input: its lexical vector and (when that source is on) its USE vector."""
        if paraphrase is None:
            return lexical
        return sparse.hstack([lexical, sparse.csr_matrix(paraphrase)]).tocsr()

    def _fit_classifier(self, rows: np.ndarray, example_topics: np.ndarray) -> TopicClassifier | None:
        """A `TopicClassifier` on the paraphrases `rows` (indices into the sorted examples)."""
        if not self.weights.get("classifier"):
            return None
        position = {topic: i for i, topic in enumerate(self.topics)}
        lexical = self.matrix.T.tocsr()[rows]
        paraphrase = self.paraphrases.T[rows] if self.paraphrases is not None else None
        labels = np.array([position[topic] for topic in example_topics[rows]])
        return TopicClassifier().fit(
            self._classifier_features(lexical, paraphrase), labels, len(self.topics), lexical.shape[1]
        )

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
        queries = None  # e5, the slowest source, runs while the others are computed
        if self.answers is not None:
            queries = embeddings.in_background(embeddings.encode_queries, raws, self.answer_encoder, cache)
        lexical = self._vectorize(lemmas)
        items = {"lexical": np.asarray((lexical @ self.matrix).todense())}
        paraphrase = None
        if self.paraphrases is not None:
            paraphrase = embeddings.encode_paraphrases(raws, cache)
            items["paraphrase_embedding"] = paraphrase @ self.paraphrases
        classifier = classifier or self.classifier
        if classifier is not None:
            items["classifier"] = classifier.scores(self._classifier_features(lexical, paraphrase))
        if queries is not None:
            items["answer_embedding"] = queries.result() @ self.answers.T
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
        example_topics: np.ndarray,
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
        position = {topic: i for i, topic in enumerate(self.topics)}
        own_topics = np.array([position[topic] for topic in example_topics])
        rows, labels = [], []
        classifier = self._fit_classifier(np.setdiff1d(everything, sample), example_topics)
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
            classifier = self._fit_classifier(np.flatnonzero(~np.isin(own_topics, unknown)), example_topics)
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


DECISION_KEY = "answerability"
NOT_IN_KB_INTENT = "not_in_kb"
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqRetriever(StoredStateComponent):
    """Chooses the FAQ answer (`faq/<id>`) and decides whether to answer, clarify or admit not knowing.

    Output besides the ResponseSelector format: `answerability` = {decision: answer | clarify |
    unknown, confidence: P(the first topic answers), suggestions: topics for buttons}. An FAQ
    message the knowledge base cannot answer becomes intent `not_in_kb`; one it may answer with
    several candidate topics becomes `nlu_fallback` (the clarification with buttons).
    """

    TRAINING_CODE = (
        "components.embeddings",
        "lang.text",
        "services.answerability.evidence",
        "services.answerability.focus",
        "services.answerability.topic_classifier",
    )

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "retrieval_intent": "faq",
            # share of the word-lemma cosine in the lexical score; the rest is character n-grams
            "word_weight": 0.5,
            "max_char_ngram": 4,
            # weights of the z-scored evidence (0 turns a source off); set in config.yml from the
            # development split of `python -m benchmarks.faq`
            "lexical_weight": 1.0,
            "paraphrase_embedding_weight": 1.0,
            "answer_embedding_weight": 2.0,
            "classifier_weight": 2.0,
            # e5 matches questions to answers better; "use" is faster (see reports/faq_benchmark.md)
            "answer_encoder": "e5",
            # softmax temperature turning fused scores into confidences
            "temperature": 1.0,
            # a message this similar to a knowledge-base question is that question: it is an FAQ
            # whatever the intent classifier says (DIET underfits a 100-topic `faq` class)
            "known_question_similarity": 0.9,
            # P(first topic answers) needed to answer / to offer a clarification; config.yml sets
            # them from the development split's curve (benchmarks/faq.py)
            "answer_threshold": 0.5,
            "clarify_threshold": 0.2,
            # training paraphrases sampled to calibrate the answerability model
            "calibration_size": 1200,
            # the sentence encoders run only when the intent classifier says `faq` or is less sure
            # than this of another intent (greetings, form answers and digits skip them)
            "encode_below_confidence": 0.45,
            "max_suggestions": 3,
            "ranking_length": 10,
        }

    def restore(self, state: Tuple[TopicIndex, Dict[str, List[Dict[str, Any]]]] | None) -> None:
        self._index, self._responses = state or (None, {})

    @classmethod
    def load(cls, *args: Any, **kwargs: Any) -> FaqRetriever:
        """The trained index, warmed up (`TopicIndex.warm_up`) before the server takes messages."""
        component = super().load(*args, **kwargs)
        if component._index is not None:
            component._index.warm_up()
        return component

    def train(self, training_data: TrainingData) -> Resource:
        retrieval_intent = self._config["retrieval_intent"]
        examples = [
            (example.get(INTENT_RESPONSE_KEY), lemma_text(example), example.get(TEXT))
            for example in training_data.intent_examples
            if example.get(INTENT) == retrieval_intent and example.get(INTENT_RESPONSE_KEY)
        ]
        others = [
            (lemma_text(example), example.get(TEXT))
            for example in training_data.intent_examples
            if example.get(INTENT) != retrieval_intent and _LETTER.search(example.get(TEXT) or "")
        ]
        if not examples:
            logger.warning("No examples of retrieval intent '%s'; nothing to index.", retrieval_intent)
            return self._resource
        prefix = f"utter_{retrieval_intent}/"
        self._responses = {key: value for key, value in training_data.responses.items() if key.startswith(prefix)}
        answers = [  # the answers in each language, not their short voice/WhatsApp variants
            (key[len("utter_") :], variation["text"])
            for key, variations in self._responses.items()
            for variation in variations
            if variation.get("text") and not variation.get("channel")
        ]
        weights = {
            "lexical": self._config["lexical_weight"],
            "paraphrase_embedding": self._config["paraphrase_embedding_weight"],
            "answer_embedding": self._config["answer_embedding_weight"],
            "classifier": self._config["classifier_weight"],
        }
        self._index = TopicIndex(
            self._config["word_weight"], self._config["max_char_ngram"], weights, self._config["answer_encoder"]
        )
        embeddings.use_all_cores()  # a training process serves nothing meanwhile
        cache = embeddings.EmbeddingCache()
        self._index.fit(examples, answers, others, self._config["calibration_size"], cache)
        logger.info(
            "FAQ index: %d topics, %d paraphrases; %d texts encoded (the rest from the cache).",
            len(self._index.topics),
            len(examples),
            cache.encoded,
        )
        return self.persist((self._index, self._responses))

    def _focus(self, message: Message) -> Tuple[str, str] | None:
        """(lemmas, raw text) of the question sentence(s) of a long message."""
        text = message.get(TEXT) or ""
        spans = question_spans(text)
        if not spans:
            return None
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        inside = [t.lemma for t in tokens if any(start <= t.start < end for start, end in spans)]
        raw = " ".join(text[start:end].strip() for start, end in spans)
        return (" ".join(inside) or " ".join(words(fold(raw))), raw)

    def assess(self, message: Message, full: bool = True) -> Dict[str, Any]:
        """Ranking (topic, confidence, lexical similarity), P(first topic answers) and the
        decision; `full=False` ranks lexically only (no encoder, no decision)."""
        index = self._index
        if full:
            sources = index.evidence(lemma_text(message), message.get(TEXT) or "", self._focus(message))
        else:
            sources = index.lexical_only(lemma_text(message))
        fused = fuse(sources, index.weights)
        lexical = sources["lexical"][0]
        known = float(np.nanmax(lexical)) >= self._config["known_question_similarity"]
        if known:
            fused[0, int(np.nanargmax(lexical))] = np.nanmax(fused) + 1.0  # a KB question answers itself
        scores = fused[0]
        top = np.argsort(-scores)[: self._config["ranking_length"]]
        # softmax over all topics, reported for the top ones
        exponentials = np.exp((scores - scores[top[0]]) / self._config["temperature"])
        confidences = exponentials[top] / exponentials.sum()
        ranking = [(index.topics[i], float(c), float(lexical[i])) for i, c in zip(top, confidences, strict=False)]
        result: Dict[str, Any] = {"ranking": ranking, "known_question": known, "sources": sources}
        if not full:
            return result
        probability = 1.0 if known else float(index.answerability.probability(features(sources, fused))[0])
        if probability >= self._config["answer_threshold"]:
            decision = "answer"
        elif probability >= self._config["clarify_threshold"]:
            decision = "clarify"
        else:
            decision = "unknown"
        best = sources.get("paraphrase_embedding", sources["lexical"])[0]
        candidates = top[: self._config["max_suggestions"]]
        if decision == "unknown":  # only topics plausibly related to the message
            candidates = [i for i in candidates if best[i] >= index.answerability.related_similarity]
        result.update(
            decision=decision,
            probability=probability,
            suggestions=[index.topics[i] for i in candidates] if decision != "answer" else [],
        )
        return result

    def _needs_faq_evidence(self, message: Message) -> bool:
        """Encoders only for messages that may need an FAQ answer (not greetings, form answers, digits)."""
        text = message.get(TEXT) or ""
        if not _LETTER.search(text) or text.startswith("/"):
            return False
        intent = message.get(INTENT) or {}
        return (
            intent.get(INTENT_NAME_KEY) in (None, self._config["retrieval_intent"])
            or (intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) < self._config["encode_below_confidence"]
        )

    def _set_intent(self, message: Message, name: str, confidence: float) -> None:
        """Makes `name` the top intent; the rest share what it leaves, so the ranking sums to one."""
        corrected = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
        others = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name]
        total = sum(r.get(PREDICTED_CONFIDENCE_KEY, 0.0) for r in others) or 1.0
        scale = (1.0 - confidence) / total
        ranking = [{**r, PREDICTED_CONFIDENCE_KEY: r.get(PREDICTED_CONFIDENCE_KEY, 0.0) * scale} for r in others]
        message.set(INTENT, corrected, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [corrected] + ranking, add_to_output=True)

    def _route(self, message: Message, assessment: Dict[str, Any]) -> None:
        """The intent the dialogue acts on: the FAQ answer, a clarification (`nlu_fallback`) or
        `not_in_kb`. Only messages the intent classifier took for FAQ are re-routed; other unsure
        ones are left to the FallbackClassifier (gibberish: "I didn't understand")."""
        retrieval_intent = self._config["retrieval_intent"]
        intent = message.get(INTENT) or {}
        predicted = intent.get(INTENT_NAME_KEY)
        if predicted is None:
            return
        if assessment["known_question"]:
            if predicted != retrieval_intent:
                best_lexical = max(similarity for _, _, similarity in assessment["ranking"])
                self._set_intent(message, retrieval_intent, best_lexical)
            return
        decision = assessment.get("decision")
        if decision is None or predicted != retrieval_intent:
            return
        probability = assessment["probability"]
        if decision == "answer":
            # two agreeing pieces of evidence: the FallbackClassifier must not undo a sure answer
            self._set_intent(message, retrieval_intent, max(probability, intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0))
        elif decision == "clarify":
            self._set_intent(message, DEFAULT_NLU_FALLBACK_INTENT_NAME, 1.0 - probability)
        else:
            self._set_intent(message, NOT_IN_KB_INTENT, 1.0 - probability)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._index is None:
            return messages
        retrieval_intent = self._config["retrieval_intent"]
        for message in messages:
            assessment = self.assess(message, full=self._needs_faq_evidence(message))
            self._route(message, assessment)
            ranking = assessment["ranking"]
            best_key, best_confidence, _ = ranking[0]
            utter_action = f"utter_{best_key}"
            answered = (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == retrieval_intent
            selector = message.get(RESPONSE_SELECTOR_PROPERTY_NAME, {})
            selector[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = [retrieval_intent]
            selector[retrieval_intent] = {
                RESPONSE_SELECTOR_PREDICTION_KEY: {
                    RESPONSE_SELECTOR_RESPONSES_KEY: self._responses.get(utter_action, []) if answered else [],
                    PREDICTED_CONFIDENCE_KEY: best_confidence,
                    INTENT_RESPONSE_KEY: best_key,
                    RESPONSE_SELECTOR_UTTER_ACTION_KEY: utter_action,
                },
                RESPONSE_SELECTOR_RANKING_KEY: [
                    {
                        "id": zlib.crc32(key.encode("utf-8")),
                        PREDICTED_CONFIDENCE_KEY: confidence,
                        INTENT_RESPONSE_KEY: key,
                        "similarity": round(similarity, 4),
                    }
                    for key, confidence, similarity in ranking
                ],
            }
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selector, add_to_output=True)
            if "decision" in assessment:
                message.set(
                    DECISION_KEY,
                    {
                        "decision": assessment["decision"],
                        "confidence": round(assessment["probability"], 4),
                        "suggestions": assessment["suggestions"],
                    },
                    add_to_output=True,
                )
        return messages
