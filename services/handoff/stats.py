"""Figures for the supervisor: queue length, waiting times, sessions per agent, today's outcomes."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Dict
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.handoff.models import HandoffTicket
from services.storage.models import utcnow


@dataclass
class Overview:
    waiting: int
    waiting_by_queue: Dict[str, int]
    median_wait_minutes: float
    longest_wait_minutes: float
    active_by_agent: Dict[str, int]
    handled_today: int
    abandoned_today: int
    messages_waiting: int
    ratings_today: Dict[str, float] = field(default_factory=dict)


def overview(session: Session, timezone: str = "Europe/Warsaw") -> Overview:
    now = utcnow()
    zone = ZoneInfo(timezone)
    midnight = datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone)
    waiting = list(
        session.execute(
            select(HandoffTicket).where(HandoffTicket.status == "waiting", HandoffTicket.kind == "live")
        ).scalars()
    )
    waits = [(now - t.created_at).total_seconds() / 60 for t in waiting]
    by_queue: Dict[str, int] = {}
    for ticket in waiting:
        by_queue[ticket.queue] = by_queue.get(ticket.queue, 0) + 1
    active = dict(
        session.execute(
            select(HandoffTicket.assigned_agent, func.count(HandoffTicket.id))
            .where(HandoffTicket.status == "active")
            .group_by(HandoffTicket.assigned_agent)
        ).all()
    )

    def closed_today(status: str) -> int:
        return session.execute(
            select(func.count(HandoffTicket.id)).where(
                HandoffTicket.status == status, HandoffTicket.closed_at >= midnight
            )
        ).scalar_one()

    ratings = [
        r
        for (r,) in session.execute(
            select(HandoffTicket.rating).where(HandoffTicket.rated_at >= midnight, HandoffTicket.rating.is_not(None))
        ).all()
    ]
    messages = session.execute(
        select(func.count(HandoffTicket.id)).where(HandoffTicket.status == "waiting", HandoffTicket.kind != "live")
    ).scalar_one()
    return Overview(
        waiting=len(waiting),
        waiting_by_queue=by_queue,
        median_wait_minutes=round(statistics.median(waits), 1) if waits else 0.0,
        longest_wait_minutes=round(max(waits), 1) if waits else 0.0,
        active_by_agent=active,
        handled_today=closed_today("closed"),
        abandoned_today=closed_today("abandoned"),
        messages_waiting=messages,
        ratings_today={"count": len(ratings), "average": round(statistics.mean(ratings), 2)} if ratings else {},
    )
