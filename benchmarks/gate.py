"""`python -m benchmarks.gate`: does the retrain gate refuse a broken knowledge base and let a good
change through? Written to reports/gate_benchmark.md.

The project's retriever is trained on the published knowledge base and on variants of it:
- **unchanged** (trained again: the noise floor),
- **questions swapped**: all questions of two topics exchanged (a topic's questions moved to another
  topic), in both languages and in Polish only,
- **20 paraphrases added** to one topic (benchmarks/gate_change.yml, a typical analyst's change).
Each candidate answers the gate's regression set (held-out questions, `--per-topic` per topic and
language) and `services.review.gate.judge` decides with review.yml's settings, for two measures of
"right": the retriever's first topic (what `python -m review retrain` compares) and the topic the
user is offered after the answer/clarify/unknown decision (shown for comparison).
"""

from __future__ import annotations

import argparse
import copy
import logging
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import yaml

from benchmarks.faq import Ours, our_pipeline
from benchmarks.heldout import first_per_topic
from kb_import import load_knowledge_base
from kb_import.model import Entry, KnowledgeBase
from services.review.gate import GateResult, RegressionQuestion, judge
from services.review.settings import ReviewSettings

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "reports" / "gate_benchmark.md"
CHANGE = Path(__file__).resolve().parent / "gate_change.yml"
Answer = Tuple[str, str]  # (first topic, decision)


def answers(kb: KnowledgeBase, questions: List[RegressionQuestion]) -> Tuple[List[Answer], float]:
    engine = Ours("candidate", our_pipeline())
    engine.train(kb)
    assessed = [engine.assess(q.text) for q in questions]
    return [(a.ranking[0], a.decision) for a in assessed], engine.train_seconds


def retrieved(items: List[Answer]) -> List[str]:
    return [topic for topic, _ in items]


def offered(items: List[Answer]) -> List[str]:
    return [topic if decision in ("answer", "clarify") else "" for topic, decision in items]


def variant(kb: KnowledgeBase, change: Callable[[Dict[str, Entry]], None]) -> KnowledgeBase:
    changed = copy.deepcopy(kb)
    change(changed.by_id())
    return changed


def verdict(result: GateResult) -> str:
    word = "passed" if result.passed else "**refused**"
    reasons = "; ".join(result.reasons[:4]) + (" …" if len(result.reasons) > 4 else "")
    return f"{word} | {len(result.regressed)} / {len(result.improved)} | {reasons or '–'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-topic", type=int, default=2, help="held-out questions per topic and language")
    parser.add_argument("--report", type=Path, default=REPORT)
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    settings = ReviewSettings.load()
    loaded = load_knowledge_base(ROOT / "kb")
    kb = KnowledgeBase(loaded.published(), loaded.synonyms, loaded.sources)
    questions = [  # the gate's own selection
        RegressionQuestion(q.topic, q.language, q.text, "heldout") for q in first_per_topic(args.per_topic)
    ]
    started = time.perf_counter()
    serving, _ = answers(kb, questions)
    print(
        f"serving: {sum(t == q.topic for t, q in zip(retrieved(serving), questions, strict=True))}/{len(questions)}",
        flush=True,
    )

    # the two topics the serving model gets right most often (a swap there must be seen)
    right: Dict[str, int] = defaultdict(int)
    for (topic, _), question in zip(serving, questions, strict=True):
        right[question.topic] += topic == question.topic
    first, second = sorted(right, key=lambda t: (-right[t], t))[:2]
    change = yaml.safe_load(CHANGE.read_text("utf-8"))

    def swap_all(entries: Dict[str, Entry]) -> None:
        entries[first].questions, entries[second].questions = entries[second].questions, entries[first].questions

    def swap_pl(entries: Dict[str, Entry]) -> None:
        a, b = entries[first].questions, entries[second].questions
        a["pl"], b["pl"] = b["pl"], a["pl"]

    def add_paraphrases(entries: Dict[str, Entry]) -> None:
        target = entries[change["topic"]].questions
        for language, texts in change["questions"].items():
            target[language] = target[language] + [t for t in texts if t not in target[language]]

    variants = [
        ("unchanged, trained again", lambda entries: None, True),
        (f"questions swapped: `{first}` ↔ `{second}`, both languages", swap_all, False),
        (f"questions swapped: `{first}` ↔ `{second}`, Polish only", swap_pl, False),
        (
            f"{sum(len(v) for v in change['questions'].values())} paraphrases added to `{change['topic']}`",
            add_paraphrases,
            True,
        ),
    ]
    rows = []
    as_expected = True
    for name, mutate, should_pass in variants:
        candidate, seconds = answers(variant(kb, mutate), questions)
        by_ranking = judge(questions, retrieved(serving), retrieved(candidate), settings)
        by_decision = judge(questions, offered(serving), offered(candidate), settings)
        as_expected &= by_ranking.passed == should_pass
        rows.append(
            f"| {name} | {'pass' if should_pass else 'refuse'} | {verdict(by_ranking)} | {verdict(by_decision)} "
            f"| {seconds:.1f} |"
        )
        print(rows[-1], flush=True)

    lines = [
        "# Retrain gate: broken and good knowledge-base changes\n",
        f"Produced by `python -m benchmarks.gate --per-topic {args.per_topic}`; nothing here is typed by hand. "
        f"{len(kb.entries)} published topics, {len(questions)} regression questions (held-out, at most "
        f"{args.per_topic} per topic and language). Gate settings (review.yml): tolerance "
        f"{settings.tolerance:.0%} overall and per language, {settings.topic_tolerance:.0%} per topic and "
        f"language with at least {settings.min_topic_questions} questions.\n",
        '"Right" by the retriever\'s first topic is what `python -m review retrain` gates on; by the '
        "offered topic (answered, or first of the clarification buttons) is shown for comparison: the "
        "decision's calibration is refitted on the whole knowledge base at every training, so it also "
        "moves questions of topics the change did not touch.\n",
        "| candidate | expected | gate by first topic | regressed / improved | reasons | gate by offered topic "
        "| regressed / improved | reasons | train s |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"Every verdict by first topic as expected: **{'yes' if as_expected else 'NO'}**. "
        f"Total time {time.perf_counter() - started:.0f} s.",
    ]
    args.report.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"written to {args.report}")


if __name__ == "__main__":
    main()
