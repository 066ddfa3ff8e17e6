"""`python -m benchmarks.threads`: single-query encoder latency with 1 and 2 encoder threads.

Each setting runs in a fresh process (`VO_ENCODER_THREADS`, read when the encoders load) and times
one query at a time, as `/model/parse` does, for both sentence encoders. Prints a markdown table;
components/embeddings.py uses the setting chosen from it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from benchmarks.heldout import load_queries

PROBE = """
import json, sys, time
from components import embeddings
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


def main() -> None:
    texts = [q.text for q in load_queries(split="dev") if q.style == "plain"][:30]
    print(f"{os.cpu_count()} cores (shared with other work while measured); one query at a time, ms\n")
    print("| encoder threads | USE p50 / p95 | e5 p50 / p95 |\n|---|---|---|")
    for threads in (1, 2):
        output = subprocess.run(
            [sys.executable, "-c", PROBE],
            input=json.dumps(texts),
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "VO_ENCODER_THREADS": str(threads), "PYTHONPATH": os.getcwd()},
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        print(
            f"| {threads} | {result['USE'][0]:.1f} / {result['USE'][1]:.1f} | {result['e5'][0]:.1f} / {result['e5'][1]:.1f} |"
        )


if __name__ == "__main__":
    main()
