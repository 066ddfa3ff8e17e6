"""Rasa's Redis lock store with every change of a lock made atomically, named in endpoints.scaled.yml:

    lock_store:
      type: stores.lock.AtomicRedisLockStore
      url: localhost                 # every option of Rasa's `type: redis` works as before
      ...

Why: Rasa's `RedisLockStore` changes a conversation's ticket queue by reading it (GET), changing it
in the process and writing it back (SET). Two instances that receive messages of one sender at
the same moment both read the queue before either writes, both get the same ticket, and both
process their message at once; the second tracker save then drops the first message's events
(tests/test_scale_out.py caught a conversation with one of two simultaneous messages missing).
Here each change runs in a Redis transaction that watches the key (WATCH/MULTI/EXEC) and is
retried when another instance changed the queue in between, so tickets are unique and none is lost.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Callable, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

T = TypeVar("T")
# a change returns the lock to store (None deletes the key) and a result for the caller
Change = Callable[[TicketLock | None], Tuple[TicketLock | None, T]]


class AtomicRedisLockStore(RedisLockStore):
    """`RedisLockStore` whose ticket queue changes are atomic across instances."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        # Rasa builds custom lock stores from the endpoint config; `type: redis` passes `url` as host
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _transact(self, conversation_id: str, change: Change[T]) -> T:
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    serialised = pipe.get(key)
                    current = TicketLock.from_dict(json.loads(serialised)) if serialised else None
                    updated, result = change(current)
                    pipe.multi()
                    if updated is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, updated.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    logger.debug("Lock of %s changed meanwhile by another instance; retrying.", conversation_id)
                finally:
                    pipe.reset()

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def change(lock: TicketLock | None) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._transact(conversation_id, change)
        except Exception as error:  # same contract as Rasa's: callers handle LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def change(lock: TicketLock | None) -> Tuple[TicketLock | None, None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._transact(conversation_id, change)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def change(lock: TicketLock | None) -> Tuple[TicketLock | None, None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._transact(conversation_id, change)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Removes the ticket and, in the same transaction, the lock when nobody else waits (Rasa
        checks and deletes in two steps, which can delete a ticket another instance just issued)."""

        def change(lock: TicketLock | None) -> Tuple[TicketLock | None, None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return (lock if lock and lock.is_someone_waiting() else None), None

        self._transact(conversation_id, change)
