"""Creates the scaled profile's PostgreSQL databases when missing (idempotent), then migrates the app DB.

python -m deploy.databases      # uses the settings of deploy.settings (environment)
"""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from deploy.settings import load


def ensure_database(admin_url: str, name: str) -> bool:
    """Creates database `name` on the server of `admin_url` unless it exists; True when created."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(text("select 1 from pg_database where datname = :n"), {"n": name}).first()
            if exists:
                return False
            connection.execute(text(f'create database "{name}"'))
            return True
    finally:
        engine.dispose()


def main() -> None:
    from services.storage.migrate import upgrade_to_head

    settings = load()
    for url in (settings.tracker_database_url, settings.app_database_url):
        parsed = make_url(url)
        if parsed.get_backend_name() == "postgresql":
            ensure_database(settings.postgres_admin_url, parsed.database)
    upgrade_to_head(settings.app_database_url)


if __name__ == "__main__":
    main()
