"""The out-of-KB benchmark set is what it claims: big enough, both languages, disjoint from training."""

from __future__ import annotations

from collections import Counter

from benchmarks.heldout import load_queries
from benchmarks.unanswerable import load_unanswerable
from kb_import import load_knowledge_base
from lang.text import fold, normalise_question
from tests.stack import ROOT


def test_out_of_kb_set_has_both_splits_languages_and_styles() -> None:
    questions = load_unanswerable("dev") + load_unanswerable("test")
    business = [q for q in questions if q.kind == "business"]
    assert len(business) >= 150
    assert Counter((q.split, q.language) for q in business) == {
        ("dev", "pl"): 40,
        ("dev", "en"): 40,
        ("test", "pl"): 40,
        ("test", "en"): 40,
    }
    polish = [q.text for q in business if q.language == "pl"]
    assert sum(fold(text) == text.lower() for text in polish) >= 10, "Polish typed without diacritics"
    assert sum(text.count(".") + text.count("?") >= 3 for text in polish) >= 4, "several-sentence questions"
    assert {q.kind for q in questions} == {"business", "public_services", "off_topic"}


def test_out_of_kb_questions_are_not_training_or_held_out_questions() -> None:
    kb = load_knowledge_base(ROOT / "kb")
    trained = {normalise_question(q) for entry in kb.entries for qs in entry.questions.values() for q in qs}
    held_out = {normalise_question(q.text) for q in load_queries()}
    dev = {normalise_question(q.text) for q in load_unanswerable("dev")}
    test = {normalise_question(q.text) for q in load_unanswerable("test")}
    assert not (dev | test) & trained
    assert not (dev | test) & held_out
    assert not dev & test
