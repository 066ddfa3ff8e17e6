"""The FAQ answer selectors compared by the benchmark, behind one small interface.

`RasaEngine` trains a real Rasa NLU pipeline (ours, or stock ResponseSelector) and parses through
a loaded Rasa agent, exactly as the server does. `Bm25Engine` is the plain baseline: Okapi BM25 over
diacritics-folded words, no lemmas, no synonyms.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import numpy as np
import yaml

from kb_import.generate import render_domain, render_nlu
from kb_import.model import KnowledgeBase
from lang.text import fold, words

ROOT = Path(__file__).resolve().parent.parent
SPACY = {"name": "SpacyNLP", "model": str(ROOT / "var" / "spacy" / "pl_blank")}
TOKENS = [SPACY, {"name": "SpacyTokenizer"}, {"name": "components.lemmatizer.FoldedLemmatizer"}]
STOCK_PIPELINE = TOKENS + [
    {"name": "CountVectorsFeaturizer"},
    {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4},
    {"name": "ResponseSelector", "retrieval_intent": "faq", "epochs": 100, "random_seed": 42},
]


def pipeline_components(agent: Any) -> List[Any]:
    """The loaded NLU components of `agent`, in pipeline order (the benchmarks time and inspect them).
    Rasa numbers the pipeline's nodes and the policies' nodes separately (`run_SpacyNLP0`,
    `run_MemoizationPolicy0`), so the policies of a full assistant model are left out first."""
    from rasa.core.policies.policy import Policy

    nodes = agent.processor.graph_runner._instantiated_nodes  # noqa: SLF001 (benchmark only)
    numbered = [
        (int(m.group(1)), node._component)  # noqa: SLF001
        for name, node in nodes.items()
        if (m := re.match(r"run_.*?(\d+)$", name)) and not isinstance(node._component, Policy)  # noqa: SLF001
    ]
    return [component for _, component in sorted(numbered, key=lambda pair: pair[0])]


def spacy_model(components: List[Any]) -> Any:
    """The spaCy model that the pipeline's SpacyNLP provides to the components after it."""
    return next(c for c in components if hasattr(c, "provide")).provide()


def run_components(message: Any, components: List[Any], model: Any) -> None:
    """Processes `message` through `components` as the graph does: SpacyNLP gets the spaCy `model`."""
    for component in components:
        if hasattr(component, "provide"):
            component.process([message], model=model)
        else:
            component.process([message])


@contextlib.contextmanager
def cold_caches() -> Iterator[None]:
    """Empty embedding and Rasa training caches while inside: a 'cold' training time means that
    nothing was cached, neither sentence embeddings nor Rasa's own components (~/.rasa/cache)."""
    with tempfile.TemporaryDirectory(prefix="cold-caches-") as cache:
        os.environ["VO_EMBEDDING_CACHE"] = str(Path(cache) / "embeddings")
        os.environ["RASA_CACHE_DIRECTORY"] = str(Path(cache) / "rasa")
        try:
            yield
        finally:
            del os.environ["VO_EMBEDDING_CACHE"], os.environ["RASA_CACHE_DIRECTORY"]


class Engine:
    name = ""
    train_seconds = 0.0

    def train(self, kb: KnowledgeBase) -> None:
        raise NotImplementedError

    def rank(self, text: str) -> List[str]:
        """Topic ids, best first (at least 3)."""
        raise NotImplementedError


class RasaEngine(Engine):
    def __init__(self, name: str, pipeline: List[Dict[str, Any]], extra_nlu: List[Path] = ()) -> None:
        self.name = name
        self.pipeline = pipeline
        self.extra_nlu = list(extra_nlu)  # non-FAQ training data (other intents), as in the assistant
        self.agent = None
        self.loop = asyncio.new_event_loop()

    def train(self, kb: KnowledgeBase) -> None:
        from rasa.core.agent import Agent
        from rasa.model_training import train_nlu

        work = Path(tempfile.mkdtemp(prefix="faq-bench-"))
        (work / "nlu").mkdir()
        (work / "nlu" / "faq.yml").write_text(render_nlu(kb), "utf-8")
        for number, path in enumerate(self.extra_nlu):
            (work / "nlu" / f"extra{number}.yml").write_text(path.read_text("utf-8"), "utf-8")
        (work / "domain.yml").write_text(render_domain(kb), "utf-8")
        (work / "config.yml").write_text(
            yaml.safe_dump(
                {
                    "recipe": "default.v1",
                    "language": "pl",
                    "assistant_id": "benchmark",
                    "pipeline": self.pipeline,
                    "policies": [],
                }
            ),
            "utf-8",
        )
        started = time.perf_counter()
        model = train_nlu(str(work / "config.yml"), str(work / "nlu"), str(work), domain=str(work / "domain.yml"))
        self.train_seconds = time.perf_counter() - started
        self.model_path = Path(model)
        self.agent = Agent.load(model)

    def rank(self, text: str) -> List[str]:
        parsed = self.loop.run_until_complete(self.agent.parse_message(text))
        ranking = parsed["response_selector"]["faq"]["ranking"]
        return [item["intent_response_key"].split("/", 1)[-1] for item in ranking]


class Bm25Engine(Engine):
    name = "BM25 baseline"

    def __init__(self, k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b

    def train(self, kb: KnowledgeBase) -> None:
        from sklearn.feature_extraction.text import CountVectorizer

        started = time.perf_counter()
        pairs: List[Tuple[str, str]] = [
            (entry.id, question)
            for entry in kb.entries
            for lang in ("pl", "en")
            for question in entry.questions.get(lang, [])
        ]
        pairs.sort()
        self.topics = sorted({topic for topic, _ in pairs})
        self.starts = np.searchsorted(np.array([t for t, _ in pairs]), self.topics)
        self.vectorizer = CountVectorizer(analyzer=lambda text: words(fold(text)))
        counts = self.vectorizer.fit_transform([q for _, q in pairs]).tocsr().astype(np.float64)
        lengths = np.asarray(counts.sum(axis=1)).ravel()
        document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
        self.idf = np.log(1 + (counts.shape[0] - document_frequency + 0.5) / (document_frequency + 0.5))
        norm = self.k1 * (1 - self.b + self.b * lengths / lengths.mean())
        rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
        counts.data = counts.data * (self.k1 + 1) / (counts.data + norm[rows])
        self.weights = counts.multiply(self.idf).T.tocsr()
        self.train_seconds = time.perf_counter() - started

    def rank(self, text: str) -> List[str]:
        query = self.vectorizer.transform([text])
        query.data[:] = 1.0
        scores = np.asarray((query @ self.weights).todense()).ravel()
        per_topic = np.maximum.reduceat(scores, self.starts)
        return [self.topics[i] for i in np.argsort(-per_topic)[:10]]
