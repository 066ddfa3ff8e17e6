"""`python -m benchmarks.train_profile [--size N]`: where the FAQ-only model's training time goes.

Trains the FAQ-only NLU model of `benchmarks.latency` (the pipeline of config.yml up to
FaqRetriever) over N topics (real + SYNTHETIC, default 2,000) with empty caches, then again after
rewording 20 topics, each under cProfile, and reports the cumulative seconds of the steps that
matter: Rasa's reading and schema validation of the generated NLU data, its domain loading and
fingerprinting, and FaqRetriever's encoders, calibration and classifier. The profiler slows
pure-Python code (Rasa's YAML reading) much more than the encoders' C code, so compare rows within
a run, and take training seconds from `benchmarks.latency`. Writes reports/train_profile.md.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
from pathlib import Path
from typing import Dict, List, Tuple

from benchmarks.engines import ROOT

REPORT = ROOT / "reports" / "train_profile.md"
# (label, file suffix, function name) of pstats entries; cumulative seconds, calls included
STEPS: List[Tuple[str, str, str]] = [
    ("Rasa: NLU training data read (YAML + schema validation)", "rasa/shared/importers/importer.py", "get_nlu_data"),
    ("Rasa: schema validation of YAML files", "rasa/shared/utils/validation.py", "validate_yaml_schema"),
    ("Rasa: domain loaded", "rasa/shared/core/domain.py", "load"),
    ("Rasa: fingerprints of data and domain", "rasa/shared/utils/io.py", "deep_container_fingerprint"),
    ("FaqRetriever.train", "components/faq_retriever.py", "train"),
    ("  e5 over answer passages", "services/embeddings.py", "encode_passages"),
    ("  USE over paraphrases (training and calibration)", "services/embeddings.py", "encode_paraphrases"),
    ("  answerability calibration", "components/topic_index.py", "_calibrate"),
    ("  topic classifier fits", "services/answerability/topic_classifier.py", "fit"),
]


def cumulative(stats: pstats.Stats) -> Dict[str, float]:
    """Cumulative seconds of each of STEPS: the largest of the matching entries, because Rasa's
    importers of one name wrap each other (summing them would count the same reading several times)."""
    seconds = {label: 0.0 for label, _, _ in STEPS}
    for (filename, _, function), (_, _, _, total, _) in stats.stats.items():  # type: ignore[attr-defined]
        for label, suffix, name in STEPS:
            if function == name and filename.endswith(suffix):
                seconds[label] = max(seconds[label], total)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--report", type=Path, default=REPORT)
    args = parser.parse_args()
    from benchmarks.engines import cold_caches
    from benchmarks.faq import Ours, changed, our_pipeline
    from benchmarks.synthetic import scaled_knowledge_base

    scaled = scaled_knowledge_base(args.size)
    runs: Dict[str, Tuple[float, Dict[str, float]]] = {}
    with cold_caches():
        engine = Ours(str(args.size), our_pipeline())
        for name, knowledge_base in (("cold", changed(scaled, 20)), ("20 topics changed", scaled)):
            profiler = cProfile.Profile()
            profiler.enable()
            engine.train(knowledge_base)
            profiler.disable()
            runs[name] = (engine.train_seconds, cumulative(pstats.Stats(profiler)))
            print(name, runs[name], flush=True)
    lines = [
        "# Where the FAQ-only model's training time goes (under cProfile)\n",
        f"Produced by `python -m benchmarks.train_profile {' '.join(sys.argv[1:])}`; {len(scaled.entries)} topics "
        f"(SYNTHETIC beyond the real ones), {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end. "
        "Cumulative seconds under the profiler (pure-Python steps are inflated by it); nested rows are "
        "parts of the row above them.\n",
        "| step | " + " | ".join(runs) + " |",
        "|---|" + "---|" * len(runs),
        "| whole training (profiled) | " + " | ".join(f"{seconds:.0f}" for seconds, _ in runs.values()) + " |",
    ]
    for label, _, _ in STEPS:
        lines.append(f"| {label} | " + " | ".join(f"{steps[label]:.0f}" for _, steps in runs.values()) + " |")
    args.report.write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
