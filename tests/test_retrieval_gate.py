"""Retrieval cannot regress unnoticed: a fixed sample of held-out questions through /model/parse.

Held-out questions (benchmarks/heldout/, never trained on; the TEST split, Polish with and without
diacritics, English) must keep their topic first often enough, and out-of-KB questions
(benchmarks/outofkb/test.yml) must rarely get an FAQ answer. The floors are a few points under the
figures measured when they were set (reports/faq_benchmark.md, `python -m benchmarks.faq`); raise
them when retrieval improves, never lower them to make a change pass.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Dict, List

from benchmarks.heldout import load_queries
from benchmarks.unanswerable import load_unanswerable
from tests.stack import Stack

# measured on this sample through /model/parse of the test model (305 topics, 2026-11-30, with the
# topic classifier; printed by the tests below: scripts/test.sh tests/test_retrieval_gate.py -rP):
# top-1 all 81.9% (n=453), pl plain 84.1%, pl no_diacritics 81.1%, en plain 79.4%; top-3 94.5%;
# out-of-KB answered 5 of 100 (before the classifier: 77.9%, 82.8%, 73.4%, 76.1%; 92.5%; 5 of 100)
MIN_TOP1 = {"pl plain": 0.80, "pl no_diacritics": 0.77, "en plain": 0.75, "all": 0.78}
MIN_TOP3 = 0.91
MAX_OUT_OF_KB_ANSWERED = 0.06


def _top1_and_top3(rasa_stack: Stack) -> Dict[str, List[tuple]]:
    groups: Dict[str, List[tuple]] = defaultdict(list)
    sample = [q for q in load_queries(split="test") if q.style != "keywords"][::2]
    for query in sample:
        parsed = rasa_stack.parse(query.text)
        ranking = [r["intent_response_key"].split("/", 1)[1] for r in parsed["response_selector"]["faq"]["ranking"]]
        hit = (ranking[0] == query.topic, query.topic in ranking[:3])
        groups[f"{query.language} {query.style}"].append(hit)
        groups["all"].append(hit)
    return groups


def test_held_out_top1_stays_above_the_floor(rasa_stack: Stack) -> None:
    groups = _top1_and_top3(rasa_stack)
    measured = {name: sum(h[0] for h in hits) / len(hits) for name, hits in groups.items()}
    top3 = sum(h[1] for h in groups["all"]) / len(groups["all"])
    report = ", ".join(f"{name} {100 * value:.1f}% (n={len(groups[name])})" for name, value in measured.items())
    print(f"held-out top-1: {report}; top-3 {100 * top3:.1f}%")  # today's figures: pytest -rP
    assert set(MIN_TOP1) <= set(measured), report
    failing = {name: floor for name, floor in MIN_TOP1.items() if measured[name] < floor}
    assert not failing, f"top-1 under the floor {failing}: {report}"
    assert top3 >= MIN_TOP3, f"top-3 {100 * top3:.1f}% < {100 * MIN_TOP3:.0f}%; top-1: {report}"


def test_out_of_kb_questions_rarely_get_an_faq_answer(rasa_stack: Stack) -> None:
    questions = [u for u in load_unanswerable("test") if u.kind != "off_topic"]
    answered = [u.text for u in questions if rasa_stack.parse(u.text)["intent"]["name"] == "faq"]
    rate = len(answered) / len(questions)
    print(f"out-of-KB questions answered: {len(answered)} of {len(questions)}")  # pytest -rP
    assert rate <= MAX_OUT_OF_KB_ANSWERED, (
        f"{100 * rate:.1f}% of {len(questions)} out-of-KB questions would get an FAQ answer: {answered[:10]}"
    )
