"""Server-side login sessions: the browser holds a random token, the database its hash and CSRF token.

Kept in the application database (not in process memory), so several console processes behind a
load balancer share them and a restart does not log anybody out.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.accounts.models import StaffSession, StaffUser
from services.storage.models import utcnow

SESSION_LIFETIME = timedelta(hours=10)  # one working day


@dataclass(frozen=True)
class LoggedIn:
    """What a request knows about its user (plain values, usable after the DB session closes)."""

    user_id: int
    username: str
    display_name: str
    role: str
    queues: tuple
    csrf_token: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: StaffUser) -> tuple[str, str]:
    """A new session for `user`: (cookie token, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        StaffSession(token_hash=_hash(token), user_id=user.id, csrf_token=csrf, expires_at=utcnow() + SESSION_LIFETIME)
    )
    session.execute(delete(StaffSession).where(StaffSession.expires_at < utcnow()))
    return token, csrf


def current_user(session: Session, token: str | None) -> LoggedIn | None:
    """The logged-in user of a cookie token, or None when missing, unknown, expired or deactivated."""
    if not token:
        return None
    row = session.execute(
        select(StaffSession, StaffUser)
        .join(StaffUser, StaffUser.id == StaffSession.user_id)
        .where(StaffSession.token_hash == _hash(token))
    ).first()
    if row is None:
        return None
    staff_session, user = row
    if staff_session.expires_at < utcnow() or not user.active:
        return None
    return LoggedIn(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        queues=tuple(user.queue_list),
        csrf_token=staff_session.csrf_token,
    )


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(StaffSession).where(StaffSession.token_hash == _hash(token)))
