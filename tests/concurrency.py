"""Races on purpose: calls released at the same moment from their own threads."""

from __future__ import annotations

import threading
from typing import Any, Callable, List, Sequence


def at_once(calls: Sequence[Callable[[], Any]]) -> List[Any]:
    """Runs each call in its own thread, all released together by a barrier; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: List[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
