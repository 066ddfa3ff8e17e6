"""Dashboard figures and harvest signals on a scripted set of conversations with known outcomes.

The conversations are written as Rasa's SQL tracker store writes them (an `events` table of JSON
events), tickets and ratings as the handoff slice stores them; then the figures, the harvest, the
report command and the console's dashboard (roles, filters, CSV) are checked against the script.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text

from services.handoff.models import HandoffTicket
from services.metrics.figures import Period, compute, to_csv
from services.review.harvest import harvest
from services.review.models import HarvestedQuestion
from services.review.settings import ReviewSettings
from services.storage.db import session_scope
from services.storage.models import Rating
from tests.console_support import ConsoleOnly, StaffClient
from tests.stack import ENV, ROOT

WARSAW = ZoneInfo("Europe/Warsaw")
PASSWORD = "secret for tests 1"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=WARSAW)


def user(text_: str, when: datetime, channel: str, intent: str, confidence: float, topic: str | None = None,
         topic_confidence: float = 0.9) -> Dict[str, Any]:  # fmt: skip
    parse: Dict[str, Any] = {"text": text_, "intent": {"name": intent, "confidence": confidence}, "entities": []}
    if topic:
        parse["response_selector"] = {
            "faq": {"response": {"intent_response_key": f"faq/{topic}", "confidence": topic_confidence}}
        }
    return {"event": "user", "timestamp": when.timestamp(), "text": text_, "input_channel": channel,
            "parse_data": parse}  # fmt: skip


def action(name: str, when: datetime) -> Dict[str, Any]:
    return {"event": "action", "timestamp": when.timestamp(), "name": name}


def bot(when: datetime, payloads: List[str] = ()) -> Dict[str, Any]:
    buttons = [{"title": p, "payload": p} for p in payloads]
    return {"event": "bot", "timestamp": when.timestamp(), "text": "...", "data": {"buttons": buttons}}


def slot(name: str, value: Any, when: datetime) -> Dict[str, Any]:
    return {"event": "slot", "timestamp": when.timestamp(), "name": name, "value": value}


def loop(name: str | None, when: datetime) -> Dict[str, Any]:
    return {"event": "active_loop", "timestamp": when.timestamp(), "name": name}


CONVERSATIONS: Dict[str, List[Dict[str, Any]]] = {
    # 23 Nov, REST: answered, contained
    "a": [user("jak założyć firmę", at(23, 9), "rest", "faq", 0.95, "register_sole_proprietorship"),
          action("utter_faq", at(23, 9))],
    # 23 Nov, socket.io: a fallback, then a handoff (ticket: fallback), rated 2
    "b": [user("asdf qwer zxcv", at(23, 10), "socketio", "nlu_fallback", 0.45),
          action("action_default_fallback", at(23, 10)),
          user("/request_human", at(23, 10, 1), "socketio", "request_human", 1.0),
          action("action_request_human", at(23, 10, 1))],
    # 24 Nov, WhatsApp: two confident VAT answers, rated 5
    "c": [user("rejestracja vat", at(24, 11), "whatsapp", "faq", 0.9, "vat_registration"),
          user("jak zostać vatowcem", at(24, 11, 5), "whatsapp", "faq", 0.9, "vat_registration")],
    # 24 Nov, REST: VAT answer, then asked for a person (ticket: user_request), rated 4
    "d": [user("vat-r gdzie złożyć", at(24, 12), "rest", "faq", 0.9, "vat_registration"),
          user("chcę rozmawiać z człowiekiem", at(24, 12, 1), "rest", "request_human", 0.97),
          action("action_request_human", at(24, 12, 1))],
    # 24 Nov, REST: registration form (a name typed), a low-confidence question naming the user,
    # a rejected "Did you mean", then "I don't have this"
    "f": [loop("registration_form", at(24, 13)), user("Zdzisław", at(24, 13, 1), "rest", "faq", 0.3, "vat_rates"),
          slot("reg_first_name", "Zdzisław", at(24, 13, 1)), loop(None, at(24, 13, 2)),
          user("czy Zdzisław z pesel 44051401359 może mieć firmę", at(24, 13, 3), "rest", "faq", 0.5, "flat_tax", 0.3),
          action("action_suggest_topics", at(24, 13, 3)), bot(at(24, 13, 3), ["Jaki jest podatek liniowy?"]),
          user("nie o to chodzi", at(24, 13, 4), "rest", "deny", 0.9),
          user("ile kosztuje licencja na taksówkę w Gdańsku", at(24, 13, 5), "rest", "faq", 0.8, "licenses_and_permits"),
          action("action_answer_unknown", at(24, 13, 5))],
    # 30 Nov: outside the period
    "e": [user("jak założyć firmę", at(30, 9), "rest", "faq", 0.95, "register_sole_proprietorship")],
}  # fmt: skip


def write_events(path: Path, conversations: Dict[str, List[Dict[str, Any]]]) -> None:
    """An `events` table as Rasa's SQLTrackerStore creates it."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
                "action_name VARCHAR(255), data TEXT)"
            )
        )
        ordered = sorted(((e["timestamp"], s, e) for s, events in conversations.items() for e in events),
                         key=lambda item: item[0])  # fmt: skip
        for _, sender, event in ordered:
            connection.execute(
                text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :t, :ts, :d)"),
                {"s": sender, "t": event["event"], "ts": event["timestamp"], "d": json.dumps(event)},
            )


def add_outcomes(app_db: str) -> None:
    utc = timezone.utc
    with session_scope(app_db) as session:
        for conversation, channel, reason, created, wait in (
            ("b", "socketio", "fallback", at(23, 10, 1), 180),
            ("d", "rest", "user_request", at(24, 12, 1), 60),
        ):
            session.add(
                HandoffTicket(
                    conversation_id=conversation, channel=channel, language="pl", reason=reason, queue="general",
                    status="closed", created_at=created.astimezone(utc),
                    taken_at=(created + timedelta(seconds=wait)).astimezone(utc),
                )
            )  # fmt: skip
        for sender, channel, value, when in (
            ("b", "socketio", 2, at(23, 10, 30)),
            ("c", "whatsapp", 5, at(24, 11, 10)),
            ("d", "rest", 4, at(24, 12, 30)),
            ("e", "rest", 1, at(30, 9, 5)),
        ):
            session.add(Rating(sender_id=sender, channel=channel, rating=value, created_at=when.astimezone(utc)))


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
