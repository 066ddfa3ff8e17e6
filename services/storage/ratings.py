"""Storing the users' ratings of the service."""

from __future__ import annotations

from typing import Union

from sqlalchemy.orm import Session

from services.storage.db import session_scope
from services.storage.models import Rating

MIN_RATING, MAX_RATING = 1, 5


def _checked_rating(rating: Union[int, str]) -> int:
    try:
        value = int(str(rating).strip())
    except ValueError:
        raise ValueError(f"rating must be a whole number {MIN_RATING}-{MAX_RATING}, got {rating!r}") from None
    if not MIN_RATING <= value <= MAX_RATING:
        raise ValueError(f"rating must be between {MIN_RATING} and {MAX_RATING}, got {value}")
    return value


def save_rating(
    session: Session | None,
    sender_id: str,
    rating: Union[int, str],
    channel: str | None,
    comment: str | None = None,
) -> Rating:
    """Store one rating (1-5). With `session=None`, uses its own transaction on the default database.

    Raises ValueError for a rating outside 1-5, before touching the database.
    """
    row = Rating(
        sender_id=sender_id, channel=channel, rating=_checked_rating(rating), comment=(comment or "").strip() or None
    )
    if session is None:
        with session_scope() as own_session:
            own_session.add(row)
        return row
    session.add(row)
    session.flush()
    return row
