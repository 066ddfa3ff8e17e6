"""Reads Rasa's SQL tracker store (or SQL event broker): both keep an `events` table of JSON events.

Only `id`, `sender_id` and `data` are used, the columns both tables share, so the harvest and the
dashboard work from either on SQLite or PostgreSQL, without importing Rasa.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Iterator, List

from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import Engine, make_url


@dataclass(frozen=True)
class Event:
    id: int
    sender_id: str
    data: Dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.data.get("event") or "")

    @property
    def timestamp(self) -> float:
        return float(self.data.get("timestamp") or 0)


def source_label(url: str) -> str:
    """The URL without its password: the watermark's key, safe to show."""
    return make_url(url).render_as_string(hide_password=True)


def engine_for(url: str) -> Engine:
    return create_engine(url, future=True)


def _rows(engine: Engine, query: str, **params: Any) -> Iterator[Event]:
    statement = text(query)
    if "senders" in params:
        statement = statement.bindparams(bindparam("senders", expanding=True))
    with engine.connect() as connection:
        for row in connection.execute(statement, params):
            try:
                data = json.loads(row.data)
            except (TypeError, ValueError):
                continue
            yield Event(int(row.id), str(row.sender_id), data)


def last_event_id(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT COALESCE(MAX(id), 0) FROM events")).scalar() or 0)


def senders_since(engine: Engine, after_id: int, up_to_id: int) -> List[str]:
    query = text("SELECT DISTINCT sender_id FROM events WHERE id > :after AND id <= :upto ORDER BY sender_id")
    with engine.connect() as connection:
        return [str(r[0]) for r in connection.execute(query, {"after": after_id, "upto": up_to_id})]


def conversations(engine: Engine, senders: Iterable[str], up_to_id: int) -> Dict[str, List[Event]]:
    """Every event (up to `up_to_id`) of each sender, in order: earlier turns give context."""
    wanted = list(senders)
    result: Dict[str, List[Event]] = {s: [] for s in wanted}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = "SELECT id, sender_id, data FROM events WHERE sender_id IN :senders AND id <= :upto ORDER BY id"
        for event in _rows(engine, query, senders=chunk, upto=up_to_id):
            result[event.sender_id].append(event)
    return result


def all_conversations(engine: Engine) -> Dict[str, List[Event]]:
    result: Dict[str, List[Event]] = {}
    for event in _rows(engine, "SELECT id, sender_id, data FROM events ORDER BY id"):
        result.setdefault(event.sender_id, []).append(event)
    return result
