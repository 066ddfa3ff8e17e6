"""Engines and sessions for the application database.

One engine per URL per process (engines own connection pools); sessions are short-lived and
opened through `session_scope`, which commits on success and rolls back on any error.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

PROJECT_ROOT = Path(__file__).resolve().parents[2]
URL_VARIABLE = "APP_DATABASE_URL"
DEFAULT_URL = "sqlite:///var/app.db"


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else $APP_DATABASE_URL, else SQLite under the project's var/.

    A relative SQLite path is resolved against the project root (not the working directory), so
    the action server, the scripts and the tests all find the same file.
    """
    raw = url or os.environ.get(URL_VARIABLE) or DEFAULT_URL
    parsed = make_url(raw)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if not path.is_absolute():
            path = PROJECT_ROOT / path
        path.parent.mkdir(parents=True, exist_ok=True)
        parsed = parsed.set(database=str(path))
    return parsed.render_as_string(hide_password=False)


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    """SQLite ignores foreign keys unless asked, per connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


_ENGINES: Dict[str, Engine] = {}
_LOCK = threading.Lock()


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for `url` (see `database_url` for the default)."""
    resolved = database_url(url)
    with _LOCK:
        engine = _ENGINES.get(resolved)
        if engine is None:
            engine = create_engine(resolved, future=True, pool_pre_ping=True)
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _enable_sqlite_foreign_keys)
            _ENGINES[resolved] = engine
        return engine


def dispose_engines() -> None:
    """Close every pooled connection (before dropping a test database, after forking)."""
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    """A `sessionmaker` bound to the engine for `url`; objects stay readable after commit."""
    return sessionmaker(bind=get_engine(url), future=True, expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session in a transaction: committed if the block succeeds, rolled back if it raises."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
