"""How many OpenMP threads an e5 call may use while serving (components/embeddings.py)."""

from __future__ import annotations

import threading

import pytest

from components import embeddings


@pytest.fixture()
def serving(monkeypatch: pytest.MonkeyPatch) -> None:
    """A serving process on 2 cores: no VO_ENCODER_THREADS, not training."""
    monkeypatch.setattr(embeddings, "_FIXED_THREADS", None)
    monkeypatch.setattr(embeddings, "_THREADS", 1)
    monkeypatch.setattr(embeddings, "_CORES", 2)


def test_an_idle_machine_gives_the_only_call_every_core(serving, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "_runnable_now", lambda: 2)  # this call and the parse beside it
    assert embeddings._e5_threads(in_flight=1) == 2


def test_a_busy_machine_or_a_second_call_gets_one_thread(serving, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "_runnable_now", lambda: 4)
    assert embeddings._e5_threads(in_flight=1) == 1
    monkeypatch.setattr(embeddings, "_runnable_now", lambda: 1)
    assert embeddings._e5_threads(in_flight=2) == 1


def test_training_and_an_explicit_setting_keep_their_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "_runnable_now", lambda: 99)
    monkeypatch.setattr(embeddings, "_FIXED_THREADS", None)
    monkeypatch.setattr(embeddings, "_THREADS", 2)  # `use_all_cores` in a training process
    assert embeddings._e5_threads(in_flight=3) == 2
    monkeypatch.setattr(embeddings, "_FIXED_THREADS", "1")
    monkeypatch.setattr(embeddings, "_THREADS", 1)
    monkeypatch.setattr(embeddings, "_runnable_now", lambda: 0)
    assert embeddings._e5_threads(in_flight=1) == 1


def test_runnable_count_is_read_from_the_kernel() -> None:
    assert 1 <= embeddings._runnable_now() < 10_000  # this test's own thread is running


def test_concurrent_calls_are_counted_and_each_sets_its_threads(serving, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two overlapping calls: the second sees two in flight and asks OpenMP for one thread."""
    asked: list[int] = []

    class OpenMp:
        def omp_set_num_threads(self, count: int) -> None:
            asked.append(count)

    monkeypatch.setattr(embeddings, "_openmp", lambda: OpenMp())
    monkeypatch.setattr(embeddings, "_runnable_now", lambda: 1)
    first_started, release = threading.Event(), threading.Event()

    def slow(text: str) -> str:
        if text == "first":
            first_started.set()
            release.wait(5)
        return text

    call = embeddings._e5_call(slow)
    worker = threading.Thread(target=call, args=("first",))
    worker.start()
    assert first_started.wait(5)
    assert call("second") == "second"
    release.set()
    worker.join(5)
    assert asked == [2, 1]
    assert embeddings._e5_in_flight == 0


def test_the_shipped_openmp_runtime_is_found() -> None:
    assert embeddings._openmp() is not None
