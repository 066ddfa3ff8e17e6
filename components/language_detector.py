"""Per-message language identification for Polish and English, trained on our own NLU data.

General-purpose detectors are unreliable on the short domain phrases people type here
("ulga na start", "zus deadline"), so the detector is a character n-gram classifier trained on
the project's own training examples, each of which carries its language (see
`components.training_language`). Its result is emitted as the entity `language`: an observation,
not a decision. Whether the conversation switches is decided by the language policy
(`services.conversation.language_policy`, applied by `action_validate_slot_mappings`).

Form values are not evidence of a language: the detector does not learn from the examples of the
`inform` intent (names, addresses, PKD descriptions), and it ignores proper nouns, brands, acronyms
and e-mail addresses ("Kraków", "iPhone", "ZUS"). Messages with no language-specific content
("ok", "ZUS", "5", emoji) emit nothing; for those, a language the web page passes in the message
metadata (`{"language": "en"}`) is used when present. Figures: benchmarks/language_lookalikes.py.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Any, Dict, List, Set, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.stored import StoredStateComponent
from components.training_language import LANGUAGES, example_language
from lang.text import fold, words

logger = logging.getLogger(__name__)

ENTITY_NAME = "language"


_ADDRESSES_RE = re.compile(r"\S+@\S+|https?://\S+|www\.\S+", re.IGNORECASE)


def _is_name_like(word: str, position: int) -> bool:
    """A proper noun or brand: capitalised after the first word ("Kraków", "Samsung"), mixed case
    ("iPhone", "PayPal"), or an acronym ("ZUS"). Names are not written in a language."""
    if len(word) > 1 and word.isupper():
        return True
    if any(ch.isupper() for ch in word[1:]) and not word.isupper():
        return True
    return position > 0 and word[:1].isupper()


def _content_words(text: str, neutral: Set[str], skip_names: bool = False) -> List[str]:
    """Words that can tell the languages apart: no digits, no shared domain words, and with
    `skip_names` no e-mail/web addresses and no proper nouns."""
    if skip_names:
        text = _ADDRESSES_RE.sub(" ", text)
    kept = []
    for position, word in enumerate(words(text)):
        if any(ch.isdigit() for ch in word) or fold(word) in neutral:
            continue
        if skip_names and _is_name_like(word, position):
            continue
        kept.append(word.lower())
    return kept


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class LanguageDetector(StoredStateComponent):
    """Emits the entity `language` (`pl`/`en`) when the message clearly is in one language."""

    TRAINING_CODE = ("components.training_language", "lang.text")

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            # probability the classifier must reach to decide; one-word messages need more
            "threshold": 0.8,
            "single_word_threshold": 0.92,
            # a word is neutral when it is common in both languages' training data
            "neutral_min_count": 3,
            "neutral_max_ratio": 4.0,
            # examples of these intents are form values (names, addresses, PKD descriptions): they
            # are not evidence of a language, so the detector does not learn from them
            "value_intents": ["inform"],
            # proper nouns, brands, acronyms and e-mail addresses say nothing about the language
            "skip_names": True,
        }

    def restore(self, state: Tuple[Any, Set[str], Set[str]] | None) -> None:
        self._model, self._neutral, self._vocabulary = state or (None, set(), set())
        # _neutral: words common in both languages; _vocabulary: folded training words (a message
        # with none of them, like "xqzt vbnm", says nothing about its language)

    def _neutral_words(self, texts: List[Tuple[str, str]]) -> Set[str]:
        counts: Dict[str, Counter] = {language: Counter() for language in LANGUAGES}
        for text, language in texts:
            counts[language].update({fold(w) for w in words(text.lower())})
        minimum = self._config["neutral_min_count"]
        ratio = self._config["neutral_max_ratio"]
        neutral = set()
        for word in set(counts["pl"]) & set(counts["en"]):
            pl, en = counts["pl"][word], counts["en"][word]
            if min(pl, en) >= minimum and max(pl, en) / min(pl, en) <= ratio:
                neutral.add(word)
        return neutral

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        labelled: List[Tuple[str, str]] = []
        value_intents = set(self._config["value_intents"] or ())
        for example in training_data.training_examples:
            if example.get(INTENT) in value_intents:
                continue
            language = example_language(example)
            text = example.get(TEXT)
            if language and text:
                labelled.append((text, language))
                if language == "pl" and fold(text) != text.lower():
                    labelled.append((fold(text), language))  # as typed without diacritics
        if len({language for _, language in labelled}) < 2:
            logger.warning("Language detector needs examples of both languages; not trained.")
            return self._resource

        self._neutral = self._neutral_words(labelled)
        self._vocabulary = {fold(w) for text, _ in labelled for w in words(text)}
        texts = [" ".join(_content_words(text, self._neutral)) or text.lower() for text, _ in labelled]
        self._model = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, min_df=1),
            LogisticRegression(C=10.0, max_iter=1000, class_weight="balanced"),
        )
        self._model.fit(texts, [language for _, language in labelled])
        logger.info("Language detector trained on %d examples, %d neutral words.", len(texts), len(self._neutral))
        return self.persist((self._model, self._neutral, self._vocabulary))

    def detect(self, text: str) -> Tuple[str, float] | None:
        """The language of `text` and its probability, or None when the text cannot tell."""
        if self._model is None:
            return None
        content = _content_words(text, self._neutral, self._config["skip_names"])
        if not content or not any(fold(w) in self._vocabulary for w in content):
            return None
        probabilities = self._model.predict_proba([" ".join(content)])[0]
        best = int(probabilities.argmax())
        threshold = self._config["threshold" if len(content) > 1 else "single_word_threshold"]
        if probabilities[best] < threshold:
            return None
        return str(self._model.classes_[best]), float(probabilities[best])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            detected = self.detect(text)
            if detected is None:
                preferred = (message.get("metadata") or {}).get("language")
                if preferred not in LANGUAGES:
                    continue
                detected = (preferred, 1.0)
            language, confidence = detected
            entity = {
                ENTITY_ATTRIBUTE_TYPE: ENTITY_NAME,
                ENTITY_ATTRIBUTE_VALUE: language,
                ENTITY_ATTRIBUTE_START: 0,
                ENTITY_ATTRIBUTE_END: len(text),
                ENTITY_ATTRIBUTE_CONFIDENCE: round(confidence, 4),
                EXTRACTOR: self.__class__.__name__,
            }
            message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)
        return messages
