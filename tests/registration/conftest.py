"""Databases for the storage tests: a fresh SQLite file, and a fresh database on PostgreSQL (the
local server, or a throwaway one the tests start: see tests/services.py; never skipped)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from services.storage.db import dispose_engines
from tests.services import fresh_postgres_database


def _postgres_database() -> Iterator[str]:
    yield from fresh_postgres_database("reg_test")


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
