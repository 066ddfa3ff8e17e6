"""Answer, clarify or "I don't have this": conversations over REST with the real trained model."""

from __future__ import annotations

from typing import Any, Dict, List

from tests.responses import response_text
from tests.stack import Stack, dump, texts

# Questions no knowledge-base topic answers (not in benchmarks/outofkb/, not in training), with
# P(answers) well below the clarify threshold (config.yml): these tests check the conversation path, the
# rates are the benchmark's. The earlier Polish question ("...choinek z własnego lasu...") scored
# 0.202 and flipped between clarify and "I don't have this" from one training to the next.
UNCOVERED = {
    "pl": "Ile kosztuje wynajem koparki na budowę basenu?",
    "en": "Is it legal to pay my cleaning lady in bitcoin?",
}


def _unknown_texts(language: str) -> set:
    return {response_text("utter_answer_unknown", language), response_text("utter_answer_unknown_related", language)}


def _actions(tracker: Dict[str, Any]) -> List[str]:
    return [event["name"] for event in tracker["events"] if event.get("event") == "action"]


def test_uncovered_question_gets_i_dont_have_this_and_a_consultant(rasa_stack: Stack, sender: str) -> None:
    for language, question in UNCOVERED.items():
        conversation = f"{sender}-{language}"
        reply = rasa_stack.say(conversation, question)
        assert texts(reply) in _unknown_texts(language), f"{question!r} -> {dump(reply)}"
        assert not any("utter_faq" in str(m) for m in reply)
        buttons = reply[-1]["buttons"]
        assert buttons[-1]["payload"] == "/request_human", dump(reply)
        tracker = rasa_stack.tracker(conversation)
        assert "action_answer_unknown" in _actions(tracker), "the harvest marker is missing"
        user = [event for event in tracker["events"] if event.get("event") == "user"][-1]
        assert user["parse_data"]["intent"]["name"] == "not_in_kb"
        assert user["parse_data"]["answerability"]["decision"] == "unknown"


def test_covered_question_still_gets_its_answer(rasa_stack: Stack, sender: str) -> None:
    cases = [
        ("pl", "Ile trzeba zapłacić za wpis firmy do CEIDG?", "registration_cost"),
        ("en", "How long does it take until my business appears in CEIDG?", "registration_time"),
        ("pl", "Jak zawiesić firmę?", "suspend_business"),
    ]
    for number, (language, question, topic) in enumerate(cases):
        reply = rasa_stack.say(f"{sender}-{number}", question)
        assert texts(reply) == response_text(f"utter_faq/{topic}", language), f"{question!r} -> {dump(reply)}"


def test_mid_confidence_question_gets_clarification_buttons(rasa_stack: Stack, sender: str) -> None:
    question = "składki"
    parsed = rasa_stack.parse(question)
    assert parsed["answerability"]["decision"] == "clarify", parsed.get("answerability")
    reply = rasa_stack.say(sender, question)
    assert texts(reply) == response_text("utter_did_you_mean", "pl"), dump(reply)
    buttons = reply[0]["buttons"]
    suggested = [key.split("/", 1)[1] for key in parsed["answerability"]["suggestions"]]
    assert 2 <= len(buttons) - 1 <= 3 and buttons[-1]["payload"] == "/request_human", dump(reply)
    from actions.knowledge import topic_question

    assert [b["payload"] for b in buttons[:-1]] == [topic_question(topic, "pl") for topic in suggested]


def test_greeting_and_digits_do_not_run_the_sentence_encoders(rasa_stack: Stack) -> None:
    """No FAQ evidence for messages that need none: the parse carries no answerability decision,
    and the ranking (lexical only) is still in ResponseSelector format."""
    for text in ("Dzień dobry", "Hello", "12345"):
        parsed = rasa_stack.parse(text)
        assert "answerability" not in parsed, (text, parsed.get("answerability"))
        assert parsed["response_selector"]["faq"]["ranking"], text
    assert "answerability" in rasa_stack.parse("Jak zawiesić działalność?")
