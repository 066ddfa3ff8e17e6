"""A scripted set of conversations with known outcomes, for the dashboard's tests and sample report.

The conversations are written as Rasa's SQL tracker store writes them (an `events` table of JSON
events); tickets and ratings as the handoff slice stores them. `python -m benchmarks.service_report`
turns them into reports/service_report_sample.html.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text

from services.handoff.models import HandoffTicket
from services.storage.db import session_scope
from services.storage.models import Rating

WARSAW = ZoneInfo("Europe/Warsaw")


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


def write_events(where: Path | str, conversations: Dict[str, List[Dict[str, Any]]]) -> None:
    """An `events` table as Rasa's SQLTrackerStore creates it (`where`: a SQLite file or a database URL)."""
    engine = create_engine(where if isinstance(where, str) else f"sqlite:///{where}")
    key = "SERIAL PRIMARY KEY" if engine.dialect.name == "postgresql" else "INTEGER PRIMARY KEY"
    with engine.begin() as connection:
        connection.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS events (id {key}, sender_id VARCHAR(255) NOT NULL, "
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
