"""Every knowledge-base topic is answered in both languages through the REST channel."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from kb_import import load_knowledge_base
from tests.responses import response_text
from tests.stack import ROOT, Stack, dump, texts


def test_every_topic_answered_in_polish_and_english(rasa_stack: Stack) -> None:
    kb = load_knowledge_base(ROOT / "kb")
    cases = []
    for entry in kb.published():
        for language in ("pl", "en"):
            # the topic's first full question: a keyword-only one ("marketplace seller") may rightly be
            # ambiguous between topics and get the "Did you mean" buttons instead
            questions = entry.questions[language]
            cases.append((entry.id, language, next((q for q in questions if q.rstrip().endswith("?")), questions[0])))

    def failure(case: tuple) -> str | None:
        topic, language, question = case
        reply = rasa_stack.say(f"faq-{topic}-{language}", question)
        if texts(reply) == response_text(f"utter_faq/{topic}", language):
            return None
        return f"{topic} [{language}] {question!r} -> {dump(reply)[:200]}"

    # one conversation per case, a few at a time (the server runs NLU off its event loop)
    with ThreadPoolExecutor(max_workers=4) as pool:
        failures = [f for f in pool.map(failure, cases) if f]
    assert len(cases) >= 2 * 300, len(cases)
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
    assert any("CEIDG" in (variation.get("text") or "") for variation in selector["response"]["responses"])
    # a message not answered from the knowledge base does not carry an unrelated answer's texts
    greeting = rasa_stack.parse("Dzień dobry")["response_selector"]["faq"]["response"]
    assert greeting["intent_response_key"].startswith("faq/") and greeting["responses"] == []
