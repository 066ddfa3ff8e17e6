"""A conversation's transcript as the console shows it, read from Rasa's SQL event broker table.

Rasa's SQL event broker writes every tracker event of every Rasa instance to one table
(`events`: id, sender_id, data as JSON), so the console sees new messages whichever instance
handled them. Only the parts a person reads are kept: user and bot messages, pause and resume.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, Dict, List, Tuple

from sqlalchemy import text
from sqlalchemy.exc import OperationalError, ProgrammingError

from services.privacy import redact
from services.storage.db import get_engine

AGENT_MARK = "handoff_agent"  # bot events sent by a consultant carry {"handoff_agent": name} in metadata


@dataclass(frozen=True)
class Line:
    id: int
    who: str  # user | bot | agent | system
    text: str
    timestamp: float
    name: str = ""  # the consultant's name for `agent` lines; the intent for `user` lines
    intent: str = ""

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)


def line_from_event(event_id: int, event: Dict[str, Any]) -> Line | None:
    kind = event.get("event")
    stamp = float(event.get("timestamp") or 0)
    if kind == "user":
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
        words = str(event.get("text") or "")
        if words.startswith("/"):  # a button click: its payload is not what the user read
            words = f"[button: {intent or words[1:]}]"
        return Line(event_id, "user", words, stamp, intent=intent)
    if kind == "bot":
        metadata = event.get("metadata") or {}
        words = str(event.get("text") or "")
        if not words:
            return None
        if metadata.get(AGENT_MARK):
            return Line(event_id, "agent", words, stamp, name=str(metadata[AGENT_MARK]))
        return Line(event_id, "bot", words, stamp)
    if kind == "pause":
        return Line(event_id, "system", "bot paused", stamp)
    if kind == "resume":
        return Line(event_id, "system", "bot resumed", stamp)
    return None


def _rows(url: str, sql: str, params: Dict[str, Any]) -> List[Tuple[int, str, str]]:
    try:
        with get_engine(url).connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), params)]
    except (OperationalError, ProgrammingError):  # Rasa has not created the table yet
        return []


def transcript(url: str, conversation_id: str, after: int = 0, limit: int = 1000) -> List[Line]:
    """The conversation's readable lines with an event id above `after`, oldest first."""
    rows = _rows(
        url,
        "SELECT id, sender_id, data FROM events WHERE sender_id = :sender AND id > :after ORDER BY id LIMIT :limit",
        {"sender": conversation_id, "after": after, "limit": limit},
    )
    lines = []
    for event_id, _sender, data in rows:
        try:
            line = line_from_event(event_id, json.loads(data))
        except ValueError:
            continue
        if line:
            lines.append(line)
    return lines


def new_events(url: str, after: int, limit: int = 500) -> List[Tuple[int, str, Dict[str, Any]]]:
    """Every conversation's events after `after` (for the watcher): (id, conversation id, event)."""
    result = []
    for event_id, sender, data in _rows(
        url,
        "SELECT id, sender_id, data FROM events WHERE id > :after ORDER BY id LIMIT :limit",
        {"after": after, "limit": limit},
    ):
        try:
            result.append((event_id, sender, json.loads(data)))
        except ValueError:
            continue
    return result


def last_event_id(url: str) -> int:
    rows = _rows(url, "SELECT MAX(id), '', '' FROM events", {})
    return int(rows[0][0] or 0) if rows else 0


def masked(lines: List[Line]) -> List[Line]:
    """The same lines with PESEL, NIP, phone numbers and e-mail addresses masked (queue preview)."""
    return [Line(ln.id, ln.who, redact(ln.text), ln.timestamp, ln.name, ln.intent) for ln in lines]
