"""Storing the users' ratings of the service."""

from __future__ import annotations

import re
from typing import Any, Union

from sqlalchemy.orm import Session

from services.storage.db import session_scope
from services.storage.models import Rating

MIN_RATING, MAX_RATING = 1, 5


def parse_rating(value: Any) -> int | None:
    """1-5 from what a user typed or an entity value ("4", "4/5", "4 gwiazdki"); None otherwise."""
    match = re.search(r"\d+", str(value or ""))
    if not match:
        return None
    number = int(match.group())
    return number if MIN_RATING <= number <= MAX_RATING else None


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
