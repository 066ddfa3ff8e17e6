"""Tickets, the race to take one, the supervisor's figures, the transcript reader, "never mind"."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Iterator, List

import pytest
from sqlalchemy import create_engine, text, update

from services.handoff import stats, tickets
from services.handoff.cancel import is_cancel_request
from services.handoff.models import HandoffTicket
from services.handoff.queue import estimate_wait
from services.handoff.transcript import masked, transcript
from services.storage.db import dispose_engines, session_scope
from services.storage.migrate import downgrade_to, upgrade_to_head
from services.storage.models import utcnow
from tests.concurrency import at_once
from tests.services import fresh_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An application database at the newest schema; PostgreSQL must be running (no skip)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'app.db'}"
        upgrade_to_head(url)
        yield url
        dispose_engines()
        return
    for url in fresh_postgres_database("handoff_test"):
        upgrade_to_head(url)
        yield url


def new_ticket(url: str, conversation: str = "c1", queue: str = "general", **fields) -> int:
    with session_scope(url) as session:
        return tickets.open_ticket(session, conversation, "socketio", "pl", "user_request", queue, **fields).id


def race(db: str, ticket_id: int, agents: tuple) -> List[bool]:
    """Every agent calls `take` at the same moment, each with its own connection."""

    def take(agent: str) -> bool:
        with session_scope(db) as session:
            return tickets.take(session, ticket_id, agent)

    return at_once([lambda agent=agent: take(agent) for agent in agents])


def test_two_agents_taking_at_once_exactly_one_wins(db: str) -> None:
    for attempt in range(5):
        ticket_id = new_ticket(db, f"race-{attempt}")
        assert sorted(race(db, ticket_id, ("anna", "piotr"))) == [False, True]
        with session_scope(db) as session:
            ticket = tickets.get(session, ticket_id)
            assert ticket.status == "active" and ticket.assigned_agent in ("anna", "piotr")


def test_life_of_a_ticket_and_the_guards_on_each_step(db: str) -> None:
    ticket_id = new_ticket(db, form_progress={"reg_first_name": "Jan"})
    with session_scope(db) as session:
        assert not tickets.close(session, ticket_id, "anna")  # nobody took it yet
        assert tickets.take(session, ticket_id, "anna")
        assert not tickets.abandon(session, ticket_id)  # too late to cancel: a consultant is talking
        assert not tickets.close(session, ticket_id, "piotr")  # not Piotr's
        assert not tickets.rate(session, ticket_id, 5)  # not closed yet
        assert tickets.close(session, ticket_id, "anna")
        assert tickets.rate(session, ticket_id, 4)
        assert not tickets.rate(session, ticket_id, 1)  # once
        ticket = tickets.get(session, ticket_id)
        assert (ticket.status, ticket.rating) == ("closed", 4)
        assert ticket.taken_at <= ticket.closed_at <= ticket.rated_at
        assert tickets.form_progress(ticket) == {"reg_first_name": "Jan"}
        with pytest.raises(ValueError):
            tickets.rate(session, ticket_id, 6)


def test_queue_order_position_and_supervisor_figures(db: str) -> None:
    first, second = new_ticket(db, "a"), new_ticket(db, "b")
    english = new_ticket(db, "c", queue="english")
    message = new_ticket(db, "d", kind="message", message="proszę o kontakt")
    gone = new_ticket(db, "e")
    with session_scope(db) as session:
        session.execute(
            update(HandoffTicket).where(HandoffTicket.id == first).values(created_at=utcnow() - timedelta(minutes=10))
        )
        assert [t.id for t in tickets.waiting(session, ["general"])] == [first, second, message, gone]
        assert tickets.wait_for(session, tickets.get(session, second)).position == 2
        assert tickets.wait_for(session, tickets.get(session, english)).position == 1
        assert tickets.abandon(session, gone)
        assert tickets.take(session, english, "anna")
    with session_scope(db) as session:
        figures = stats.overview(session)
    assert figures.waiting == 2 and figures.waiting_by_queue == {"general": 2}
    assert 9.9 <= figures.longest_wait_minutes <= 11 and figures.median_wait_minutes >= 4.9
    assert figures.active_by_agent == {"anna": 1}
    assert figures.abandoned_today == 1 and figures.handled_today == 0
    assert figures.messages_waiting == 1 and message


def test_expected_wait_grows_with_the_queue_and_shrinks_with_agents() -> None:
    assert estimate_wait(1, 6, 1).minutes == 1
    assert estimate_wait(3, 6, 1).minutes == 13
    assert estimate_wait(3, 6, 2).minutes == 7
    assert estimate_wait(3, None, 0).minutes == 13  # default handling time, at least one agent


def test_migration_downgrade_removes_the_console_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    upgrade_to_head(url)
    downgrade_to("0001", url)
    engine = create_engine(url)
    with engine.connect() as connection:
        names = {row[0] for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
    engine.dispose()
    assert "handoff_tickets" not in names and "staff_users" not in names and "applications" in names
    upgrade_to_head(url)


def test_transcript_from_the_sql_event_broker_table_masks_personal_data_for_previews(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), data TEXT)"))
        rows = [
            ("s1", {"event": "user", "text": "mój PESEL 44051401359, mail jan@example.com", "timestamp": 1.0}),
            ("s1", {"event": "bot", "text": "Łączę z konsultantem.", "metadata": {"utter_action": "x"}}),
            ("s2", {"event": "user", "text": "other conversation"}),
            ("s1", {"event": "user", "text": "/greet", "parse_data": {"intent": {"name": "greet"}}}),
            ("s1", {"event": "pause"}),
            ("s1", {"event": "bot", "text": "Dzień dobry, tu Anna", "metadata": {"handoff_agent": "Anna"}}),
            ("s1", {"event": "slot", "name": "x", "value": 1}),
        ]
        for sender, data in rows:
            connection.execute(
                text("INSERT INTO events (sender_id, data) VALUES (:s, :d)"), {"s": sender, "d": json.dumps(data)}
            )
    engine.dispose()
    lines = transcript(url, "s1")
    assert [(line.who, line.text) for line in lines] == [
        ("user", "mój PESEL 44051401359, mail jan@example.com"),
        ("bot", "Łączę z konsultantem."),
        ("user", "[button: greet]"),
        ("system", "bot paused"),
        ("agent", "Dzień dobry, tu Anna"),
    ]
    assert lines[-1].name == "Anna"
    preview = masked(lines)[0].text
    assert "44051401359" not in preview and "*********59" in preview and "j***@example.com" in preview
    assert [line.id for line in transcript(url, "s1", after=lines[2].id)] == [lines[3].id, lines[4].id]
    assert transcript(f"sqlite:///{tmp_path / 'missing.db'}", "s1") == []  # broker not started yet


@pytest.mark.parametrize(
    ("message", "intent", "cancel"),
    [
        ("jednak nie", None, True),
        ("Jednak nie!", "deny", True),
        ("never mind", None, True),
        ("/handoff_cancel", "handoff_cancel", True),
        ("nie chcę już czekać", "handoff_cancel", True),
        ("nie", "deny", False),
        ("a jednak nie wiem, co wpisać", "faq", False),
    ],
)
def test_never_mind_while_waiting(message: str, intent: str | None, cancel: bool) -> None:
    assert is_cancel_request(message, intent) is cancel
