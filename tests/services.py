"""External services the tests need (PostgreSQL today; Redis and RabbitMQ follow the same rule).

A test that needs a service never skips when it is missing: that would let the suite pass without
testing what it claims. The local server is used when it answers; otherwise the test command
starts a throwaway PostgreSQL under `var/` with Debian's `initdb`/`pg_ctl`, and when that is not
possible either, the test fails with a message saying what to install or configure.
"""

from __future__ import annotations

import atexit
import functools
import glob
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest

from tests.stack import ROOT, free_port

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _postgres_answers(url: str) -> bool:
    import psycopg2
    from sqlalchemy.engine import make_url

    parts = make_url(url)
    try:
        psycopg2.connect(
            host=parts.host,
            port=parts.port,
            user=parts.username,
            password=parts.password,
            dbname=parts.database,
            connect_timeout=3,
        ).close()
    except psycopg2.OperationalError:
        return False
    return True


def _postgres_binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres_user(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; tests run as root in CI, so drop to the `postgres` user."""
    if os.geteuid() == 0 and shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def _start_throwaway_postgres() -> str:
    binaries = _postgres_binaries()
    if binaries is None:
        pytest.fail(
            "PostgreSQL is needed by the storage tests and none answers at "
            f"{DEFAULT_POSTGRES_URL}: start the local server, set TEST_POSTGRES_URL, or install Debian's "
            "`postgresql` package so the tests can start a throwaway one."
        )
    data = ROOT / "var" / "test-postgres"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = free_port()
    subprocess.run(
        _as_postgres_user([str(binaries / "initdb"), "-D", str(data / "db"), "-U", "postgres", "--auth=trust"]),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        _as_postgres_user(
            [
                str(binaries / "pg_ctl"),
                "-D",
                str(data / "db"),
                "-l",
                str(data / "server.log"),
                "-o",
                f"-p {port} -k {data} -c listen_addresses=127.0.0.1",
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    atexit.register(
        lambda: subprocess.run(
            _as_postgres_user([str(binaries / "pg_ctl"), "-D", str(data / "db"), "-m", "fast", "stop"]),
            capture_output=True,
        )
    )
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    for _ in range(30):
        if _postgres_answers(url):
            return url
        time.sleep(0.5)
    pytest.fail(f"the throwaway PostgreSQL under {data} did not start; see {data / 'server.log'}")


@functools.lru_cache(maxsize=1)
def postgres_admin_url() -> str:
    """URL of a PostgreSQL server where tests may create and drop their own databases."""
    url = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    if _postgres_answers(url):
        return url
    if os.environ.get("TEST_POSTGRES_URL"):
        pytest.fail(f"TEST_POSTGRES_URL={url} does not answer: start that server or unset the variable")
    return _start_throwaway_postgres()


def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty database on `postgres_admin_url()`, dropped afterwards (use with `yield from`)."""
    import uuid

    import psycopg2
    from sqlalchemy.engine import make_url

    from services.storage.db import dispose_engines

    admin = make_url(postgres_admin_url())
    connection = psycopg2.connect(
        host=admin.host, port=admin.port, user=admin.username, password=admin.password, dbname=admin.database
    )
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
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
