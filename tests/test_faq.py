"""Every knowledge-base topic is answered in both languages through the REST channel."""

from __future__ import annotations

from kb_import import load_knowledge_base
from tests.responses import response_text
from tests.stack import ROOT, Stack, dump, texts


def test_every_topic_answered_in_polish_and_english(rasa_stack: Stack) -> None:
    kb = load_knowledge_base(ROOT / "kb")
    failures = []
    for entry in kb.published():
        for language in ("pl", "en"):
            # the topic's first full question: a keyword-only one ("marketplace seller") may rightly be
            # ambiguous between topics and get the "Did you mean" buttons instead
            questions = entry.questions[language]
            question = next((q for q in questions if q.rstrip().endswith("?")), questions[0])
            reply = rasa_stack.say(f"faq-{entry.id}-{language}", question)
            expected = response_text(f"utter_faq/{entry.id}", language)
            if texts(reply) != expected:
                failures.append(f"{entry.id} [{language}] {question!r} -> {dump(reply)[:200]}")
    assert not failures, f"{len(failures)} topics not answered:\n" + "\n".join(failures)


def test_model_parse_returns_the_faq_topic_in_response_selector_format(rasa_stack: Stack) -> None:
    parsed = rasa_stack.parse("ile kosztuje rejestracja jdg")
    selector = parsed["response_selector"]["faq"]
    assert parsed["intent"]["name"] == "faq"
    assert selector["response"]["intent_response_key"] == "faq/registration_cost"
    assert selector["response"]["utter_action"] == "utter_faq/registration_cost"
    assert 0 < selector["response"]["confidence"] <= 1
    ranking = selector["ranking"]
    assert ranking[0]["intent_response_key"] == "faq/registration_cost"
    assert [r["confidence"] for r in ranking] == sorted((r["confidence"] for r in ranking), reverse=True)
    assert parsed["intent"]["full_retrieval_intent_name"] == "faq/registration_cost"
