"""Retention job: anonymise applications closed longer ago than the office's retention period.

    python -m services.storage.retention --days 365     # run daily, e.g. from cron or a systemd timer

The reference number, status history, dates, PKD codes and tax/ZUS choices stay (statistics);
names, PESEL, contact data, addresses, business name, NIP and REGON are erased.
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import List

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from services.storage.applications import anonymise_closed_applications
from services.storage.db import database_url, session_scope


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, required=True, help="keep personal data this many days after closing")
    parser.add_argument("--url", help="database URL (default: $APP_DATABASE_URL or sqlite:///var/app.db)")
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be at least 1")
    try:
        with session_scope(args.url) as session:
            count = anonymise_closed_applications(session, timedelta(days=args.days))
    except SQLAlchemyError as error:
        where = make_url(database_url(args.url)).render_as_string(hide_password=True)
        print(
            f"retention failed on {where}: {type(error).__name__} "
            f"(is the schema migrated? python -m services.storage.migrate)"
        )
        return 1
    print(f"anonymised {count} closed application(s) older than {args.days} days")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
