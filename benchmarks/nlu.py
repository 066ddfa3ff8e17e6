"""`python -m benchmarks.nlu`: intent accuracy per language on a held-out split of the NLU data.

Splits data/nlu/ 80/20 per intent (stratified, fixed seed), trains the project's NLU pipeline
(config.yml) on the 80%, and reports intent accuracy on the 20% per language (from each block's
`metadata.lang`), plus FAQ topic accuracy for the retrieval intent. Writes reports/nlu_benchmark.md.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from components.training_language import example_language  # noqa: E402
from lang.text import normalise_question  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "reports" / "nlu_benchmark.md"


def main() -> None:
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.disable(logging.WARNING)
    data = load_data(str(ROOT / "data" / "nlu"))
    train, test = data.train_test_split(train_frac=0.8, random_seed=42)
    # a test example that is a training example once case and diacritics are folded measures nothing
    trained = {normalise_question(example.get("text") or "") for example in train.intent_examples}
    test_examples = [e for e in test.intent_examples if normalise_question(e.get("text") or "") not in trained]
    duplicates = len(test.intent_examples) - len(test_examples)
    work = Path(tempfile.mkdtemp(prefix="nlu-bench-"))
    (work / "train.yml").write_text(RasaYAMLWriter().dumps(train), "utf-8")
    started = time.perf_counter()
    model = train_nlu(str(ROOT / "config.yml"), str(work / "train.yml"), str(work), domain=str(ROOT / "domain"))
    train_seconds = time.perf_counter() - started
    agent = Agent.load(model)

    totals, correct, faq_total, faq_correct = Counter(), Counter(), Counter(), Counter()
    confusions = defaultdict(Counter)
    for example in test_examples:
        language = example_language(example) or "?"
        parsed = asyncio.run(agent.parse_message(example.get("text")))
        expected, predicted = example.get("intent"), parsed["intent"]["name"]
        totals[language] += 1
        correct[language] += predicted == expected
        if predicted != expected:
            confusions[expected][predicted] += 1
        if expected == "faq":
            faq_total[language] += 1
            chosen = parsed["response_selector"]["faq"]["response"]["intent_response_key"]
            faq_correct[language] += predicted == "faq" and chosen == example.get("intent_response_key")

    lines = [
        "# NLU held-out evaluation\n",
        f"Split: 80% train / 20% test per intent, seed 42; {duplicates} test examples dropped because, "
        f"with case and diacritics folded, they equal a training example. Training took {train_seconds:.0f} s.\n",
        "| language | test examples | intent accuracy | FAQ examples | FAQ intent + topic correct |",
        "|---|---|---|---|---|",
    ]
    for language in sorted(totals):
        lines.append(
            f"| {language} | {totals[language]} | {100 * correct[language] / totals[language]:.1f}% | "
            f"{faq_total[language]} | {100 * faq_correct[language] / max(1, faq_total[language]):.1f}% |"
        )
    lines.append("\nMost frequent confusions (expected -> predicted: count):\n")
    pairs = sorted(((n, e, p) for e, c in confusions.items() for p, n in c.items()), reverse=True)[:12]
    lines += [f"- {e} -> {p}: {n}" for n, e, p in pairs]
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
