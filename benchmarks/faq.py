"""`python -m benchmarks.faq`: FAQ answer selection, ours vs stock ResponseSelector vs plain BM25.

Measures top-1/top-3 accuracy on held-out paraphrases (benchmarks/heldout/, never used in training)
per language and style (plain, without diacritics, keywords), training time and p50/p95 parse
latency; then the same at a SYNTHETIC scale of 2,000 and 5,000 topics (the real topics plus
generated activity-specific ones, see benchmarks/synthetic.py). Prints a table and writes
reports/faq_benchmark.md. Takes about 10 minutes on 2 cores (`--quick` skips the stock selector).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import time
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from benchmarks.engines import OUR_FAST_PIPELINE, OUR_PIPELINE, ROOT, STOCK_PIPELINE, Bm25Engine, Engine, RasaEngine  # noqa: E402
from benchmarks.heldout import Query, load_queries  # noqa: E402
from benchmarks.synthetic import synthetic_entries  # noqa: E402
from kb_import import load_knowledge_base  # noqa: E402
from kb_import.model import KnowledgeBase  # noqa: E402

REPORT = ROOT / "reports" / "faq_benchmark.md"
GROUPS = [("pl", "plain"), ("pl", "no_diacritics"), ("pl", "keywords"), ("en", "plain"), ("en", "keywords")]


def evaluate(engine: Engine, queries: Sequence[Query]) -> Dict[str, object]:
    hits: Dict[Tuple[str, str], List[Tuple[bool, bool]]] = defaultdict(list)
    latencies = []
    for query in queries:
        started = time.perf_counter()
        ranking = engine.rank(query.text)
        latencies.append((time.perf_counter() - started) * 1000)
        hits[(query.language, query.style)].append((ranking[0] == query.topic, query.topic in ranking[:3]))
    result: Dict[str, object] = {}
    for group, values in hits.items():
        result[group] = (sum(h[0] for h in values) / len(values), sum(h[1] for h in values) / len(values), len(values))
    all_values = [v for values in hits.values() for v in values]
    result["all"] = (
        sum(h[0] for h in all_values) / len(all_values),
        sum(h[1] for h in all_values) / len(all_values),
        len(all_values),
    )
    latencies.sort()
    result["p50"] = statistics.median(latencies)
    result["p95"] = latencies[int(0.95 * (len(latencies) - 1))]
    return result


def pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def accuracy_table(results: List[Tuple[Engine, Dict[str, object]]]) -> List[str]:
    header = (
        "| engine | "
        + " | ".join(f"{lang} {style} top-1 / top-3" for lang, style in GROUPS)
        + " | all top-1 / top-3 | train s | p50 ms | p95 ms |"
    )
    lines = [header, "|" + "---|" * (len(GROUPS) + 5)]
    for engine, result in results:
        cells = []
        for group in GROUPS + ["all"]:
            top1, top3, n = result.get(group, (0, 0, 0)) if group != "all" else result["all"]
            cells.append(f"{pct(top1)} / {pct(top3)}")
        lines.append(
            f"| {engine.name} | "
            + " | ".join(cells)
            + f" | {engine.train_seconds:.1f} | {result['p50']:.1f} | {result['p95']:.1f} |"
        )
    counts = ", ".join(
        f"{lang} {style}: {results[0][1][(lang, style)][2]}" for lang, style in GROUPS if (lang, style) in results[0][1]
    )
    lines.append(f"\nHeld-out queries: {counts}.")
    return lines


def scale_table(kb: KnowledgeBase, queries: Sequence[Query], sizes: Sequence[int]) -> List[str]:
    lines = [
        "| topics (SYNTHETIC beyond the real ones) | engine | real held-out top-1 | top-3 | synthetic held-out top-1 | train s | p50 ms | p95 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size in sizes:
        synthetic = synthetic_entries(size - len(kb.entries))
        scaled = KnowledgeBase(kb.entries + [entry for entry, _ in synthetic], kb.synonyms, kb.sources)
        synthetic_queries = [Query(entry.id, "pl", "synthetic", text) for entry, text in synthetic[:300]]
        for engine in (
            RasaEngine("ours (e5 answers)", OUR_PIPELINE),
            RasaEngine("ours (USE only)", OUR_FAST_PIPELINE),
            Bm25Engine(),
        ):
            engine.train(scaled)
            real = evaluate(engine, queries)
            fake = evaluate(engine, synthetic_queries)
            lines.append(
                f"| {size} | {engine.name} | {pct(real['all'][0])} | {pct(real['all'][1])} | {pct(fake['all'][0])} | "
                f"{engine.train_seconds:.1f} | {real['p50']:.1f} | {real['p95']:.1f} |"
            )
            print(lines[-1], flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the stock ResponseSelector (slow to train)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[2000, 5000], help="synthetic scales")
    parser.add_argument("--report", type=Path, default=REPORT, help="where to write the markdown report")
    args = parser.parse_args()
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.disable(logging.WARNING)

    kb = load_knowledge_base(ROOT / "kb")
    kb = KnowledgeBase(kb.published(), kb.synonyms, kb.sources)
    queries = load_queries()
    engines: List[Engine] = [
        RasaEngine("ours (FaqRetriever, e5 answers: default)", OUR_PIPELINE),
        RasaEngine("ours (FaqRetriever, USE only)", OUR_FAST_PIPELINE),
        Bm25Engine(),
    ]
    if not args.quick:
        engines.append(RasaEngine("stock ResponseSelector (100 epochs)", STOCK_PIPELINE))
    results = []
    for engine in engines:
        engine.train(kb)
        results.append((engine, evaluate(engine, queries)))
        print(
            f"{engine.name}: top-1 {pct(results[-1][1]['all'][0])}, trained in {engine.train_seconds:.1f}s", flush=True
        )
    lines = [
        "# FAQ retrieval benchmark\n",
        f"Knowledge base: {len(kb.entries)} topics. Machine: {os.cpu_count()} cores.\n",
        "## Held-out paraphrases of the real knowledge base\n",
    ] + accuracy_table(results)
    if args.sizes:
        lines += ["\n## Scale (SYNTHETIC topics added to the real ones)\n"] + scale_table(kb, queries, args.sizes)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))
    print(f"\nwritten to {args.report}")


if __name__ == "__main__":
    main()
