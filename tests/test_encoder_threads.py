"""e5's OpenMP threads are set per call: every core alone, one each when calls overlap."""

from __future__ import annotations

import os
import threading

import sklearn  # noqa: F401  (loads OpenMP first, as in a Rasa process)

from services import embeddings


def _threads_inside() -> int:
    with embeddings._e5_threads():
        return embeddings._e5()._lib.omp_get_max_threads()


def test_alone_every_core_and_one_each_when_overlapping(monkeypatch) -> None:
    monkeypatch.setattr(embeddings, "_FIXED_THREADS", None)
    monkeypatch.setattr(embeddings, "_CORES", 2)
    assert _threads_inside() == 2

    inside, release = threading.Event(), threading.Event()

    def first_call() -> None:
        with embeddings._e5_threads():
            inside.set()
            release.wait(10)

    worker = threading.Thread(target=first_call)
    worker.start()
    try:
        assert inside.wait(10)
        assert _threads_inside() == 1  # another call is running
    finally:
        release.set()
        worker.join()
    assert _threads_inside() == 2  # alone again
    assert embeddings._IN_FLIGHT == 0


def test_explicit_setting_wins(monkeypatch) -> None:
    monkeypatch.setattr(embeddings, "_FIXED_THREADS", 1)
    monkeypatch.setattr(embeddings, "_CORES", max(2, os.cpu_count() or 2))
    assert _threads_inside() == 1


def test_an_encoded_query_is_the_same_with_one_or_every_thread(monkeypatch) -> None:
    monkeypatch.setattr(embeddings, "_CORES", 2)
    monkeypatch.setattr(embeddings, "_FIXED_THREADS", None)
    every = embeddings.encode_queries(["Jak założyć firmę?"])
    monkeypatch.setattr(embeddings, "_FIXED_THREADS", 1)
    one = embeddings.encode_queries(["Jak założyć firmę?"])
    assert abs(float(every[0] @ one[0]) - 1.0) < 1e-4
