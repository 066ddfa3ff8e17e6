"""`python -m benchmarks.heldout_check`: finds held-out queries that are near-copies of training questions.

Held-out questions only measure generalisation if they were not (nearly) copied from the knowledge
base. For every held-out query this prints its highest similarity to any training question of the
given KB files (TF-IDF over character 3-5-grams of folded text, cosine), and lists those above the
threshold together with the closest training question, so the writer can reword them.

    python -m benchmarks.heldout_check                          # kb/ against benchmarks/heldout/
    python -m benchmarks.heldout_check --kb kb/permits.yml --heldout benchmarks/heldout/permits.yml
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Sequence

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from benchmarks.heldout import HELDOUT_DIR, Query, load_queries
from lang.text import fold, words

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_THRESHOLD = 0.75


@dataclass(frozen=True)
class TrainingQuestion:
    topic: str
    language: str
    text: str


def _yaml_files(paths: Iterable[Path]) -> List[Path]:
    """The YAML files named, directories expanded (synonyms.yml holds no questions)."""
    files: List[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in sorted(path.glob("*.yml")) if p.name != "synonyms.yml")
        else:
            files.append(path)
    return files


def load_training_questions(paths: Sequence[Path]) -> List[TrainingQuestion]:
    """Every training question (all languages) of the KB files, read straight from YAML."""
    questions: List[TrainingQuestion] = []
    for path in _yaml_files(paths):
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        for entry in data.get("entries") or []:
            for language, texts in (entry.get("questions") or {}).items():
                for text in texts or []:
                    questions.append(TrainingQuestion(str(entry.get("id")), language, str(text)))
    return questions


def load_heldout(paths: Sequence[Path]) -> List[Query]:
    """Plain and keyword held-out queries (the no-diacritics style folds to the same text)."""
    queries: List[Query] = []
    for path in paths:
        if path.is_dir():
            queries.extend(load_queries(path))
        else:
            queries.extend(_load_file(path))
    return [q for q in queries if q.style != "no_diacritics"]


def _load_file(path: Path) -> List[Query]:
    import shutil
    import tempfile

    # load_queries reads a directory; give it one holding just this file.
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(path, Path(tmp) / path.name)
        return load_queries(Path(tmp))


def normalise(text: str) -> str:
    return " ".join(words(fold(text)))


def closest(
    queries: Sequence[Query], training: Sequence[TrainingQuestion]
) -> List[tuple[Query, float, TrainingQuestion]]:
    """For each query, the most similar training question and the cosine similarity to it."""
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    vectorizer.fit([normalise(t.text) for t in training] + [normalise(q.text) for q in queries])
    train_matrix = vectorizer.transform([normalise(t.text) for t in training])
    query_matrix = vectorizer.transform([normalise(q.text) for q in queries])
    similarities = cosine_similarity(query_matrix, train_matrix)
    result = []
    for row, query in enumerate(queries):
        best = int(similarities[row].argmax())
        result.append((query, float(similarities[row, best]), training[best]))
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", nargs="+", type=Path, default=[ROOT / "kb"], help="KB files or directories")
    parser.add_argument("--heldout", nargs="+", type=Path, default=[HELDOUT_DIR], help="held-out files or directories")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--topics-in-kb", action="store_true", help="check only queries whose topic is in the given KB")
    args = parser.parse_args(argv)

    training = load_training_questions(args.kb)
    if not training:
        print("no training questions found in", ", ".join(map(str, args.kb)), file=sys.stderr)
        return 2
    queries = load_heldout(args.heldout)
    if args.topics_in_kb:
        known = {t.topic for t in training}
        queries = [q for q in queries if q.topic in known]
    results = closest(queries, training)
    above = [r for r in results if r[1] >= args.threshold]
    for query, score, question in sorted(above, key=lambda r: -r[1]):
        other = "" if question.topic == query.topic else f" (topic {question.topic})"
        print(f"{score:.2f} [{query.topic} {query.language}/{query.style}] {query.text!r}")
        print(f"     closest training question{other}: {question.text!r}")
    scores = sorted(r[1] for r in results)
    median = scores[len(scores) // 2] if scores else 0.0
    print(
        f"{len(above)} of {len(results)} held-out queries at or above {args.threshold:.2f} "
        f"(median highest similarity {median:.2f}; {len(training)} training questions)"
    )
    return 1 if above else 0


if __name__ == "__main__":
    sys.exit(main())
