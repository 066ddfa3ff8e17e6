"""The intent classifier trains on a bounded sample of each FAQ topic's questions, and nothing else
is sampled (components/intent_classifier.py)."""

from __future__ import annotations

from collections import Counter

from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.intent_classifier import sampled


def _example(text: str, intent: str, lang: str, topic: str | None = None) -> Message:
    data = {"text": text, "intent": intent, "metadata": {"intent": {"lang": lang}}}
    if topic:
        data["intent_response_key"] = f"{intent}/{topic}"
    return Message(data=data)


def test_each_topic_and_language_keeps_its_first_questions_and_other_intents_stay_whole() -> None:
    examples = [
        *[_example(f"vat pytanie {i}", "faq", "pl", "vat") for i in range(12)],
        *[_example(f"vat question {i}", "faq", "en", "vat") for i in range(3)],
        *[_example(f"zus pytanie {i}", "faq", "pl", "zus") for i in range(9)],
        *[_example(f"dzień dobry {i}", "greet", "pl") for i in range(20)],
    ]
    data = TrainingData(training_examples=examples)

    kept = sampled(data, "faq", per_topic=5)

    counts = Counter(
        (e.get("intent_response_key") or e.get("intent"), e.get("metadata")["intent"]["lang"])
        for e in kept.training_examples
    )
    assert counts == {("faq/vat", "pl"): 5, ("faq/vat", "en"): 3, ("faq/zus", "pl"): 5, ("greet", "pl"): 20}
    vat_pl = [
        e.get("text")
        for e in kept.training_examples
        if e.get("intent_response_key") == "faq/vat" and "pytanie" in e.get("text")
    ]
    assert vat_pl == [f"vat pytanie {i}" for i in range(5)]
    # the retriever, which reads the training data itself, still sees every question
    assert len(data.training_examples) == 44
