"""Rasa's DIETClassifier, trained on a bounded sample of the knowledge base's questions.

DIET only has to tell an FAQ question (`faq`) from the other intents (greetings, form answers,
handoff...); which topic answers it is `FaqRetriever`'s job. Trained on every paraphrase, the `faq`
class was 8,934 of the 10,091 examples at 305 topics, so DIET's training time grew with every
paraphrase the knowledge base gained, its epochs mostly spent on the one class it needs least
help with. This subclass keeps at most
`faq_examples_per_topic` questions of each topic in each language (the first ones, in the order
kb_import writes them) and trains DIET unchanged on the rest: figures in reports/nlu_benchmark.md.
The FAQ retriever still indexes every paraphrase (it reads the training data before this filter).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Dict

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.training_language import example_language


def sampled(training_data: TrainingData, retrieval_intent: str, per_topic: int) -> TrainingData:
    """The training data with at most `per_topic` examples of each `retrieval_intent/<topic>` per
    language; every other example, and the synonyms, regexes and lookups, unchanged."""
    seen: Counter = Counter()
    kept = []
    for example in training_data.training_examples:
        if example.get(INTENT) == retrieval_intent and example.get(INTENT_RESPONSE_KEY):
            key = (example.get(INTENT_RESPONSE_KEY), example_language(example))
            seen[key] += 1
            if seen[key] > per_topic:
                continue
        kept.append(example)
    return TrainingData(
        training_examples=kept,
        entity_synonyms=training_data.entity_synonyms,
        regex_features=training_data.regex_features,
        lookup_tables=training_data.lookup_tables,
        responses=training_data.responses,
    )


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class FaqSampledDIETClassifier(DIETClassifier):
    """`DIETClassifier` that trains on a bounded sample of each FAQ topic's questions."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            **DIETClassifier.get_default_config(),
            "retrieval_intent": "faq",
            # questions of each FAQ topic and language DIET trains on; 0 = all of them
            "faq_examples_per_topic": 8,
        }

    def train(self, training_data: TrainingData) -> Resource:
        per_topic = self.component_config["faq_examples_per_topic"]
        if per_topic:
            training_data = sampled(training_data, self.component_config["retrieval_intent"], per_topic)
        return super().train(training_data)
