"""Alembic environment: runs migrations online against the configured URL.

The URL is set by services.storage.migrate (or read from APP_DATABASE_URL when Alembic is used
from the command line); SQLite gets batch mode so that later migrations can alter tables.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

import services.accounts.models  # noqa: F401  (registers the console tables)
import services.applications.models  # noqa: F401  (back office)
import services.handoff.models  # noqa: F401
import services.review.models  # noqa: F401
from services.storage.db import database_url
from services.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url") or database_url()
    engine = create_engine(url, poolclass=pool.NullPool, future=True)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run against a database.")
run_migrations_online()
