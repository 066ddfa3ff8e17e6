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

from components.stored import StoredStateComponent
from components.topic_index import TopicIndex
from lang.text import fold, words
from services import embeddings
from services.answerability.evidence import features, fuse
from services.answerability.focus import question_spans

logger = logging.getLogger(__name__)


def lemma_text(message: Message) -> str:
    """The message as a string of folded lemmas (set by `FoldedLemmatizer`)."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    if tokens:
        return " ".join(token.lemma for token in tokens)
    return " ".join(words(fold(message.get(TEXT) or "")))


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
        "components.topic_index",
        "services.embeddings",
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
            embeddings.one_blas_thread()
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
