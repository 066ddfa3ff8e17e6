"""SQLite (the embedded default) in write-ahead-log mode.

Rasa's SQL tracker store and SQL event broker commit once per message and once per event, on the
server's event loop. In SQLite's default rollback-journal mode a durable commit cost about 1 ms on
this machine, in WAL mode about 0.4 ms (reports/per_message_costs.md; same durability: `synchronous`
stays FULL); readers (the console, the analysts' tools) no longer block the writer either. The mode
is stored in the database file, so setting it once is enough. Other databases are left alone.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

logger = logging.getLogger(__name__)


def use_write_ahead_log(engine: sa.engine.Engine) -> None:
    """Switches an SQLite database file to WAL mode (no-op for other dialects and in-memory SQLite)."""
    if engine.dialect.name != "sqlite" or not engine.url.database:
        return
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    except sa.exc.SQLAlchemyError as error:  # a read-only or odd file system: slower, still correct
        logger.warning("SQLite database %s stays in rollback-journal mode: %s", engine.url.database, error)
