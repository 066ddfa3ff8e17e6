"""`python -m benchmarks.service_report`: the sample service report from the scripted conversations.

Builds a throw-away application database and tracker store from benchmarks/scripted_conversations.py,
harvests and clusters them, and writes reports/service_report_sample.html with `python -m review report`'s code.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from benchmarks.scripted_conversations import CONVERSATIONS, add_outcomes, write_events
from review.report import write_report
from services.review.clustering import recluster
from services.review.harvest import harvest
from services.review.settings import ReviewSettings
from services.storage.db import session_scope
from services.storage.migrate import upgrade_to_head

OUT = Path(__file__).resolve().parent.parent / "reports" / "service_report_sample.html"


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        app_db, events = f"sqlite:///{scratch}/app.db", f"sqlite:///{scratch}/tracker.db"
        upgrade_to_head(app_db)
        write_events(Path(scratch) / "tracker.db", CONVERSATIONS)
        add_outcomes(app_db)
        settings = ReviewSettings.load()
        with session_scope(app_db) as session:
            harvest(session, events, settings)
            recluster(session, settings.similarity)
        write_report(app_db, events, date(2026, 11, 23), date(2026, 11, 24), None, OUT)
    print(OUT)


if __name__ == "__main__":
    main()
