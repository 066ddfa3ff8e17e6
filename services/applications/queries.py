"""The verifiers' list: filters, oldest first, and the waiting figures shown above it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Dict, List, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.applications.catalogue import pkd_section
from services.privacy import mask_email, mask_identifier
from services.storage.models import Application, ApplicationPkdCode, ApplicationStatus, utcnow

# Waiting for the office (not for the applicant, not closed).
WAITING_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW)


@dataclass(frozen=True)
class Filters:
    statuses: Sequence[ApplicationStatus] = ()
    submitted_from: date | None = None
    submitted_to: date | None = None
    language: str | None = None
    channel: str | None = None
    pkd_section: str | None = None


@dataclass
class Waiting:
    count: int = 0
    oldest_seconds: int | None = None
    oldest_reference: str | None = None


@dataclass
class Row:
    id: int
    reference: str
    status: str
    language: str
    channel: str
    applicant: str  # masked
    pesel: str  # masked
    email: str  # masked
    pkd_main: str
    pkd_section: str
    submitted_at: datetime
    waiting_seconds: int
    reviewer: str | None
    extra: Dict[str, Any] = field(default_factory=dict)


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def masked_name(first: str | None, last: str | None) -> str:
    """'Jan Kowalski' -> 'J. K***' (enough to tell rows apart, not to identify anybody)."""
    if not first and not last:
        return "(anonymised)"
    return f"{(first or '?')[:1]}. {(last or '?')[:1]}***"


def list_applications(session: Session, filters: Filters, now: datetime | None = None, limit: int = 500) -> List[Row]:
    now = now or utcnow()
    query = select(Application).order_by(Application.created_at.asc(), Application.id.asc())
    if filters.statuses:
        query = query.where(Application.status.in_(list(filters.statuses)))
    if filters.submitted_from:
        query = query.where(Application.created_at >= _start(filters.submitted_from))
    if filters.submitted_to:
        query = query.where(Application.created_at < _start(filters.submitted_to + timedelta(days=1)))
    if filters.language:
        query = query.where(Application.language == filters.language)
    if filters.channel:
        query = query.where(Application.channel == filters.channel)
    if filters.pkd_section:
        # sections are ranges of divisions: filter in Python on the main code (lists are short)
        query = query.join(ApplicationPkdCode, ApplicationPkdCode.application_id == Application.id).where(
            ApplicationPkdCode.is_main.is_(True)
        )
    rows = []
    for application in session.execute(query.limit(limit)).scalars().unique():
        section = pkd_section(application.pkd_main) or ""
        if filters.pkd_section and section != filters.pkd_section:
            continue
        rows.append(
            Row(
                id=application.id,
                reference=application.reference,
                status=application.status.value,
                language=application.language,
                channel=application.channel or "",
                applicant=masked_name(application.first_name, application.last_name),
                pesel=mask_identifier(application.pesel),
                email=mask_email(application.email),
                pkd_main=application.pkd_main or "",
                pkd_section=section,
                submitted_at=application.created_at,
                waiting_seconds=int((now - application.updated_at).total_seconds()),
                reviewer=application.reviewer,
            )
        )
    return rows


def waiting(session: Session, now: datetime | None = None) -> Waiting:
    """How many applications wait for the office, and since when the oldest waits."""
    now = now or utcnow()
    query = select(Application).where(Application.status.in_(list(WAITING_STATUSES))).order_by(Application.updated_at)
    found = list(session.execute(query).scalars())
    if not found:
        return Waiting()
    oldest = found[0]
    return Waiting(len(found), int((now - oldest.updated_at).total_seconds()), oldest.reference)


def channels(session: Session) -> List[str]:
    return sorted(c for c in session.execute(select(Application.channel).distinct()).scalars() if c)


def duration(seconds: int | None) -> str:
    """'3 d 4 h', '2 h 5 min', '7 min' – for people, not machines."""
    if seconds is None:
        return "—"
    minutes = max(0, seconds) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins} min"
    return f"{mins} min"
