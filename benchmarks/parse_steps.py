"""`python -m benchmarks.parse_steps [--model PATH ...]`: where a message's FAQ ranking spends its time.

`benchmarks.latency` times `/model/parse` from the client; this script opens the same models in
this process and times each step of `FaqRetriever`'s ranking one after the other on the held-out
TEST questions of up to 300 characters (every 2nd, as the latency benchmark): the NLU components
before it, the e5 query, the lexical TF-IDF and its product, the USE vector and the embedding
products, the topic classifier, and the fusion with the answerability model. The last column is the
retriever as it serves (`assess`: e5 in its own thread beside the rest, a long message's question
sentence scored too). Without `--model`: the assistant's test model (tests/stack.py);
`benchmarks.latency` prints the paths of the FAQ-only models it trains. Writes reports/parse_steps.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np

from benchmarks.engines import ROOT, pipeline_components, run_components, spacy_model
from benchmarks.heldout import load_queries

REPORT = ROOT / "reports" / "parse_steps.md"
STEPS = ("NLU before the retriever", "e5 query", "lexical", "USE + products", "classifier", "fusion + answerability")


def time_steps(model: Path, texts: List[str]) -> Tuple[Dict[str, np.ndarray], int]:
    """Milliseconds of each step (and of `assess`) per text, and the model's number of topics."""
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.message import Message

    from components.faq_retriever import FaqRetriever, lemma_text
    from services import embeddings
    from services.answerability.evidence import features, fuse

    components = pipeline_components(Agent.load(str(model)))
    position = next(i for i, c in enumerate(components) if isinstance(c, FaqRetriever))
    before, retriever = components[:position], components[position]
    spacy = spacy_model(components)
    index = retriever._index  # noqa: SLF001 (benchmark only)
    timings: Dict[str, List[float]] = {name: [] for name in STEPS + ("served (assess)",)}
    for number, text in enumerate(texts[:10] + texts):  # the first ten warm up
        clock = [time.perf_counter()]
        message = Message(data={"text": text})
        run_components(message, before, spacy)
        clock.append(time.perf_counter())
        raw = index.restorer.restore(text)
        queries = embeddings.encode_queries([raw], index.answer_encoder)
        clock.append(time.perf_counter())
        lexical = index._vectorize([lemma_text(message)])  # noqa: SLF001
        items = {"lexical": np.asarray((lexical @ index.matrix).todense())}
        clock.append(time.perf_counter())
        paraphrase = embeddings.encode_paraphrases([raw])
        items["paraphrase_embedding"] = paraphrase @ index.paraphrases
        items["answer_embedding"] = queries @ index.answers.T
        clock.append(time.perf_counter())
        items["classifier"] = index.classifier.scores(lexical, paraphrase)
        clock.append(time.perf_counter())
        sources = index._per_topic(items)  # noqa: SLF001
        index.answerability.probability(features(sources, fuse(sources, index.weights)))
        clock.append(time.perf_counter())
        retriever.assess(message)
        clock.append(time.perf_counter())
        if number >= 10:
            for name, (start, end) in zip(timings, zip(clock, clock[1:], strict=False), strict=True):
                timings[name].append((end - start) * 1000)
    return {name: np.array(values) for name, values in timings.items()}, len(index.topics)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, action="append", help="a trained model (.tar.gz); repeatable")
    parser.add_argument("--report", type=Path, default=REPORT)
    args = parser.parse_args()
    if not args.model:
        from tests.stack import trained_model

        args.model = [trained_model()]
    texts = [q.text for q in load_queries(split="test") if len(q.text) <= 300][::2]
    lines = [
        "# Where a message's FAQ ranking spends its time (in-process)\n",
        f"Produced by `python -m benchmarks.parse_steps {' '.join(sys.argv[1:])}`; {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} at the start; {len(texts)} held-out TEST questions of up to "
        "300 characters. Milliseconds p50 / p95 per message; encoders with the serving thread setting.\n",
        "| model | topics | " + " | ".join(STEPS) + " | served (assess) |",
        "|---|---|" + "---|" * (len(STEPS) + 1),
    ]
    for model in args.model:
        timings, topics = time_steps(model, texts)
        cells = [f"{np.percentile(v, 50):.1f} / {np.percentile(v, 95):.1f}" for v in timings.values()]
        lines.append(f"| {model.name} | {topics} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    args.report.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"written to {args.report}")


if __name__ == "__main__":
    main()
