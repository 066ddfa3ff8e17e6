"""Handoff tickets: open, take (one agent wins), close, abandon, rate, and what the queue looks like.

Every state change is one conditional UPDATE (`... WHERE status = 'waiting'`), so two agents
clicking "take" at once, or a user cancelling while an agent takes, resolve in the database: the
statement that changes a row wins, the other changes nothing and is told so.
"""

from __future__ import annotations

import json
import statistics
from datetime import timedelta
from typing import Any, Dict, Iterable, List

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services.handoff.models import KINDS, QUEUES, REASONS, HandoffTicket
from services.handoff.queue import WaitEstimate, estimate_wait
from services.storage.models import utcnow

OPEN_STATUSES = ("waiting", "active")


def open_ticket(
    session: Session,
    conversation_id: str,
    channel: str,
    language: str,
    reason: str,
    queue: str,
    kind: str = "live",
    last_question: str | None = None,
    form_progress: Dict[str, Any] | None = None,
    meeting_url: str | None = None,
    message: str | None = None,
) -> HandoffTicket:
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    ticket = HandoffTicket(
        conversation_id=conversation_id,
        channel=channel or "unknown",
        language=language,
        reason=reason if reason in REASONS else "user_request",
        queue=queue,
        kind=kind,
        status="waiting",
        last_question=(last_question or None),
        form_progress=json.dumps(form_progress, ensure_ascii=False) if form_progress else None,
        meeting_url=meeting_url,
        message=message,
    )
    session.add(ticket)
    session.flush()
    return ticket


def open_ticket_of(session: Session, conversation_id: str) -> HandoffTicket | None:
    """The conversation's waiting or active live ticket, if any."""
    return session.execute(
        select(HandoffTicket)
        .where(
            HandoffTicket.conversation_id == conversation_id,
            HandoffTicket.kind == "live",
            HandoffTicket.status.in_(OPEN_STATUSES),
        )
        .order_by(HandoffTicket.id.desc())
    ).scalar()


def get(session: Session, ticket_id: int) -> HandoffTicket | None:
    return session.get(HandoffTicket, ticket_id)


def take(session: Session, ticket_id: int, agent: str) -> bool:
    """Assigns a waiting ticket to `agent`; False when somebody else was faster (or it was cancelled)."""
    result = session.execute(
        update(HandoffTicket)
        .where(HandoffTicket.id == ticket_id, HandoffTicket.status == "waiting")
        .values(status="active", assigned_agent=agent, taken_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def close(session: Session, ticket_id: int, agent: str | None = None) -> bool:
    """Closes an active ticket (of `agent`, when given) or a waiting callback/message ticket."""
    conditions = [HandoffTicket.id == ticket_id, HandoffTicket.status.in_(OPEN_STATUSES)]
    if agent is not None:
        conditions.append((HandoffTicket.assigned_agent == agent) | (HandoffTicket.kind != "live"))
    result = session.execute(
        update(HandoffTicket)
        .where(*conditions)
        .values(status="closed", closed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def abandon(session: Session, ticket_id: int) -> bool:
    """The user gave up waiting ("never mind"); only a ticket nobody took yet."""
    result = session.execute(
        update(HandoffTicket)
        .where(HandoffTicket.id == ticket_id, HandoffTicket.status == "waiting")
        .values(status="abandoned", closed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def rate(session: Session, ticket_id: int, rating: int) -> bool:
    """Stores the user's 1-5 rating of the consultant on a closed ticket (once)."""
    if not 1 <= int(rating) <= 5:
        raise ValueError("rating must be 1-5")
    result = session.execute(
        update(HandoffTicket)
        .where(HandoffTicket.id == ticket_id, HandoffTicket.status == "closed", HandoffTicket.rating.is_(None))
        .values(rating=int(rating), rated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def waiting(session: Session, queues: Iterable[str] | None = None) -> List[HandoffTicket]:
    """Waiting tickets, oldest first (of the given queues only, when given)."""
    query = (
        select(HandoffTicket)
        .where(HandoffTicket.status == "waiting")
        .order_by(HandoffTicket.created_at, HandoffTicket.id)
    )
    if queues is not None:
        query = query.where(HandoffTicket.queue.in_(list(queues)))
    return list(session.execute(query).scalars())


def active_of(session: Session, agent: str) -> List[HandoffTicket]:
    return list(
        session.execute(
            select(HandoffTicket)
            .where(HandoffTicket.status == "active", HandoffTicket.assigned_agent == agent)
            .order_by(HandoffTicket.taken_at)
        ).scalars()
    )


def handling_minutes(session: Session, days: int = 7) -> float | None:
    """Median minutes from take to close of recent live tickets (None without history)."""
    rows = session.execute(
        select(HandoffTicket.taken_at, HandoffTicket.closed_at).where(
            HandoffTicket.kind == "live",
            HandoffTicket.status == "closed",
            HandoffTicket.taken_at.is_not(None),
            HandoffTicket.closed_at >= utcnow() - timedelta(days=days),
        )
    ).all()
    durations = [(closed - taken).total_seconds() / 60 for taken, closed in rows if closed and taken]
    return statistics.median(durations) if durations else None


def agents_busy(session: Session) -> int:
    return session.execute(
        select(func.count(func.distinct(HandoffTicket.assigned_agent))).where(HandoffTicket.status == "active")
    ).scalar_one()


def wait_for(session: Session, ticket: HandoffTicket) -> WaitEstimate:
    """The ticket's place in its queue (live tickets only) and the expected wait."""
    ahead = session.execute(
        select(func.count(HandoffTicket.id)).where(
            HandoffTicket.status == "waiting",
            HandoffTicket.kind == "live",
            HandoffTicket.queue == ticket.queue,
            HandoffTicket.id < ticket.id,
        )
    ).scalar_one()
    return estimate_wait(ahead + 1, handling_minutes(session), agents_busy(session))


def form_progress(ticket: HandoffTicket) -> Dict[str, Any]:
    try:
        return json.loads(ticket.form_progress) if ticket.form_progress else {}
    except ValueError:
        return {}
