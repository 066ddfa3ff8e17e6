"""FAQ answer retrieval that scales to thousands of knowledge-base topics.

Rasa's stock ResponseSelector trains a neural network over all FAQ classes: at 2,000 topics that
takes hours on a small server. This component instead ranks topics by fusing three kinds of
evidence (see `TopicIndex`): TF-IDF over diacritics-folded lemmas and character n-grams (typos,
inflection), multilingual sentence embeddings of the paraphrases, and embeddings of the answers.
Nothing is trained by gradient descent: training encodes the texts once, parsing is a few matrix
products (numbers in reports/faq_benchmark.md).

Its output follows the ResponseSelector format, so `rasa test nlu`, the rule
`intent: faq -> utter_faq` and `POST /model/parse` work unchanged:
`response_selector.faq.response.intent_response_key == "faq/<id>"`, with confidence and ranking.
"""

from __future__ import annotations

import logging
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

from components.stored import StoredStateComponent
from lang.text import DiacriticsRestorer, fold, words

logger = logging.getLogger(__name__)


def lemma_text(message: Message) -> str:
    """The message as a string of folded lemmas (set by `FoldedLemmatizer`)."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    if tokens:
        return " ".join(token.lemma for token in tokens)
    return " ".join(words(fold(message.get(TEXT) or "")))


def _zscore(scores: np.ndarray) -> np.ndarray:
    spread = scores.std()
    return (scores - scores.mean()) / (spread if spread > 0 else 1.0)


class TopicIndex:
    """Per-topic evidence from three sources, fused by z-scored weighted sum.

    - lexical: TF-IDF cosine over folded lemmas (word uni/bi-grams) and character n-grams;
    - paraphrase embeddings: multilingual USE cosine with each training paraphrase;
    - answer embeddings: e5 similarity between the query and the topic's answers.
    A topic scores as its best paraphrase (or answer) in each source.
    """

    def __init__(
        self, word_weight: float, max_char_ngram: int, weights: Dict[str, float], answer_encoder: str = "e5"
    ) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

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
        self.answer_topics: np.ndarray | None = None
        self.restorer = DiacriticsRestorer()

    def _vectorize(self, texts: List[str], fit: bool = False) -> sparse.csr_matrix:
        if fit:
            word = self.word_vectorizer.fit_transform(texts)
            char = self.char_vectorizer.fit_transform(texts)
        else:
            word = self.word_vectorizer.transform(texts)
            char = self.char_vectorizer.transform(texts)
        # both blocks are L2-normalised, so the dot product is a weighted sum of two cosines
        return sparse.hstack([word * np.sqrt(self.word_weight), char * np.sqrt(1.0 - self.word_weight)]).tocsr()

    def fit(self, examples: List[Tuple[str, str, str]], answers: List[Tuple[str, str]]) -> TopicIndex:
        """`examples`: (topic, lemma text, raw text); `answers`: (topic, answer text)."""
        from components import embeddings

        examples = sorted(examples, key=lambda example: example[0])
        self.topics = sorted({topic for topic, _, _ in examples})
        self.topic_starts = np.searchsorted(np.array([topic for topic, _, _ in examples]), self.topics)
        self.matrix = self._vectorize([lemmas for _, lemmas, _ in examples], fit=True).T.tocsr()
        self.restorer.fit([raw for _, _, raw in examples] + [text for _, text in answers])
        if self.weights.get("paraphrase_embedding"):
            self.paraphrases = embeddings.encode_paraphrases([raw for _, _, raw in examples]).T
        position = {topic: i for i, topic in enumerate(self.topics)}
        answers = [(topic, text) for topic, text in answers if topic in position]
        if self.weights.get("answer_embedding") and answers:
            self.answers = embeddings.encode_passages([text for _, text in answers], self.answer_encoder)
            self.answer_topics = np.array([position[topic] for topic, _ in answers])
        return self

    def scores(self, lemma_text: str, raw_text: str) -> Tuple[np.ndarray, np.ndarray]:
        """(fused score, lexical cosine) of every topic, in `self.topics` order."""
        from components import embeddings

        lexical_all = np.asarray((self._vectorize([lemma_text]) @ self.matrix).todense()).ravel()
        lexical = np.maximum.reduceat(lexical_all, self.topic_starts)
        fused = self.weights.get("lexical", 1.0) * _zscore(lexical)
        raw_text = self.restorer.restore(raw_text)  # the encoders expect written Polish
        if self.paraphrases is not None:
            similarity = embeddings.encode_paraphrases([raw_text])[0] @ self.paraphrases
            fused += self.weights["paraphrase_embedding"] * _zscore(np.maximum.reduceat(similarity, self.topic_starts))
        if self.answers is not None:
            similarity = self.answers @ embeddings.encode_queries([raw_text], self.answer_encoder)[0]
            per_topic = np.full(len(self.topics), similarity.min())
            np.maximum.at(per_topic, self.answer_topics, similarity)
            fused += self.weights["answer_embedding"] * _zscore(per_topic)
        return fused, lexical


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqRetriever(StoredStateComponent):
    """Chooses the FAQ answer (`faq/<id>`) for messages of the retrieval intent."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "retrieval_intent": "faq",
            # share of the word-lemma cosine in the lexical score; the rest is character n-grams
            "word_weight": 0.5,
            "max_char_ngram": 4,
            # weights of the z-scored evidence (0 turns a source off); chosen on benchmarks/faq.py
            "lexical_weight": 1.0,
            "paraphrase_embedding_weight": 1.0,
            "answer_embedding_weight": 2.0,
            # e5 matches questions to answers better; "use" is faster (see reports/faq_benchmark.md)
            "answer_encoder": "e5",
            # softmax temperature turning fused scores into confidences
            "temperature": 1.0,
            # a message whose best paraphrase is less similar than this is not an FAQ question
            # whatever the intent classifier says: it becomes `nlu_fallback` (see benchmarks/faq.py)
            "min_similarity": 0.2,
            # a message this similar to a knowledge-base question is that question: it is an FAQ
            # whatever the intent classifier says (DIET underfits a 100-topic `faq` class)
            "known_question_similarity": 0.9,
            "ranking_length": 10,
        }

    def restore(self, state: Tuple[TopicIndex, Dict[str, List[Dict[str, Any]]]] | None) -> None:
        self._index, self._responses = state or (None, {})

    def train(self, training_data: TrainingData) -> Resource:
        retrieval_intent = self._config["retrieval_intent"]
        examples = [
            (example.get(INTENT_RESPONSE_KEY), lemma_text(example), example.get(TEXT))
            for example in training_data.intent_examples
            if example.get(INTENT) == retrieval_intent and example.get(INTENT_RESPONSE_KEY)
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
        }
        self._index = TopicIndex(
            self._config["word_weight"], self._config["max_char_ngram"], weights, self._config["answer_encoder"]
        )
        self._index.fit(examples, answers)
        logger.info("FAQ index: %d topics, %d paraphrases.", len(self._index.topics), len(examples))
        return self.persist((self._index, self._responses))

    def rank(self, message: Message) -> Tuple[List[Tuple[str, float, float]], float]:
        """Topics (`faq/<id>`) with confidence and lexical similarity, best first; and the best
        lexical similarity of any topic (how FAQ-like the message is at all)."""
        scores, lexical = self._index.scores(lemma_text(message), message.get(TEXT) or "")
        if lexical.max() >= self._config["known_question_similarity"]:
            scores[lexical.argmax()] = scores.max() + 1.0  # a knowledge-base question answers itself
        top = np.argsort(-scores)[: self._config["ranking_length"]]
        # softmax over all topics, reported for the top ones
        exponentials = np.exp((scores - scores[top[0]]) / self._config["temperature"])
        confidences = exponentials[top] / exponentials.sum()
        ranking = [(self._index.topics[i], float(c), float(lexical[i])) for i, c in zip(top, confidences, strict=False)]
        return ranking, float(lexical.max())

    def _correct_intent(self, message: Message, best_similarity: float) -> None:
        """FAQ or not, by how close the message is to the knowledge base's own questions."""
        retrieval_intent = self._config["retrieval_intent"]
        predicted = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if predicted == retrieval_intent and best_similarity < self._config["min_similarity"]:
            corrected = {
                INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
                PREDICTED_CONFIDENCE_KEY: 1.0 - best_similarity,
            }
        elif predicted is not None and best_similarity >= self._config["known_question_similarity"]:
            corrected = {INTENT_NAME_KEY: retrieval_intent, PREDICTED_CONFIDENCE_KEY: best_similarity}
        else:
            return
        others = [
            r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != corrected[INTENT_NAME_KEY]
        ]
        # the rest share what the corrected intent leaves, so the ranking still sums to one
        total = sum(r.get(PREDICTED_CONFIDENCE_KEY, 0.0) for r in others) or 1.0
        scale = (1.0 - corrected[PREDICTED_CONFIDENCE_KEY]) / total
        ranking = [{**r, PREDICTED_CONFIDENCE_KEY: r.get(PREDICTED_CONFIDENCE_KEY, 0.0) * scale} for r in others]
        message.set(INTENT, corrected, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [corrected] + ranking, add_to_output=True)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._index is None:
            return messages
        retrieval_intent = self._config["retrieval_intent"]
        for message in messages:
            ranking, best_lexical = self.rank(message)
            best_key, best_confidence, _ = ranking[0]
            self._correct_intent(message, best_lexical)
            utter_action = f"utter_{best_key}"
            selector = message.get(RESPONSE_SELECTOR_PROPERTY_NAME, {})
            selector[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = [retrieval_intent]
            selector[retrieval_intent] = {
                RESPONSE_SELECTOR_PREDICTION_KEY: {
                    RESPONSE_SELECTOR_RESPONSES_KEY: self._responses.get(utter_action, []),
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
        return messages
