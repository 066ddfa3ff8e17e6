"""Schema migrations of the application database, callable from code and as a script.

python -m services.storage.migrate            # upgrade $APP_DATABASE_URL to the newest schema
python -m services.storage.migrate --downgrade base
"""

from __future__ import annotations

import argparse
from pathlib import Path

from alembic import command
from alembic.config import Config

from services.storage.db import database_url, get_engine

_HERE = Path(__file__).resolve().parent
_INI = _HERE / "alembic.ini"


def alembic_config(url: str | None = None) -> Config:
    """The Alembic configuration for `url` (default: see `services.storage.db.database_url`)."""
    config = Config(str(_INI))
    config.set_main_option("script_location", str(_HERE / "migrations"))
    # ConfigParser interpolation: a '%' in a password must be doubled.
    config.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest revision of the migration scripts (a single head: migrations form one chain)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade_to_head(url: str | None = None) -> None:
    """Bring the database at `url` to the newest schema (idempotent)."""
    command.upgrade(alembic_config(url), "head")


def downgrade_to(revision: str, url: str | None = None) -> None:
    """Downgrade to `revision` ("base" drops every table of the application database)."""
    command.downgrade(alembic_config(url), revision)


def current_revision(url: str | None = None) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with get_engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def main(argv: list | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="database URL (default: $APP_DATABASE_URL or sqlite:///var/app.db)")
    parser.add_argument("--downgrade", metavar="REVISION", help="downgrade instead of upgrading to head")
    args = parser.parse_args(argv)
    if args.downgrade:
        downgrade_to(args.downgrade, args.url)
    else:
        upgrade_to_head(args.url)


if __name__ == "__main__":
    main()
