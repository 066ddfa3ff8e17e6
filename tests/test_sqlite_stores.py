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


def test_tracker_store_and_broker_from_endpoints_use_wal_and_store_events(tmp_path: Path) -> None:
    events_db, tracker_db = tmp_path / "events.db", tmp_path / "tracker.db"
    broker = asyncio.run(
        EventBroker.create(
            EndpointConfig(type="stores.events.OfficeSQLEventBroker", dialect="sqlite", db=str(events_db))
        )
    )
    store = TrackerStore.create(
        EndpointConfig(type="stores.tracker.OfficeTrackerStore", dialect="sqlite", db=str(tracker_db)),
        domain=Domain.empty(),
        event_broker=broker,
    )
    tracker = DialogueStateTracker.from_events("someone", [ActionExecuted("action_listen"), UserUttered("Dzień dobry")])
    asyncio.run(store.save(tracker))
    assert _journal_mode(events_db) == "wal" and _journal_mode(tracker_db) == "wal"
    with sqlite3.connect(events_db) as connection:
        texts = [row[0] for row in connection.execute("SELECT data FROM events WHERE sender_id = 'someone'")]
    assert len(texts) == 2 and '"text": "Dzie\\u0144 dobry"' in texts[1]
    restored = asyncio.run(store.retrieve("someone"))
    assert restored.latest_message.text == "Dzień dobry"
