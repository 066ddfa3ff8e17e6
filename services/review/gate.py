"""The regression gate: is a candidate model at least as good as the serving one (within tolerance)?

Both models answer the same fixed questions (held-out benchmark questions plus harvested questions
analysts accepted as paraphrases). A question counts as answered right when the model picks the
FAQ intent and the expected topic. The candidate passes if its accuracy is not lower than the
serving model's by more than `tolerance`, overall and per language, and for every topic and
language with at least `min_topic_questions` questions by more than `topic_tolerance`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple

from services.review.settings import ReviewSettings


@dataclass(frozen=True)
class RegressionQuestion:
    topic: str
    language: str
    text: str
    origin: str  # heldout | harvested


@dataclass
class GateResult:
    passed: bool
    serving: Dict[str, float]  # accuracy per group: "overall", "lang:pl", "topic:<id>"
    candidate: Dict[str, float]
    counts: Dict[str, int]
    reasons: List[str] = field(default_factory=list)
    improved: List[Tuple[RegressionQuestion, str, str]] = field(default_factory=list)  # question, old, new topic
    regressed: List[Tuple[RegressionQuestion, str, str]] = field(default_factory=list)


def _groups(question: RegressionQuestion) -> List[str]:
    # per topic AND language: questions moved between two topics in one language must not hide
    # behind the other language's questions of the same topics
    return ["overall", f"lang:{question.language}", f"topic:{question.topic}/{question.language}"]


def _accuracy(
    questions: Sequence[RegressionQuestion], answers: Sequence[str]
) -> Tuple[Dict[str, float], Dict[str, int]]:
    right: Dict[str, int] = defaultdict(int)
    total: Dict[str, int] = defaultdict(int)
    for question, answer in zip(questions, answers, strict=True):
        for group in _groups(question):
            total[group] += 1
            right[group] += answer == question.topic
    return {g: right[g] / total[g] for g in total}, dict(total)


def judge(
    questions: Sequence[RegressionQuestion],
    serving_answers: Sequence[str],
    candidate_answers: Sequence[str],
    settings: ReviewSettings,
) -> GateResult:
    """`*_answers`: the topic each model answered with ("" for no FAQ answer), per question."""
    serving, counts = _accuracy(questions, serving_answers)
    candidate, _ = _accuracy(questions, candidate_answers)
    result = GateResult(True, serving, candidate, counts)
    for group in sorted(counts):
        drop = serving[group] - candidate[group]
        if group.startswith("topic:"):
            if counts[group] >= settings.min_topic_questions and drop > settings.topic_tolerance + 1e-9:
                result.reasons.append(
                    f"{group[6:]}: {candidate[group]:.0%} right, was {serving[group]:.0%} ({counts[group]} questions)"
                )
        elif drop > settings.tolerance + 1e-9:
            result.reasons.append(f"{group}: {candidate[group]:.1%} right, was {serving[group]:.1%}")
    result.passed = not result.reasons
    for question, old, new in zip(questions, serving_answers, candidate_answers, strict=True):
        if old != question.topic and new == question.topic:
            result.improved.append((question, old, new))
        elif old == question.topic and new != question.topic:
            result.regressed.append((question, old, new))
    return result


def report_markdown(result: GateResult, title: str, examples: int = 15) -> str:
    lines = [
        f"# {title}",
        "",
        f"**{'PROMOTED' if result.passed else 'REFUSED'}** — gate " + ("passed" if result.passed else "failed"),
        "",
    ]
    if result.reasons:
        lines += ["Regressions beyond tolerance:", ""] + [f"- {r}" for r in result.reasons] + [""]
    lines += ["| group | questions | serving | candidate |", "|---|---:|---:|---:|"]
    order = ["overall"] + sorted(g for g in result.counts if g.startswith("lang:"))
    changed_topics = sorted(
        (g for g in result.counts if g.startswith("topic:") and abs(result.serving[g] - result.candidate[g]) > 1e-9),
        key=lambda g: result.candidate[g] - result.serving[g],
    )
    for group in order + changed_topics:
        lines.append(
            f"| {group} | {result.counts[group]} | {result.serving[group]:.1%} | {result.candidate[group]:.1%} |"
        )
    for label, items in (("Improved", result.improved), ("Regressed", result.regressed)):
        lines += ["", f"## {label} ({len(items)})", ""]
        for question, old, new in items[:examples]:
            lines.append(
                f"- [{question.language}] “{question.text}” — expected `{question.topic}`: "
                f"serving `{old or 'no answer'}`, candidate `{new or 'no answer'}`"
            )
    return "\n".join(lines) + "\n"
