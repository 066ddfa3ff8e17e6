"""Databases for the storage tests: a fresh SQLite file, and a fresh database on PostgreSQL (the
local server, or a throwaway one the tests start: see tests/services.py; never skipped)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Iterator

import pytest

from services.storage.db import dispose_engines
from tests.services import postgres_admin_url


def _postgres_database() -> Iterator[str]:
    import psycopg2
    from sqlalchemy.engine import make_url

    admin = make_url(postgres_admin_url())
    connection = psycopg2.connect(
        host=admin.host,
        port=admin.port,
        user=admin.username,
        password=admin.password,
        dbname=admin.database,
        connect_timeout=3,
    )
    name = f"reg_test_{uuid.uuid4().hex[:10]}"
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        dispose_engines()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.db'}"
        dispose_engines()
    else:
        yield from _postgres_database()


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    """An application database at the newest schema."""
    from services.storage.migrate import upgrade_to_head

    upgrade_to_head(empty_db_url)
    return empty_db_url
