"""The scaled profile's lock store against a real Redis: tickets stay unique and none is lost when
several instances change one conversation's lock at the same moment (stores/lock.py says why)."""

from __future__ import annotations

from typing import Iterator, List

import pytest
from rasa.utils.endpoints import EndpointConfig

from stores.lock import AtomicRedisLockStore
from tests.concurrency import at_once
from tests.scaled import ThrowawayRedis

INSTANCES = 4
CALLS_PER_INSTANCE = 25


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThrowawayRedis]:
    server = ThrowawayRedis(tmp_path_factory.mktemp("lock-redis")).start()
    yield server
    server.stop()


def stores(server: ThrowawayRedis) -> List[AtomicRedisLockStore]:
    """One store per simulated Rasa instance, built the way Rasa builds a custom lock store."""
    config = EndpointConfig(url="127.0.0.1", type="stores.lock.AtomicRedisLockStore", port=server.port, key_prefix="vo")
    return [AtomicRedisLockStore(endpoint_config=config) for _ in range(INSTANCES)]


def test_simultaneous_tickets_from_several_instances_are_unique_and_all_kept(redis_server: ThrowawayRedis) -> None:
    instances = stores(redis_server)
    conversation = "race-tickets"
    calls = [lambda s=s: s.issue_ticket(conversation) for s in instances for _ in range(CALLS_PER_INSTANCE)]
    tickets = at_once(calls)
    assert sorted(tickets) == list(range(INSTANCES * CALLS_PER_INSTANCE))
    lock = instances[0].get_lock(conversation)
    assert [t.number for t in lock.tickets] == list(range(INSTANCES * CALLS_PER_INSTANCE))
    assert lock.is_locked(1) and not lock.is_locked(0)  # first come, first served


def test_finishing_one_message_never_drops_a_ticket_issued_meanwhile(redis_server: ThrowawayRedis) -> None:
    first, second, *_ = stores(redis_server)
    for round_number in range(30):
        conversation = f"race-cleanup-{round_number}"
        serving = first.issue_ticket(conversation)
        finish = lambda c=conversation, t=serving: first.cleanup(c, t)  # noqa: E731
        arrive = lambda c=conversation: second.issue_ticket(c)  # noqa: E731
        _, waiting = at_once([finish, arrive])
        lock = second.get_lock(conversation)
        assert lock is not None and [t.number for t in lock.tickets] == [waiting], round_number
        second.cleanup(conversation, waiting)
        assert second.get_lock(conversation) is None


def test_the_lock_serialises_two_instances(redis_server: ThrowawayRedis) -> None:
    """Rasa's `lock()` context on two instances at once: the critical sections never overlap."""
    import asyncio

    first, second, *_ = stores(redis_server)
    inside: List[str] = []

    async def handle(store: AtomicRedisLockStore, name: str) -> None:
        async with store.lock("race-serialise", wait_time_in_seconds=0.05):
            inside.append(f"{name} in")
            await asyncio.sleep(0.2)
            inside.append(f"{name} out")

    at_once([lambda: asyncio.run(handle(first, "a")), lambda: asyncio.run(handle(second, "b"))])
    assert inside in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"]), inside
    assert first.get_lock("race-serialise") is None
