"""SQLite (the embedded default): WAL mode, pooled connections, database work off the event loop.

Rasa's SQL tracker store and SQL event broker commit once per message and once per event, on the
server's event loop, each time on a new SQLite connection (SQLAlchemy 1.4 gives file databases a
`NullPool`). In a py-spy profile of the Rasa process under the load benchmark's 50 users, that
database work was about half of what kept the event loop busy. So:
- WAL mode: a durable commit costs less (reports/per_message_costs.md; same durability,
  `synchronous` stays FULL), and readers (the console, the analysts' tools) no longer
  block the writer. The mode is stored in the database file, so setting it once is enough;
- connections are pooled and shared by threads (`engine_options`; `reopen` applies it and WAL);
- the stores run their transactions in threads (`in_database_thread`), so the event loop serves
  other conversations while SQLite parses, writes and waits for the disk. Reads share
  `DATABASE_THREADS`; writes to one SQLite file go through one thread of their own (`writer_for`):
  SQLite has one writer at a time, and a connection that finds the file locked sleeps in its busy
  handler between retries, so writers in several threads would only queue there, less fairly.
Other databases use `DATABASE_THREADS` for both, with their own pools.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any, Callable, Dict, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.pool import QueuePool

logger = logging.getLogger(__name__)

Result = TypeVar("Result")

# A few threads: SQLite has one writer at a time; PostgreSQL's pool (Rasa's default 50) is larger.
DATABASE_THREADS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="database")


_WRITERS: Dict[str, Executor] = {}


async def in_database_thread(function: Callable[..., Result], *args: Any, executor: Executor | None = None) -> Result:
    """Runs a blocking database call in `executor` (default `DATABASE_THREADS`) and awaits its result."""
    return await asyncio.get_running_loop().run_in_executor(
        executor or DATABASE_THREADS, functools.partial(function, *args)
    )


def writer_for(url: URL | str) -> Executor:
    """The executor for writes to a database: one thread per SQLite file, else `DATABASE_THREADS`."""
    if not is_sqlite_file(url):
        return DATABASE_THREADS
    database = str(sa.engine.make_url(url).database)
    if database not in _WRITERS:
        _WRITERS[database] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
    return _WRITERS[database]


def is_sqlite_file(url: URL | str) -> bool:
    url = sa.engine.make_url(url)
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


def engine_options(url: URL | str) -> Dict[str, Any]:
    """`create_engine` options: SQLite files get a thread-shared connection pool (instead of a new
    connection per transaction); other databases a ping before a pooled connection is reused, so
    the first message after a database restart is served instead of failing."""
    if is_sqlite_file(url):
        return {"poolclass": QueuePool, "connect_args": {"check_same_thread": False}}
    return {"pool_pre_ping": True}


def reopen(engine: sa.engine.Engine, **options: Any) -> sa.engine.Engine:
    """The engine Rasa made, disposed and made again on the same URL with `options` and
    `engine_options`, its SQLite file switched to WAL mode."""
    url = engine.url
    engine.dispose()
    engine = sa.create_engine(url, **options, **engine_options(url))
    use_write_ahead_log(engine)
    return engine


def use_write_ahead_log(engine: sa.engine.Engine) -> None:
    """Switches an SQLite database file to WAL mode (no-op for other dialects and in-memory SQLite)."""
    if not is_sqlite_file(engine.url):
        return
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    except sa.exc.SQLAlchemyError as error:  # a read-only or odd file system: slower, still correct
        logger.warning("SQLite database %s stays in rollback-journal mode: %s", engine.url.database, error)
