"""FAQ answer retrieval that scales to thousands of knowledge-base topics.

Rasa's stock ResponseSelector trains a neural network over all FAQ classes: at 2,000 topics that
takes hours on a small server. This component instead ranks topics by TF-IDF similarity between the
message and every training paraphrase, on diacritics-folded lemmas (word uni/bi-grams) and on
character n-grams (typos); a topic scores as its best-matching paraphrase. Training is a matter of
seconds and parsing is one sparse matrix product.

Its output follows the ResponseSelector format, so `rasa test nlu`, the rule
`intent: faq -> utter_faq` and `POST /model/parse` work unchanged:
`response_selector.faq.response.intent_response_key == "faq/<id>"`, with confidence and ranking.
"""
from __future__ import annotations

import logging
import pickle
import zlib
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
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
    INTENT_RANKING_KEY,
    INTENT_NAME_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy import sparse

from components.text import fold, words

logger = logging.getLogger(__name__)

_MODEL_FILE = "faq_retriever.pkl"


def lemma_text(message: Message) -> str:
    """The message as a string of folded lemmas (set by `FoldedLemmatizer`)."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    if tokens:
        return " ".join(token.lemma for token in tokens)
    return " ".join(words(fold(message.get(TEXT) or "")))


class TopicIndex:
    """Paraphrase vectors grouped by topic; `rank` scores every topic against one query."""

    def __init__(self, word_weight: float, max_char_ngram: int) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.word_weight = word_weight
        self.word_vectorizer = TfidfVectorizer(
            analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"
        )
        self.char_vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, max_char_ngram), sublinear_tf=True, min_df=1
        )
        self.topics: List[str] = []
        self.matrix: Optional[sparse.csr_matrix] = None
        self.topic_starts: Optional[np.ndarray] = None

    def _vectorize(self, texts: List[str], fit: bool = False) -> sparse.csr_matrix:
        if fit:
            word = self.word_vectorizer.fit_transform(texts)
            char = self.char_vectorizer.fit_transform(texts)
        else:
            word = self.word_vectorizer.transform(texts)
            char = self.char_vectorizer.transform(texts)
        # both blocks are L2-normalised, so the dot product is a weighted sum of two cosines
        return sparse.hstack(
            [word * np.sqrt(self.word_weight), char * np.sqrt(1.0 - self.word_weight)]
        ).tocsr()

    def fit(self, examples: List[Tuple[str, str]]) -> "TopicIndex":
        """`examples`: (topic, lemma text) pairs."""
        examples = sorted(examples, key=lambda pair: pair[0])
        self.topics = sorted({topic for topic, _ in examples})
        topic_column = np.array([topic for topic, _ in examples])
        self.topic_starts = np.searchsorted(topic_column, self.topics)
        self.matrix = self._vectorize([text for _, text in examples], fit=True).T.tocsr()
        return self

    def scores(self, text: str) -> np.ndarray:
        """Similarity of `text` to each topic (its best paraphrase), in `self.topics` order."""
        query = self._vectorize([text])
        similarities = np.asarray((query @ self.matrix).todense()).ravel()
        return np.maximum.reduceat(similarities, self.topic_starts)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class FaqRetriever(GraphComponent):
    """Chooses the FAQ answer (`faq/<id>`) for messages of the retrieval intent."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "retrieval_intent": "faq",
            # share of the word-lemma cosine in the score; the rest is character n-grams
            "word_weight": 0.5,
            "max_char_ngram": 5,
            # softmax temperature turning similarities into confidences
            "temperature": 0.05,
            # a message whose best paraphrase is less similar than this is not an FAQ question
            # whatever the intent classifier says: it becomes `nlu_fallback` (see benchmarks/faq.py)
            "min_similarity": 0.2,
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        index: Optional[TopicIndex] = None,
        responses: Optional[Dict[Text, List[Dict[Text, Any]]]] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._index = index
        self._responses = responses or {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "FaqRetriever":
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "FaqRetriever":
        try:
            with model_storage.read_from(resource) as directory:
                index, responses = pickle.loads((directory / _MODEL_FILE).read_bytes())
        except (ValueError, FileNotFoundError):
            logger.warning("No trained FAQ index; FAQ answers are unavailable.")
            index, responses = None, {}
        return cls(config, model_storage, resource, index, responses)

    def train(self, training_data: TrainingData) -> Resource:
        retrieval_intent = self._config["retrieval_intent"]
        examples = [
            (example.get(INTENT_RESPONSE_KEY), lemma_text(example))
            for example in training_data.intent_examples
            if example.get(INTENT) == retrieval_intent and example.get(INTENT_RESPONSE_KEY)
        ]
        if not examples:
            logger.warning("No examples of retrieval intent '%s'; nothing to index.", retrieval_intent)
            return self._resource
        self._index = TopicIndex(self._config["word_weight"], self._config["max_char_ngram"]).fit(examples)
        prefix = f"utter_{retrieval_intent}/"
        self._responses = {
            key: value for key, value in training_data.responses.items() if key.startswith(prefix)
        }
        with self._model_storage.write_to(self._resource) as directory:
            (directory / _MODEL_FILE).write_bytes(pickle.dumps((self._index, self._responses)))
        logger.info("FAQ index: %d topics, %d paraphrases.", len(self._index.topics), len(examples))
        return self._resource

    def rank(self, message: Message) -> List[Tuple[str, float, float]]:
        """Topics (`faq/<id>`) with confidence and raw similarity, best first."""
        scores = self._index.scores(lemma_text(message))
        top = np.argsort(-scores)[: self._config["ranking_length"]]
        # softmax over all topics, reported for the top ones
        exponentials = np.exp((scores - scores[top[0]]) / self._config["temperature"])
        confidences = exponentials[top] / exponentials.sum()
        return [(self._index.topics[i], float(c), float(scores[i])) for i, c in zip(top, confidences)]

    def _demote_unlike_questions(self, message: Message, best_similarity: float) -> None:
        intent = message.get(INTENT) or {}
        if intent.get(INTENT_NAME_KEY) == self._config["retrieval_intent"] and best_similarity < self._config["min_similarity"]:
            message.set(INTENT, {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: 1.0 - best_similarity}, add_to_output=True)
            ranking = message.get(INTENT_RANKING_KEY) or []
            message.set(INTENT_RANKING_KEY, [message.get(INTENT)] + ranking, add_to_output=True)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._index is None:
            return messages
        retrieval_intent = self._config["retrieval_intent"]
        for message in messages:
            ranking = self.rank(message)
            best_key, best_confidence, best_similarity = ranking[0]
            self._demote_unlike_questions(message, best_similarity)
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
