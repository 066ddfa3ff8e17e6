"""`python -m benchmarks.latency`: `/model/parse` latency through the HTTP API, written to
reports/faq_latency.md.

Starts `rasa run --enable-api` on a free port with
- the assistant's full model (the test model of tests/stack.py, trained if missing), and
- FAQ-only NLU models (tokenizer, lemmatizer, FaqRetriever as in config.yml) at the 100 contract
  topics (kb/contract/topics.yml), at all real topics and at `--sizes` topics (real + SYNTHETIC,
  benchmarks/synthetic.py),
and times each request of the held-out TEST questions, the out-of-KB TEST questions (all up to 300
characters) and short non-FAQ messages, one at a time, from the client side.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Sequence, Set, Tuple

import requests

from benchmarks.heldout import load_queries
from benchmarks.unanswerable import load_unanswerable
from kb_import import load_knowledge_base
from services.answerability import ranked_topic

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "reports" / "faq_latency.md"
SHORT = ["Dzień dobry", "Hello", "dziękuję", "tak", "12345", "00-950", "Jan Kowalski", "ok", "nie", "thanks"]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))]


def measure(
    model: Path, texts: Dict[str, List[str]], topics: Sequence[str], known: Set[str] | None = None
) -> Tuple[Dict[str, Tuple[float, float, int]], float]:
    """(p50, p95, n) per group of texts, and the top-1 of the held-out questions (`topics`: the
    expected topic of each text of the first group; `known`: the model's topics, when not all)."""
    port, token = _free_port(), secrets.token_hex(8)
    # /model/parse parses in the server; the gate's NLU process (runtime/nlu_process.py) would only
    # load a second copy of the model beside it and take the CPU from the requests measured
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "VO_NLU_PROCESSES": "0"}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "rasa"), "run", "--enable-api", "--model", str(model)]
            + ["--port", str(port), "--auth-token", token],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.time() + 600
            while time.time() < deadline:
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(log.read().decode()[-2000:])
                try:
                    if requests.get(f"{url}/status", params={"token": token}, timeout=2).ok:
                        break
                except requests.RequestException:
                    time.sleep(1)
            session = requests.Session()
            for text in SHORT + texts["FAQ questions (held-out TEST)"][:10]:  # warm-up
                session.post(f"{url}/model/parse", params={"token": token}, json={"text": text}, timeout=60)
            results, firsts = {}, []
            for group, items in texts.items():
                timings = []
                for text in items:
                    started = time.perf_counter()
                    response = session.post(
                        f"{url}/model/parse", params={"token": token}, json={"text": text}, timeout=60
                    )
                    timings.append((time.perf_counter() - started) * 1000)
                    if not results:  # the first group: held-out questions
                        firsts.append(ranked_topic(response.json()))
                results[group] = (percentile(timings, 0.5), percentile(timings, 0.95), len(timings))
            pairs = [(first, topic) for first, topic in zip(firsts, topics, strict=True) if not known or topic in known]
            top1 = sum(first == topic for first, topic in pairs) / len(pairs)
            return results, top1
        finally:
            process.terminate()
            process.wait(timeout=30)


CONTRACT_MODEL = "FAQ-only NLU model, the 100 contract topics (top-1 on their questions)"


def faq_only_model(size: int, contract_only: bool = False) -> Tuple[Path, float, float]:
    """An NLU model with the FAQ pipeline of config.yml over `size` topics (real + SYNTHETIC), or
    over the 100 contract topics only, with its training seconds with empty caches (cold) and
    after rewording 20 topics."""
    from benchmarks.engines import cold_caches
    from benchmarks.faq import Ours, changed, contract_topics, our_pipeline, restricted
    from benchmarks.synthetic import scaled_knowledge_base

    scaled = scaled_knowledge_base(size)
    if contract_only:
        scaled = restricted(scaled, contract_topics())
    with cold_caches():
        engine = Ours(f"{size}", our_pipeline())
        engine.train(changed(scaled, 20))
        cold = engine.train_seconds
        engine.train(scaled)
        return engine.model_path, cold, engine.train_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[2000])
    parser.add_argument("--report", type=Path, default=REPORT)
    args = parser.parse_args()
    from benchmarks.faq import contract_topics
    from tests.stack import trained_model

    texts = {
        # fixed halves, so one run fits in minutes on a loaded machine
        "FAQ questions (held-out TEST)": [q.text for q in load_queries(split="test") if len(q.text) <= 300][::2],
        "out-of-KB questions": [u.text for u in load_unanswerable("test") if len(u.text) <= 300][::2],
        "short non-FAQ messages": SHORT * 2,
    }
    topics = [q.topic for q in load_queries(split="test") if len(q.text) <= 300][::2]
    published = len(load_knowledge_base(ROOT / "kb").published())
    models = [(f"full assistant model, {published} topics", trained_model(), None, None)]
    path, cold, warm = faq_only_model(0, contract_only=True)
    models.append((CONTRACT_MODEL, path, cold, warm))
    for size in [0] + list(args.sizes):
        path, cold, warm = faq_only_model(size)
        label = f"{published} topics" if size <= published else f"{size} topics (SYNTHETIC beyond {published})"
        models.append((f"FAQ-only NLU model, {label}", path, cold, warm))
        print(models[-1], flush=True)
    lines = [
        "# `/model/parse` latency through the HTTP API\n",
        f"Produced by `python -m benchmarks.latency {' '.join(sys.argv[1:])}`; {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f} at the start.",
        "One request at a time; p50 / p95 in ms, client side. Training seconds of the",
        "FAQ-only models: with empty embedding and Rasa training caches (cold), then again after rewording 20 topics' questions.\n",
        "| model | "
        + " | ".join(f"{group} p50 / p95 (n)" for group in texts)
        + " | held-out TEST top-1 | train s cold | train s, 20 topics changed |",
        "|---|" + "---|" * (len(texts) + 3),
    ]
    for name, model, cold, warm in models:
        contract = contract_topics() if name == CONTRACT_MODEL else None
        results, top1 = measure(model, texts, topics, contract)
        cells = [f"{results[g][0]:.0f} / {results[g][1]:.0f} ({results[g][2]})" for g in texts]
        seconds = f"{cold:.0f} | {warm:.0f}" if cold is not None else "- | -"
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {100 * top1:.1f}% | {seconds} |")
        print(lines[-1], flush=True)
    args.report.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"written to {args.report}")


if __name__ == "__main__":
    main()
