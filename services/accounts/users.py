"""Creating, finding and authenticating staff users."""

from __future__ import annotations

import re
from typing import Iterable, List

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.accounts.models import ROLES, StaffUser
from services.accounts.passwords import DUMMY_HASH, hash_password, password_problem, verify_password

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class AccountError(ValueError):
    """A user cannot be created or changed as asked; the message says why."""


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    queues: Iterable[str] = (),
) -> StaffUser:
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise AccountError("the username may use lower-case letters, digits, '.', '_' and '-' (2-64 characters)")
    if role not in ROLES:
        raise AccountError(f"unknown role '{role}' (use one of: {', '.join(ROLES)})")
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    if session.execute(select(StaffUser.id).where(StaffUser.username == username)).first():
        raise AccountError(f"the user '{username}' exists already")
    user = StaffUser(
        username=username,
        display_name=(display_name or username).strip()[:100],
        role=role,
        queues=",".join(q.strip() for q in queues if q.strip()),
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, username: str, password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user = find_user(session, username)
    if user is None:
        raise AccountError(f"no user '{username}'")
    user.password_hash = hash_password(password)


def find_user(session: Session, username: str) -> StaffUser | None:
    return session.execute(select(StaffUser).where(StaffUser.username == username.strip().lower())).scalar_one_or_none()


def list_users(session: Session) -> List[StaffUser]:
    return list(session.execute(select(StaffUser).order_by(StaffUser.username)).scalars())


def authenticate(session: Session, username: str, password: str) -> StaffUser | None:
    """The active user with this username and password, else None (constant work either way)."""
    user = find_user(session, username) if username else None
    if user is None or not user.active:
        verify_password(DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None
