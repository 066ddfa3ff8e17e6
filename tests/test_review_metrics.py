"""Dashboard figures and harvest signals on a scripted set of conversations with known outcomes.

The conversations are written as Rasa's SQL tracker store writes them (an `events` table of JSON
events), tickets and ratings as the handoff slice stores them; then the figures, the harvest, the
report command and the console's dashboard (roles, filters, CSV) are checked against the script.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text

from benchmarks.scripted_conversations import CONVERSATIONS, add_outcomes, at, user, write_events
from services.metrics.figures import Period, compute, to_csv
from services.review.harvest import harvest
from services.review.models import HarvestedQuestion
from services.review.settings import ReviewSettings
from services.storage.db import session_scope
from services.storage.migrate import upgrade_to_head
from tests.console_support import ConsoleOnly, StaffClient
from tests.stack import ENV, ROOT

PASSWORD = "secret for tests 1"


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleOnly]:
    workdir = tmp_path_factory.mktemp("metrics")
    write_events(workdir / "events.db", CONVERSATIONS)
    server = ConsoleOnly(workdir)
    try:
        server.start()
        add_outcomes(server.env["APP_DATABASE_URL"])
        server.add_staff("ala", PASSWORD, role="analyst")
        server.add_staff("szef", PASSWORD, role="supervisor")
        server.add_staff("kasia", PASSWORD, role="agent", queues="general")
        yield server
    finally:
        server.stop()


def test_figures_match_the_scripted_conversations(console: ConsoleOnly) -> None:
    events = console.env["EVENTS_DATABASE_URL"]
    with session_scope(console.env["APP_DATABASE_URL"]) as session:
        f = compute(session, events, Period(at(23, 0).date(), at(24, 0).date()))
        rest = compute(session, events, Period(at(23, 0).date(), at(24, 0).date(), "rest"))
    assert f.contacts == 5
    assert f.contacts_by_day_channel == {
        ("2026-11-23", "rest"): 1, ("2026-11-23", "socketio"): 1, ("2026-11-24", "whatsapp"): 1,
        ("2026-11-24", "rest"): 2,
    }  # fmt: skip
    assert f.contacts_per_day() == [("2026-11-23", 2), ("2026-11-24", 3)]
    assert (f.handoffs, f.containment, f.handoff_rate) == (2, 0.6, 0.4)
    assert f.handoff_reasons == {"fallback": 1, "user_request": 1}
    assert f.ratings == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1} and round(f.average_rating, 2) == 3.67
    # typed messages: a 1, b 1 (the button payload is not typed), c 2, d 2, f 4
    assert (f.user_messages, f.fallbacks) == (10, 1)
    assert f.top_topics[0] == ("vat_registration", 3)
    assert (f.first_response_mean, f.first_response_median) == (120, 120)
    assert rest.contacts == 3 and rest.handoffs == 1 and rest.ratings[4] == 1 and rest.rating_count == 1
    rows = list(csv.reader(io.StringIO(to_csv(f))))
    assert ["containment_percent", "", "60.0"] in rows and ["handoff_reasons", "fallback", "1"] in rows


def test_harvest_signals_masking_and_watermark(console: ConsoleOnly) -> None:
    events = console.env["EVENTS_DATABASE_URL"]
    settings = ReviewSettings(spot_check_rate=0.0)
    with session_scope(console.env["APP_DATABASE_URL"]) as session:
        result = harvest(session, events, settings)
        found = {q.text: set(q.reasons.split(",")) for q in session.query(HarvestedQuestion)}
        senders = {q.conversation_id for q in session.query(HarvestedQuestion)}
    assert result.new_questions == len(found)
    assert found["asdf qwer zxcv"] == {"fallback", "low_confidence", "before_handoff", "low_rating"}
    assert found["vat-r gdzie złożyć"] == {"before_handoff"}
    assert found["czy [NAME] z pesel [PESEL] może mieć firmę"] == {"low_confidence", "rejected_suggestion", "fallback"}
    assert found["ile kosztuje licencja na taksówkę w Gdańsku"] == {"unknown_answer"}
    assert "Zdzisław" not in found  # typed into the form: an answer, not a question
    assert not any("44051401359" in t or "Zdzisław" in t for t in found)
    assert "a" not in senders and "c" not in senders  # confident answers, no spot check at rate 0
    assert found["jak założyć firmę"] == {"low_rating"}  # conversation "e", rated 1
    # incremental: a second harvest reads nothing new; a new event in "c" brings only its new question
    with session_scope(console.env["APP_DATABASE_URL"]) as session:
        assert harvest(session, events, settings).new_questions == 0
    write_events(
        Path(events.removeprefix("sqlite:///")),
        {"c": [user("a co z vat na usługi", at(25, 9), "rest", "faq", 0.4, "vat_rates")]},
    )
    with session_scope(console.env["APP_DATABASE_URL"]) as session:
        again = harvest(session, events, settings)
    assert (again.conversations, again.new_questions) == (1, 1)


def test_dashboard_roles_filters_csv_and_report(console: ConsoleOnly, tmp_path: Path) -> None:
    agent = StaffClient(console.url)
    agent.login("kasia", PASSWORD)
    assert agent.get("/dashboard").status_code == 403 and agent.get("/review/").status_code == 403
    boss = StaffClient(console.url)
    boss.login("szef", PASSWORD)
    assert boss.get("/review/").status_code == 403
    page = boss.get("/dashboard?from=2026-11-23&to=2026-11-24&channel=rest")
    assert page.status_code == 200
    assert 'id="f-contacts">3<' in page.text and "<svg" in page.text and "vat_registration" in page.text
    exported = boss.get("/dashboard.csv?from=2026-11-23&to=2026-11-24")
    assert exported.headers["content-type"].startswith("text/csv")
    assert ["contacts", "total", "5"] in list(csv.reader(io.StringIO(exported.text)))
    bad = boss.get("/dashboard?from=yesterday")
    assert bad.status_code == 200 and "Dates must look like" in bad.text
    analyst = StaffClient(console.url)
    analyst.login("ala", PASSWORD)
    assert analyst.get("/dashboard").status_code == 200 and analyst.get("/review/").status_code == 200
    out = tmp_path / "report.html"
    subprocess.run(
        [sys.executable, "-m", "review", "--events", console.env["EVENTS_DATABASE_URL"], "report",
         "--from", "2026-11-23", "--to", "2026-11-24", "--out", str(out)],
        cwd=ROOT, env={**ENV, "APP_DATABASE_URL": console.env["APP_DATABASE_URL"]}, check=True,
    )  # fmt: skip
    report = out.read_text("utf-8")
    assert 'id="f-contacts">5<' in report and "60.0 %" in report and "<script" not in report


def test_harvest_reads_a_postgresql_tracker_store(tmp_path: Path) -> None:
    """The same harvest from Rasa's SQL tracker store on PostgreSQL (a database of its own, dropped after)."""
    admin_url = "postgresql://postgres@127.0.0.1:5432/postgres"
    name = f"review_test_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
    except Exception as error:  # noqa: BLE001  (any driver error means the server is unusable)
        pytest.fail(f"PostgreSQL at 127.0.0.1:5432 is required for this test: {error}")
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    app_db = f"sqlite:///{tmp_path / 'app.db'}"
    try:
        upgrade_to_head(app_db)
        write_events(url, CONVERSATIONS)
        with session_scope(app_db) as session:
            result = harvest(session, url, ReviewSettings(spot_check_rate=0.0))
            texts = {q.text for q in session.query(HarvestedQuestion)}
        # no ratings in this application database: conversation "e" (rated 1 elsewhere) is not harvested
        assert result.new_questions == 4 and "czy [NAME] z pesel [PESEL] może mieć firmę" in texts
        assert result.source.startswith("postgresql://postgres@127.0.0.1:5432/")
    finally:
        create_engine(url).dispose()
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
