"""Rasa's SQL event broker (the embedded default; the scaled profile uses RabbitMQ), on SQLite in WAL
mode with pooled connections. Named in endpoints.yml as `type: stores.events.OfficeSQLEventBroker`;
every option of Rasa's `type: SQL` broker works as before.

`publish_batch` writes the events of one message in one transaction, in the database's writer
thread (Rasa's `publish` commits once per event, on the event loop);
`stores.tracker.OfficeTrackerStore` calls it after each save."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List

import sqlalchemy as sa
from rasa.core.brokers.sql import SQLEventBroker

from stores.sqlite import in_database_thread, reopen, writer_for


class OfficeSQLEventBroker(SQLEventBroker):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.engine = reopen(self.engine)
        self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        self._writer = writer_for(self.engine.url)

    async def publish_batch(self, events: Iterable[Dict[str, Any]]) -> None:
        """Publishes events in order, in one transaction."""
        await in_database_thread(self._insert, list(events), executor=self._writer)

    def _insert(self, events: List[Dict[str, Any]]) -> None:
        with self.session_scope() as session:
            session.add_all(
                [self.SQLBrokerEvent(sender_id=event.get("sender_id"), data=json.dumps(event)) for event in events]
            )
            session.commit()
