"""Rasa's SQL event broker (the embedded default; the scaled profile uses RabbitMQ), on SQLite in WAL
mode. Named in endpoints.yml as `type: stores.events.OfficeSQLEventBroker`; every option of Rasa's
`type: SQL` broker works as before."""

from __future__ import annotations

from typing import Any

from rasa.core.brokers.sql import SQLEventBroker

from stores.sqlite import use_write_ahead_log


class OfficeSQLEventBroker(SQLEventBroker):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        use_write_ahead_log(self.engine)
