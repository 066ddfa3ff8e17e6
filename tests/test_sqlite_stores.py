"""The embedded SQLite tracker store and event broker run in WAL mode and keep every event."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig


def _journal_mode(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA journal_mode").fetchone()[0]


def _store_with_broker(events_db: Path, tracker_db: Path) -> TrackerStore:
    """The tracker store and event broker as Rasa makes them from endpoints.yml."""
    broker = asyncio.run(
        EventBroker.create(
            EndpointConfig(type="stores.events.OfficeSQLEventBroker", dialect="sqlite", db=str(events_db))
        )
    )
    return TrackerStore.create(
        EndpointConfig(type="stores.tracker.OfficeTrackerStore", dialect="sqlite", db=str(tracker_db)),
        domain=Domain.empty(),
        event_broker=broker,
    )


def test_tracker_store_and_broker_from_endpoints_use_wal_and_store_events(tmp_path: Path) -> None:
    events_db, tracker_db = tmp_path / "events.db", tmp_path / "tracker.db"
    store = _store_with_broker(events_db, tracker_db)
    tracker = DialogueStateTracker.from_events("someone", [ActionExecuted("action_listen"), UserUttered("Dzień dobry")])
    asyncio.run(store.save(tracker))
    assert _journal_mode(events_db) == "wal" and _journal_mode(tracker_db) == "wal"
    with sqlite3.connect(events_db) as connection:
        texts = [row[0] for row in connection.execute("SELECT data FROM events WHERE sender_id = 'someone'")]
    assert len(texts) == 2 and '"text": "Dzie\\u0144 dobry"' in texts[1]
    restored = asyncio.run(store.retrieve("someone"))
    assert restored.latest_message.text == "Dzień dobry"


def test_concurrent_saves_keep_every_event_in_order_in_the_store_and_the_broker(tmp_path: Path) -> None:
    """Saves run in database threads (one writer per SQLite file) and the broker gets each save's
    events in one transaction: 20 conversations saved concurrently, several turns each, lose and
    reorder nothing in either database."""
    events_db, tracker_db = tmp_path / "events.db", tmp_path / "tracker.db"
    store = _store_with_broker(events_db, tracker_db)

    async def converse(sender: str) -> None:
        tracker = DialogueStateTracker.from_events(sender, [ActionExecuted("action_listen")])
        for turn in range(5):
            tracker.update(UserUttered(f"{sender} turn {turn}"))
            tracker.update(ActionExecuted("action_listen"))
            await store.save(tracker)

    async def everyone() -> None:
        await asyncio.gather(*(converse(f"user{number}") for number in range(20)))

    asyncio.run(everyone())
    expected = {f"user{n}": [f"user{n} turn {turn}" for turn in range(5)] for n in range(20)}
    for sender, texts in expected.items():
        restored = asyncio.run(store.retrieve(sender))
        assert [e.text for e in restored.events if isinstance(e, UserUttered)] == texts
    with sqlite3.connect(events_db) as connection:
        rows = connection.execute("SELECT sender_id, data FROM events ORDER BY id").fetchall()
    assert len(rows) == 20 * 11  # the first listen + 5 x (user, listen) per conversation
    published: dict = {}
    for sender, data in rows:
        if '"event": "user"' in data:
            published.setdefault(sender, []).append(data.split('"text": "', 1)[1].split('"', 1)[0])
    assert published == expected
