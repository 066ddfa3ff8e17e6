"""The audit log: one row per thing a staff member did to somebody's data."""

from __future__ import annotations

from typing import List

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.accounts.models import AuditEntry


def record(session: Session, actor: str, action: str, target: str = "", detail: str | None = None) -> None:
    """Adds an entry in the caller's transaction (so the action and its record commit together)."""
    session.add(AuditEntry(actor=actor, action=action, target=target, detail=detail))


def entries(session: Session, target: str | None = None, limit: int = 200) -> List[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if target is not None:
        query = query.where(AuditEntry.target == target)
    return list(session.execute(query).scalars())
