"""Login rate limit: after too many failures for a username or from an address, wait a while.

Counted in the database, so every console process sees the same counts.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from services.accounts.models import LoginAttempt
from services.storage.models import utcnow

WINDOW = timedelta(minutes=15)
MAX_FAILURES = 5


def is_locked(session: Session, username: str, address: str) -> bool:
    since = utcnow() - WINDOW
    failures = session.execute(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.attempted_at >= since,
            or_(LoginAttempt.username == username.lower(), LoginAttempt.address == address),
        )
    ).scalar_one()
    return failures >= MAX_FAILURES


def record_failure(session: Session, username: str, address: str) -> None:
    session.add(LoginAttempt(username=username.lower()[:64], address=address[:64]))
    session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < utcnow() - WINDOW))


def clear_failures(session: Session, username: str) -> None:
    session.execute(delete(LoginAttempt).where(LoginAttempt.username == username.lower()))
