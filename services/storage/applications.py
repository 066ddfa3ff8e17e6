"""Storing registration applications, their status, and the status check with a second factor."""

from __future__ import annotations

import enum
import hmac
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Dict, FrozenSet, List, Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.storage.models import (
    CLOSED_STATUSES,
    PERSONAL_COLUMNS,
    Application,
    ApplicationPkdCode,
    ApplicationStatus,
    ApplicationStatusChange,
    TaxForm,
    ZusOption,
    utcnow,
)
from services.storage.reference_numbers import new_reference, parse_reference

# Status checks: after this many wrong second factors the reference is locked for a while.
MAX_STATUS_CHECK_FAILURES = 5
STATUS_CHECK_LOCK = timedelta(minutes=30)
SECOND_FACTOR_DIGITS = 4  # the last digits of the applicant's PESEL
_REFERENCE_ATTEMPTS = 5

ALLOWED_TRANSITIONS: Dict[ApplicationStatus, FrozenSet[ApplicationStatus]] = {
    ApplicationStatus.SUBMITTED: frozenset({ApplicationStatus.IN_REVIEW, ApplicationStatus.REJECTED}),
    ApplicationStatus.IN_REVIEW: frozenset(
        {ApplicationStatus.NEEDS_INFORMATION, ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED}
    ),
    ApplicationStatus.NEEDS_INFORMATION: frozenset({ApplicationStatus.IN_REVIEW, ApplicationStatus.REJECTED}),
    ApplicationStatus.ACCEPTED: frozenset(),
    ApplicationStatus.REJECTED: frozenset(),
}


@dataclass(frozen=True)
class AddressData:
    street: str
    number: str
    postal_code: str
    city: str


@dataclass(frozen=True)
class ApplicationData:
    """Everything the form collected, already validated and normalised."""

    first_name: str
    last_name: str
    pesel: str
    email: str
    phone: str
    residence: AddressData
    business: AddressData
    business_same_as_residence: bool
    business_name: str
    pkd_main: str
    start_date: date
    tax_form: TaxForm
    zus_option: ZusOption
    language: str
    pkd_extra: Sequence[str] = field(default_factory=tuple)
    nip: str | None = None
    regon: str | None = None
    channel: str | None = None
    sender_id: str | None = None


class InvalidStatusTransition(ValueError):
    """The office tried to move an application to a status not reachable from its current one."""


class StatusCheckOutcome(str, enum.Enum):
    FOUND = "found"
    NOT_FOUND = "not_found"  # also for a wrong second factor: the caller must not tell them apart
    LOCKED = "locked"


@dataclass(frozen=True)
class StatusCheck:
    outcome: StatusCheckOutcome
    status: ApplicationStatus | None = None
    updated_at: datetime | None = None
    reference: str | None = None


def _address_columns(prefix: str, address: AddressData) -> Dict[str, str]:
    return {
        f"{prefix}_street": address.street,
        f"{prefix}_number": address.number,
        f"{prefix}_postal_code": address.postal_code,
        f"{prefix}_city": address.city,
    }


def _pkd_rows(main: str, extra: Sequence[str]) -> List[ApplicationPkdCode]:
    codes = [main] + [code for code in dict.fromkeys(extra) if code != main]
    return [ApplicationPkdCode(code=code, is_main=index == 0, position=index) for index, code in enumerate(codes)]


def submit_application(session: Session, data: ApplicationData, now: datetime | None = None) -> Application:
    """Store a new application with status `submitted` and a unique reference number.

    A reference collision (one in 10^8 per year) is retried inside a savepoint, so the caller's
    transaction survives it.
    """
    now = now or utcnow()
    for _ in range(_REFERENCE_ATTEMPTS):
        application = Application(
            reference=new_reference(now.year),
            status=ApplicationStatus.SUBMITTED,
            language=data.language,
            channel=data.channel,
            sender_id=data.sender_id,
            first_name=data.first_name,
            last_name=data.last_name,
            pesel=data.pesel,
            email=data.email,
            phone=data.phone,
            business_same_as_residence=data.business_same_as_residence,
            business_name=data.business_name,
            start_date=data.start_date,
            tax_form=data.tax_form,
            zus_option=data.zus_option,
            nip=data.nip,
            regon=data.regon,
            created_at=now,
            updated_at=now,
            status_check_failures=0,
            **_address_columns("residence", data.residence),
            **_address_columns("business", data.business),
        )
        application.pkd_codes = _pkd_rows(data.pkd_main, data.pkd_extra)
        application.status_changes = [
            ApplicationStatusChange(
                from_status=None, to_status=ApplicationStatus.SUBMITTED, changed_by="assistant", changed_at=now
            )
        ]
        try:
            with session.begin_nested():
                session.add(application)
            return application
        except IntegrityError:
            if find_by_reference(session, application.reference) is None:
                raise  # some other constraint failed: not a collision
    raise RuntimeError("could not allocate a unique reference number")


def find_by_reference(session: Session, reference: str) -> Application | None:
    """The application with this reference (any spelling `parse_reference` understands), or None."""
    canonical = parse_reference(reference)
    if canonical is None:
        return None
    return session.execute(select(Application).where(Application.reference == canonical)).scalar_one_or_none()


def change_status(
    session: Session,
    reference: str,
    new_status: ApplicationStatus,
    changed_by: str,
    note: str | None = None,
    now: datetime | None = None,
) -> Application:
    """Move an application to `new_status` and record the change (back-office operation)."""
    application = find_by_reference(session, reference)
    if application is None:
        raise LookupError(f"no application {reference}")
    if new_status not in ALLOWED_TRANSITIONS[application.status]:
        raise InvalidStatusTransition(f"{application.status.value} -> {new_status.value} is not allowed")
    now = now or utcnow()
    application.status_changes.append(
        ApplicationStatusChange(
            from_status=application.status, to_status=new_status, note=note, changed_by=changed_by, changed_at=now
        )
    )
    application.status = new_status
    application.updated_at = now
    session.flush()
    return application


def check_status(session: Session, reference: str, pesel_digits: str, now: datetime | None = None) -> StatusCheck:
    """The status of an application, only if `pesel_digits` are the last digits of its PESEL.

    Wrong digits count as failures; after MAX_STATUS_CHECK_FAILURES the reference is locked for
    STATUS_CHECK_LOCK, so the four digits cannot be tried one after another.
    """
    now = now or utcnow()
    application = find_by_reference(session, reference)
    if application is None or application.pesel is None:
        return StatusCheck(StatusCheckOutcome.NOT_FOUND)
    if application.status_check_locked_until and application.status_check_locked_until > now:
        return StatusCheck(StatusCheckOutcome.LOCKED)
    expected = application.pesel[-SECOND_FACTOR_DIGITS:]
    if not hmac.compare_digest(expected.encode(), (pesel_digits or "").encode()):
        application.status_check_failures += 1
        if application.status_check_failures >= MAX_STATUS_CHECK_FAILURES:
            application.status_check_failures = 0
            application.status_check_locked_until = now + STATUS_CHECK_LOCK
            session.flush()
            return StatusCheck(StatusCheckOutcome.LOCKED)
        session.flush()
        return StatusCheck(StatusCheckOutcome.NOT_FOUND)
    application.status_check_failures = 0
    application.status_check_locked_until = None
    session.flush()
    return StatusCheck(StatusCheckOutcome.FOUND, application.status, application.updated_at, application.reference)


def anonymise_closed_applications(session: Session, older_than: timedelta, now: datetime | None = None) -> int:
    """Erase the personal data of accepted/rejected applications closed more than `older_than` ago.

    The reference, status history, dates, PKD codes and tax/ZUS choices stay for statistics.
    Returns how many applications were anonymised.
    """
    now = now or utcnow()
    rows = (
        session.execute(
            select(Application).where(
                Application.status.in_(list(CLOSED_STATUSES)),
                Application.anonymised_at.is_(None),
                Application.updated_at < now - older_than,
            )
        )
        .scalars()
        .all()
    )
    for application in rows:
        for column in PERSONAL_COLUMNS + ("nip", "regon", "sender_id"):
            setattr(application, column, None)
        application.anonymised_at = now
    session.flush()
    return len(rows)
