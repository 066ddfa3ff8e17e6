"""`python -m benchmarks.faq`: FAQ retrieval and answerability, written to reports/faq_benchmark.md.

1. Ranking: top-1/top-3 on the held-out paraphrases (benchmarks/heldout/, never used in training)
   per language and style (plain, without diacritics, keywords), for the project's retriever (with
   its configuration from config.yml) and a plain BM25 baseline (`--stock` adds Rasa's stock
   ResponseSelector, slow to train). The fusion weights are compared on the DEV half only.
2. Answerability: the probability that the first topic answers, on in-KB held-out questions and on
   the out-of-KB questions (benchmarks/outofkb/), as a curve threshold -> in-KB answered right /
   out-of-KB answered (false answers), per language. The operating point is chosen on the DEV split
   only (`choose_operating_point`); the TEST split is only reported.
3. The 100 contract topics (kb/contract/topics.yml) alone: the knowledge-base size the issue's
   baseline was measured at; ranking on their TEST questions and answers given to questions outside them.
4. Scale (`--sizes 2000`): the same retriever with SYNTHETIC topics added (benchmarks/synthetic.py):
   accuracy, training time with a cold embedding cache and after changing 20 topics.
Parse latency through the HTTP API is measured separately: `python -m benchmarks.latency`.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Set, Tuple

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import yaml  # noqa: E402

from benchmarks.engines import (  # noqa: E402
    ROOT,
    STOCK_PIPELINE,
    TOKENS,
    Bm25Engine,
    Engine,
    RasaEngine,
    cold_caches,
    pipeline_components,
    run_components,
    spacy_model,
)
from benchmarks.heldout import Query, load_queries  # noqa: E402
from benchmarks.synthetic import synthetic_entries  # noqa: E402
from benchmarks.unanswerable import Unanswerable, load_unanswerable  # noqa: E402
from kb_import import load_knowledge_base  # noqa: E402
from kb_import.model import KnowledgeBase  # noqa: E402

REPORT = ROOT / "reports" / "faq_benchmark.md"
GROUPS = [
    ("pl", "plain"),
    ("pl", "no_diacritics"),
    ("pl", "keywords"),
    ("pl", "long"),
    ("pl", "long_no_diacritics"),
    ("en", "plain"),
    ("en", "keywords"),
    ("en", "long"),
]
EXTRA_NLU = [ROOT / "data" / "nlu" / "core.yml", ROOT / "data" / "nlu" / "registration.yml"]
THRESHOLDS = [round(t, 2) for t in np.arange(0.05, 0.96, 0.05)]
# the value of each outcome for choosing the operating point (a false answer is the worst: the
# person acts on it; a clarification with the right topic among the buttons costs one click)
OUTCOME_VALUE = {
    ("in", "answer_right"): 1.0,
    ("in", "answer_wrong"): -2.0,
    ("in", "clarify_right"): 0.6,
    ("in", "clarify_wrong"): -0.2,
    ("in", "unknown"): 0.0,
    ("out", "answer"): -2.0,
    ("out", "clarify"): -0.3,
    ("out", "unknown"): 0.5,
}
# out-of-KB false answers allowed on the DEV split, in each language: under the 15% target,
# with room for the TEST split
MAX_DEV_FALSE_ANSWERS = 0.12


def retriever_config() -> Dict[str, object]:
    """The FaqRetriever entry of config.yml (so the benchmark measures what is deployed)."""
    config = yaml.safe_load((ROOT / "config.yml").read_text("utf-8"))
    return next(c for c in config["pipeline"] if c["name"] == "components.faq_retriever.FaqRetriever")


def our_pipeline(**overrides: object) -> List[Dict[str, object]]:
    return TOKENS + [{**retriever_config(), **overrides}]


@dataclass
class Assessed:
    ranking: List[str]
    probability: float
    decision: str
    suggestions: List[str]
    sources: Dict[str, np.ndarray]
    milliseconds: float


class Ours(RasaEngine):
    """The project's retriever, with direct access to its evidence (for curves and weights)."""

    def __init__(self, name: str, pipeline: List[Dict[str, object]]) -> None:
        super().__init__(name, pipeline, extra_nlu=EXTRA_NLU)

    def assess(self, text: str) -> Assessed:
        from rasa.shared.nlu.training_data.message import Message

        *steps, retriever = self._components
        started = time.perf_counter()
        message = Message(data={"text": text})
        run_components(message, steps, self._spacy_model)
        result = retriever.assess(message)
        milliseconds = (time.perf_counter() - started) * 1000
        return Assessed(
            [topic.split("/", 1)[-1] for topic, _, _ in result["ranking"]],
            result["probability"],
            result["decision"],
            [topic.split("/", 1)[-1] for topic in result["suggestions"]],
            result["sources"],
            milliseconds,
        )

    def top_without_focus(self, text: str) -> str:
        """The first topic when a long message is scored as a whole (no question focus)."""
        from rasa.shared.nlu.training_data.message import Message

        from components.faq_retriever import lemma_text
        from services.answerability.evidence import fuse

        *steps, retriever = self._components
        message = Message(data={"text": text})
        run_components(message, steps, self._spacy_model)
        index = retriever._index  # noqa: SLF001 (benchmark only)
        fused = fuse(index.evidence(lemma_text(message), text), index.weights)[0]
        return index.topics[int(np.nanargmax(fused))].split("/", 1)[-1]

    def train(self, kb: KnowledgeBase) -> None:
        super().train(kb)
        self._components = pipeline_components(self.agent)
        self.retriever = self._components[-1]
        self._spacy_model = spacy_model(self._components)

    def rank(self, text: str) -> List[str]:
        return self.assess(text).ranking


def pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def accuracy(pairs: Sequence[Tuple[Query, List[str]]]) -> Dict[object, Tuple[float, float, int]]:
    hits: Dict[object, List[Tuple[bool, bool]]] = defaultdict(list)
    for query, ranking in pairs:
        hit = (ranking[0] == query.topic, query.topic in ranking[:3])
        hits[(query.language, query.style)].append(hit)
        hits[query.language].append(hit)
        hits["all"].append(hit)
    return {key: (np.mean([h[0] for h in v]), np.mean([h[1] for h in v]), len(v)) for key, v in hits.items()}


def accuracy_rows(name: str, result: Dict[object, Tuple[float, float, int]], extra: str = "") -> str:
    cells = [f"{pct(result[g][0])} / {pct(result[g][1])}" if g in result else "-" for g in GROUPS + ["all"]]
    return f"| {name} | " + " | ".join(cells) + f" |{extra}"


def accuracy_header(extra: str = "") -> List[str]:
    header = "| engine | " + " | ".join(f"{lang} {style} top-1 / top-3" for lang, style in GROUPS) + " | all |"
    return [header + extra, "|" + "---|" * (len(GROUPS) + 2 + extra.count("|"))]


def latency(values: Sequence[float]) -> Tuple[float, float]:
    ordered = sorted(values)
    return float(np.median(ordered)), float(ordered[int(0.95 * (len(ordered) - 1))])


# --- answerability ---------------------------------------------------------------------------


def outcome(assessed: Assessed, topic: str | None, answer_at: float, clarify_at: float) -> Tuple[str, str]:
    """(in|out, outcome) of one question at the given thresholds."""
    if assessed.probability >= answer_at:
        decision = "answer"
    elif assessed.probability >= clarify_at:
        decision = "clarify"
    else:
        decision = "unknown"
    if topic is None:
        return "out", decision
    if decision == "answer":
        return "in", "answer_right" if assessed.ranking[0] == topic else "answer_wrong"
    if decision == "clarify":
        return "in", "clarify_right" if topic in assessed.ranking[:3] else "clarify_wrong"
    return "in", "unknown"


def choose_operating_point(
    inside: Sequence[Tuple[Query, Assessed]], outside: Sequence[Tuple[Unanswerable, Assessed]]
) -> Tuple[float, float]:
    """(answer, clarify) thresholds from these (DEV) questions. The answer threshold is the lowest
    whose out-of-KB business questions are answered at most MAX_DEV_FALSE_ANSWERS of the time in
    every language: the assistant answers as many in-KB questions as that budget allows. The clarify
    threshold, at or under it, has the best mean outcome value (OUTCOME_VALUE): it only decides
    between "Did you mean" buttons and "I don't have this"."""
    business = [(u, a) for u, a in outside if u.kind != "off_topic"]
    languages = sorted({u.language for u, _ in business})

    def within_budget(answer_at: float) -> bool:
        return all(
            np.mean([a.probability >= answer_at for u, a in business if u.language == language])
            <= MAX_DEV_FALSE_ANSWERS + 1e-9
            for language in languages
        )

    answer_at = next((t for t in THRESHOLDS if within_budget(t)), THRESHOLDS[-1])
    best, best_value = THRESHOLDS[0], -np.inf
    for clarify_at in [t for t in THRESHOLDS if t <= answer_at]:
        values = [OUTCOME_VALUE[outcome(a, q.topic, answer_at, clarify_at)] for q, a in inside]
        values += [OUTCOME_VALUE[outcome(a, None, answer_at, clarify_at)] for _, a in outside]
        # in-KB and out-of-KB questions weigh the same, whatever the sizes of the two sets
        value = np.mean(values[: len(inside)]) + np.mean(values[len(inside) :])
        if value > best_value + 1e-9:
            best, best_value = clarify_at, value
    return answer_at, best


def curve_table(
    inside: Sequence[Tuple[Query, Assessed]], outside: Sequence[Tuple[Unanswerable, Assessed]], language: str
) -> List[str]:
    inside = [(q, a) for q, a in inside if q.language == language]
    business = [(u, a) for u, a in outside if u.language == language and u.kind != "off_topic"]
    chat = [(u, a) for u, a in outside if u.language == language and u.kind == "off_topic"]
    lines = [
        f"| threshold | in-KB answered right | in-KB answered wrong | out-of-KB answered (false answers, n={len(business)}) "
        f"| off-topic answered (n={len(chat)}) |",
        "|---|---|---|---|---|",
    ]
    for t in THRESHOLDS:
        right = np.mean([a.probability >= t and a.ranking[0] == q.topic for q, a in inside])
        wrong = np.mean([a.probability >= t and a.ranking[0] != q.topic for q, a in inside])
        false = np.mean([a.probability >= t for _, a in business])
        chatty = np.mean([a.probability >= t for _, a in chat]) if chat else 0.0
        lines.append(f"| {t:.2f} | {pct(right)} | {pct(wrong)} | {pct(false)} | {pct(chatty)} |")
    return lines


def outcome_table(
    inside: Sequence[Tuple[Query, Assessed]],
    outside: Sequence[Tuple[Unanswerable, Assessed]],
    answer_at: float,
    clarify_at: float,
) -> List[str]:
    lines = [
        "| language | in-KB n | answered right | answered wrong | clarified, right topic in buttons | clarified, not | "
        '"I don\'t have this" | out-of-KB n | false answers | clarified | "I don\'t have this" | off-topic answered |',
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for language in ("pl", "en"):
        ins = [outcome(a, q.topic, answer_at, clarify_at)[1] for q, a in inside if q.language == language]
        outs = [
            outcome(a, None, answer_at, clarify_at)[1]
            for u, a in outside
            if u.language == language and u.kind != "off_topic"
        ]
        chat = [
            outcome(a, None, answer_at, clarify_at)[1]
            for u, a in outside
            if u.language == language and u.kind == "off_topic"
        ]
        share = lambda items, value: pct(np.mean([i == value for i in items])) if items else "-"  # noqa: E731
        lines.append(
            f"| {language} | {len(ins)} | {share(ins, 'answer_right')} | {share(ins, 'answer_wrong')} | "
            f"{share(ins, 'clarify_right')} | {share(ins, 'clarify_wrong')} | {share(ins, 'unknown')} | "
            f"{len(outs)} | {share(outs, 'answer')} | {share(outs, 'clarify')} | {share(outs, 'unknown')} | "
            f"{share(chat, 'answer')} |"
        )
    return lines


def weight_table(engine: Ours, dev: Sequence[Tuple[Query, Assessed]]) -> Tuple[List[str], Dict[str, float]]:
    """Top-1 on the DEV split for a small grid of fusion weights (the evidence is re-fused, the
    index is not retrained)."""
    from services.answerability.evidence import fuse

    grid = [
        {"lexical": lexical, "paraphrase_embedding": paraphrase, "answer_embedding": answer, "classifier": classifier}
        for lexical in (0.5, 1.0, 1.5)
        for paraphrase in (0.5, 1.0, 1.5)
        for answer in (1.0, 2.0, 3.0)
        for classifier in (1.0, 2.0, 3.0)
    ]
    rows = []
    for weights in grid:
        right = [
            engine.retriever._index.topics[int(np.nanargmax(fuse(a.sources, weights)[0]))].split("/", 1)[-1] == q.topic
            for q, a in dev
        ]  # noqa: SLF001,E501
        rows.append((float(np.mean(right)), weights))
    rows.sort(key=lambda row: -row[0])
    lines = ["| lexical | paraphrase embedding | answer embedding | classifier | dev top-1 |", "|---|---|---|---|---|"]
    lines += [
        f"| {w['lexical']} | {w['paraphrase_embedding']} | {w['answer_embedding']} | {w['classifier']} | {pct(top1)} |"
        for top1, w in rows[:8]
    ]
    return lines, rows[0][1]


def answerability_section(engine: Ours) -> Tuple[List[str], Dict[str, object]]:
    config = retriever_config()
    assessed: Dict[str, object] = {}
    for split in ("dev", "test"):
        assessed[f"in_{split}"] = [(q, engine.assess(q.text)) for q in load_queries(split=split)]
        assessed[f"out_{split}"] = [(u, engine.assess(u.text)) for u in load_unanswerable(split)]
    answer_at, clarify_at = choose_operating_point(assessed["in_dev"], assessed["out_dev"])
    configured = (float(config.get("answer_threshold", 0.5)), float(config.get("clarify_threshold", 0.2)))
    lines = [
        '\n## Answerability: answer, clarify or "I don\'t have this"\n',
        "P(the first topic answers) comes from a logistic regression over the agreement, margins and",
        "similarities of the four evidence sources, calibrated on the knowledge base itself at every training",
        "(services/answerability/evidence.py). Out-of-KB questions: benchmarks/outofkb/ (business and public-",
        "service questions no topic answers, plus off-topic chit-chat; written by hand, never trained on).",
        "Here the retriever decides alone; in the assistant, chit-chat that the intent classifier recognises",
        "goes to `out_of_scope` before it.\n",
        f"Operating point chosen on the DEV split (`choose_operating_point`: the lowest answer threshold whose "
        f"out-of-KB false answers are at most {pct(MAX_DEV_FALSE_ANSWERS)} in each language, then the clarify "
        f"threshold with the best mean outcome value): **answer_threshold {answer_at:.2f}, clarify_threshold "
        f"{clarify_at:.2f}**; "
        f"config.yml has answer_threshold {configured[0]:.2f}, clarify_threshold {configured[1]:.2f}.\n",
        "Coefficients of the standardised features (this training): "
        + ", ".join(f"{k} {v}" for k, v in engine.retriever._index.answerability.describe().items())  # noqa: SLF001
        + ".\n",
    ]
    for split in ("test", "dev"):
        lines += [
            f"\n### Outcomes at the configured thresholds, {split.upper()} split\n",
            *outcome_table(assessed[f"in_{split}"], assessed[f"out_{split}"], *configured),
        ]
    for split in ("dev", "test"):
        for language in ("pl", "en"):
            lines += [
                f"\n### Curve, {split.upper()} split, {language} (answer threshold; below it nothing is answered)\n",
                *curve_table(assessed[f"in_{split}"], assessed[f"out_{split}"], language),
            ]
    return lines, {"assessed": assessed, "operating_point": (answer_at, clarify_at)}


# --- the contract's 100 topics --------------------------------------------------------------

CONTRACT = ROOT / "kb" / "contract" / "topics.yml"


def contract_topics() -> Set[str]:
    """Ids of the topics the project promises (kb/contract/topics.yml)."""
    return {topic["id"] for topic in yaml.safe_load(CONTRACT.read_text("utf-8"))["topics"]}


def restricted(kb: KnowledgeBase, ids: Set[str]) -> KnowledgeBase:
    """`kb` with only the topics in `ids` (its synonyms and sources kept)."""
    return KnowledgeBase([entry for entry in kb.entries if entry.id in ids], kb.synonyms, kb.sources)


def contract_section(kb: KnowledgeBase) -> List[str]:
    """Ranking and false answers with only the 100 contract topics in the knowledge base (the size
    the issue's baseline was measured at), with config.yml's weights and thresholds unchanged.
    The TEST questions of the other topics are questions this smaller knowledge base does not cover."""
    ids = contract_topics()
    small = restricted(kb, ids)
    engine = Ours(f"ours at the {len(small.entries)} contract topics", our_pipeline())
    engine.train(small)
    test = load_queries(split="test")
    inside = [(q, engine.assess(q.text)) for q in test if q.topic in ids]
    beyond = [(q, engine.assess(q.text)) for q in test if q.topic not in ids]
    outside = [(u, engine.assess(u.text)) for u in load_unanswerable("test") if u.kind != "off_topic"]
    answer_at = float(retriever_config().get("answer_threshold", 0.5))
    p50, p95 = latency([a.milliseconds for _, a in inside])
    lines = [
        f"\n## The {len(small.entries)} contract topics alone (kb/contract/topics.yml)\n",
        "The knowledge base cut to the topics the project promises, the size at which the issue's baseline",
        "(held-out top-1 76.4 %) was measured; config.yml's weights and thresholds unchanged. TEST split.\n",
        *accuracy_header(" train s | in-process p50 / p95 ms |"),
        accuracy_rows(
            engine.name,
            accuracy([(q, a.ranking) for q, a in inside]),
            f" {engine.train_seconds:.1f} | {p50:.1f} / {p95:.1f} |",
        ),
        "\n| language | top-1 (n) | top-3 | out-of-KB TEST answered (n) | other topics' TEST questions answered (n) |",
        "|---|---|---|---|---|",
    ]
    for language in ("pl", "en"):
        result = accuracy([(q, a.ranking) for q, a in inside if q.language == language])["all"]
        outs = [a.probability >= answer_at for u, a in outside if u.language == language]
        others = [a.probability >= answer_at for q, a in beyond if q.language == language]
        lines.append(
            f"| {language} | {pct(result[0])} ({result[2]}) | {pct(result[1])} | {pct(np.mean(outs))} ({len(outs)}) "
            f"| {pct(np.mean(others))} ({len(others)}) |"
        )
    print("\n".join(lines), flush=True)
    return lines


# --- scale -----------------------------------------------------------------------------------


def changed(kb: KnowledgeBase, count: int) -> KnowledgeBase:
    """The knowledge base with `count` topics' first questions reworded (an office's small edit)."""
    from dataclasses import replace

    entries = list(kb.entries)
    for i in range(count):
        entry = entries[-1 - i]
        questions = {lang: [f"{qs[0]} (pytanie zmienione)"] + qs[1:] for lang, qs in entry.questions.items()}
        entries[-1 - i] = replace(entry, questions=questions)
    return KnowledgeBase(entries, kb.synonyms, kb.sources)


def scale_table(kb: KnowledgeBase, queries: Sequence[Query], sizes: Sequence[int]) -> List[str]:
    lines = [
        "| topics (SYNTHETIC beyond the real ones) | real held-out TEST top-1 (every 2nd) | top-3 | synthetic held-out top-1 "
        "(n) | train s, cold cache | train s, 20 topics changed | in-process p50 / p95 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for size in sizes:
        synthetic = synthetic_entries(size - len(kb.entries))
        scaled = KnowledgeBase(kb.entries + [entry for entry, _ in synthetic], kb.synonyms, kb.sources)
        synthetic_queries = [Query(e.id, "pl", "synthetic", text) for e, text in synthetic if text][:150]
        queries = list(queries)[::2]  # a fixed half of the TEST split: the scale run is slow
        with cold_caches():
            engine = Ours(f"ours at {size}", our_pipeline())
            engine.train(scaled)
            cold = engine.train_seconds
            assessed = [(q, engine.assess(q.text)) for q in queries]
            real = accuracy([(q, a.ranking) for q, a in assessed])
            fake = accuracy([(q, engine.assess(q.text).ranking) for q in synthetic_queries])
            p50, p95 = latency([a.milliseconds for _, a in assessed])
            engine.train(changed(scaled, 20))
            warm = engine.train_seconds
        lines.append(
            f"| {size} | {pct(real['all'][0])} | {pct(real['all'][1])} | {pct(fake['all'][0])} ({fake['all'][2]}) "
            f"| {cold:.1f} | {warm:.1f} | {p50:.1f} / {p95:.1f} |"
        )
        print(lines[-1], flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stock", action="store_true", help="also train the stock ResponseSelector (slow)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[2000], help="synthetic scales")
    parser.add_argument("--report", type=Path, default=REPORT, help="where to write the markdown report")
    parser.add_argument("--contract-only", action="store_true", help="only the 100 contract topics (printed)")
    args = parser.parse_args()
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.disable(logging.WARNING)

    kb = load_knowledge_base(ROOT / "kb")
    kb = KnowledgeBase(kb.published(), kb.synonyms, kb.sources)
    if args.contract_only:
        contract_section(kb)
        return
    test = load_queries(split="test")
    ours = Ours("ours (FaqRetriever as in config.yml)", our_pipeline())
    ours.train(kb)
    print(f"{ours.name}: trained in {ours.train_seconds:.1f}s", flush=True)
    answerability, data = answerability_section(ours)
    assessed_test = data["assessed"]["in_test"]
    p50, p95 = latency([a.milliseconds for _, a in assessed_test])
    lines = [
        "# FAQ retrieval and answerability benchmark\n",
        f"Knowledge base: {len(kb.entries)} topics. Machine: {os.cpu_count()} cores, shared with other work while",
        "measured (timings are under load). Produced by `python -m benchmarks.faq`; nothing here is typed by hand.\n",
        "## Ranking: held-out paraphrases, TEST split\n",
        "Held-out questions are split by a hash of topic and text (benchmarks/heldout.py): DEV for tuning,",
        "TEST for these figures.\n",
        *accuracy_header(" train s | in-process p50 / p95 ms |"),
        accuracy_rows(
            ours.name,
            accuracy([(q, a.ranking) for q, a in assessed_test]),
            f" {ours.train_seconds:.1f} | {p50:.1f} / {p95:.1f} |",
        ),
    ]
    baselines: List[Engine] = [Bm25Engine()]
    if args.stock:
        baselines.append(RasaEngine("stock ResponseSelector (100 epochs)", STOCK_PIPELINE))
    for engine in baselines:
        engine.train(kb)
        timings, ranked = [], []
        for query in test:
            started = time.perf_counter()
            ranked.append((query, engine.rank(query.text)))
            timings.append((time.perf_counter() - started) * 1000)
        b50, b95 = latency(timings)
        lines.append(
            accuracy_rows(engine.name, accuracy(ranked), f" {engine.train_seconds:.1f} | {b50:.1f} / {b95:.1f} |")
        )
    counts = accuracy([(q, a.ranking) for q, a in assessed_test])
    lines.append(
        "\nTEST queries: "
        + ", ".join(f"{lang} {style}: {counts[(lang, style)][2]}" for lang, style in GROUPS if (lang, style) in counts)
        + "."
    )
    per_language = accuracy([(q, a.ranking) for q, a in assessed_test])
    lines.append(
        "Per language (TEST): "
        + "; ".join(
            f"{lang} top-1 {pct(per_language[lang][0])}, top-3 {pct(per_language[lang][1])}" for lang in ("pl", "en")
        )
        + "."
    )
    long = [(q, a) for q, a in data["assessed"]["in_dev"] + assessed_test if q.style.startswith("long")]
    with_focus = np.mean([a.ranking[0] == q.topic for q, a in long])
    without = np.mean([ours.top_without_focus(q.text) == q.topic for q, _ in long])
    lines.append(
        f"\nLong questions (several sentences, benchmarks/heldout/long.yml, DEV+TEST, n={len(long)}): top-1 "
        f"{pct(with_focus)} with the question sentence weighed more, {pct(without)} scoring the whole text only."
    )
    weights, best = weight_table(ours, data["assessed"]["in_dev"])
    lines += [
        "\n### Fusion weights on the DEV split (config.yml: "
        + ", ".join(
            f"{k} {retriever_config().get(k + '_weight', '-')}"
            for k in ("lexical", "paraphrase_embedding", "answer_embedding", "classifier")
        )
        + ")\n",
        *weights,
        f"\nBest on DEV: {best}.",
    ]
    lines += answerability
    lines += contract_section(kb)
    if args.sizes:
        lines += [
            "\n## Scale (SYNTHETIC topics added to the real ones)\n",
            "Each size trains twice with empty embedding and Rasa training caches: cold, then after rewording 20 topics' questions.\n",
        ] + scale_table(kb, test, args.sizes)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))
    print(f"\nwritten to {args.report}")


if __name__ == "__main__":
    main()
