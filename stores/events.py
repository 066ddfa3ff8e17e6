"""Rasa's SQL event broker (the embedded default; the scaled profile uses RabbitMQ), on SQLite in WAL
mode with pooled connections. Named in endpoints.yml as `type: stores.events.OfficeSQLEventBroker`;
every option of Rasa's `type: SQL` broker works as before.

`publish_many` writes the events of one message in one transaction (Rasa's `publish` commits once
per event); `stores.tracker.OfficeTrackerStore` calls it in a database thread after each save."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable

import sqlalchemy as sa
from rasa.core.brokers.sql import SQLEventBroker

from stores.sqlite import engine_options, use_write_ahead_log


class OfficeSQLEventBroker(SQLEventBroker):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, **engine_options(url))
        self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        use_write_ahead_log(self.engine)

    def publish_many(self, events: Iterable[Dict[str, Any]]) -> None:
        """Publishes events in order, in one transaction (blocking: call it from a database thread)."""
        with self.session_scope() as session:
            session.add_all(
                [self.SQLBrokerEvent(sender_id=event.get("sender_id"), data=json.dumps(event)) for event in events]
            )
            session.commit()
