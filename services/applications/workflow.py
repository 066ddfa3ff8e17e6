"""The back office's status machine: who may move an application from which status to which.

    submitted ──take (any verifier; one wins)──▶ in_review
    in_review ──accept (its reviewer)──▶ accepted            (closed)
    in_review ──reject (its reviewer, reason)──▶ rejected     (closed)
    in_review ──ask for information (its reviewer)──▶ needs_information
    needs_information ──resubmit (the applicant, via the assistant)──▶ in_review (same reviewer)
    needs_information ──reject (its reviewer, e.g. no answer)──▶ rejected

Every move is one conditional UPDATE (`WHERE status = :from [AND reviewer = :me]`): of two
verifiers pressing "take" at once exactly one gets a row count of 1, the other a `Conflict`.
The moves are a subset of services.storage.applications.ALLOWED_TRANSITIONS, recorded in the
same history table (application_status_changes) with who made them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Dict, Sequence, Tuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.applications.catalogue import DOCUMENTS_BY_KEY, FIELDS_BY_KEY, REASONS_BY_CODE
from services.applications.models import ApplicationDecision
from services.storage.applications import ALLOWED_TRANSITIONS, ApplicationData
from services.storage.models import Application, ApplicationPkdCode, ApplicationStatus, ApplicationStatusChange, utcnow

S = ApplicationStatus
VERIFIER = "verifier"
APPLICANT = "applicant"  # through the assistant


@dataclass(frozen=True)
class Move:
    name: str
    source: ApplicationStatus
    target: ApplicationStatus
    actor: str  # VERIFIER or APPLICANT
    reviewer_only: bool  # only the verifier who took the application


MOVES: Tuple[Move, ...] = (
    Move("take", S.SUBMITTED, S.IN_REVIEW, VERIFIER, False),
    Move("accept", S.IN_REVIEW, S.ACCEPTED, VERIFIER, True),
    Move("reject", S.IN_REVIEW, S.REJECTED, VERIFIER, True),
    Move("ask_information", S.IN_REVIEW, S.NEEDS_INFORMATION, VERIFIER, True),
    Move("reject", S.NEEDS_INFORMATION, S.REJECTED, VERIFIER, True),
    Move("resubmit", S.NEEDS_INFORMATION, S.IN_REVIEW, APPLICANT, False),
)
assert all(m.target in ALLOWED_TRANSITIONS[m.source] for m in MOVES), "MOVES must follow the storage's transitions"


class Conflict(RuntimeError):
    """The application is not (any more) in a status, or not with the reviewer, the move needs."""


class InvalidDecision(ValueError):
    """The decision lacks something it needs (a reason, a field to ask for); safe to show to staff."""


def moves_from(status: ApplicationStatus, reviewer: str | None, username: str) -> Dict[str, Move]:
    """The verifier moves `username` may make now (for the buttons of the application view)."""
    return {
        m.name: m
        for m in MOVES
        if m.source == status and m.actor == VERIFIER and (not m.reviewer_only or reviewer == username)
    }


def _move(
    session: Session, application_id: int, name: str, actor: str, by: str, note: str | None, now: datetime
) -> Application:
    """Apply the move `name` atomically; Conflict when the row is not in the expected state."""
    candidates = [m for m in MOVES if m.name == name and m.actor == actor]
    application = session.get(Application, application_id)
    if application is None:
        raise LookupError(f"no application {application_id}")
    for move in candidates:
        query = update(Application).where(Application.id == application_id, Application.status == move.source)
        values: Dict[str, object] = {"status": move.target, "updated_at": now}
        if move.name == "take":
            values["reviewer"] = by
        elif move.reviewer_only:
            query = query.where(Application.reviewer == by)
        result = session.execute(query.values(**values).execution_options(synchronize_session=False))
        if result.rowcount == 1:
            session.add(
                ApplicationStatusChange(
                    application_id=application_id,
                    from_status=move.source,
                    to_status=move.target,
                    note=note,
                    changed_by=by,
                    changed_at=now,
                )
            )
            session.flush()
            session.expire(application)
            return session.get(Application, application_id)
    raise Conflict(f"cannot {name} application {application_id} now")


def take(session: Session, application_id: int, verifier: str, now: datetime | None = None) -> Application:
    """Take a submitted application for review; of concurrent takes exactly one succeeds."""
    return _move(session, application_id, "take", VERIFIER, verifier, None, now or utcnow())


def _decision(
    session: Session, application: Application, decision: str, by: str, now: datetime, **kwargs
) -> ApplicationDecision:
    record = ApplicationDecision(
        application_id=application.id, decision=decision, decided_by=by, decided_at=now, **kwargs
    )
    session.add(record)
    session.flush()
    return record


def accept(
    session: Session, application_id: int, verifier: str, note: str | None = None, now: datetime | None = None
) -> ApplicationDecision:
    now = now or utcnow()
    application = _move(session, application_id, "accept", VERIFIER, verifier, note, now)
    return _decision(session, application, S.ACCEPTED.value, verifier, now, note=note)


def reject(
    session: Session,
    application_id: int,
    verifier: str,
    reason_code: str,
    note: str | None = None,
    now: datetime | None = None,
) -> ApplicationDecision:
    if reason_code not in REASONS_BY_CODE:
        raise InvalidDecision("Choose a reason from the list.")
    if reason_code == "other" and not (note or "").strip():
        raise InvalidDecision("Describe the reason in the note when you choose 'Other'.")
    now = now or utcnow()
    label = REASONS_BY_CODE[reason_code].label
    history = f"{label}: {note}" if note else label
    application = _move(session, application_id, "reject", VERIFIER, verifier, history, now)
    return _decision(session, application, S.REJECTED.value, verifier, now, reason_code=reason_code, note=note)


def ask_information(
    session: Session,
    application_id: int,
    verifier: str,
    fields: Sequence[str],
    documents: Sequence[str] = (),
    note: str | None = None,
    now: datetime | None = None,
) -> ApplicationDecision:
    """Send the application back to the applicant for exactly `fields` (catalogue keys) and `documents`."""
    fields = [f for f in dict.fromkeys(fields) if f]
    documents = [d for d in dict.fromkeys(documents) if d]
    unknown = [f for f in fields if f not in FIELDS_BY_KEY] + [d for d in documents if d not in DOCUMENTS_BY_KEY]
    if unknown:
        raise InvalidDecision(f"Unknown field or document: {', '.join(unknown)}.")
    if not fields and not documents:
        raise InvalidDecision("Name at least one field or document that is missing.")
    now = now or utcnow()
    items = ", ".join([FIELDS_BY_KEY[f].label for f in fields] + [DOCUMENTS_BY_KEY[d].label for d in documents])
    history = f"asked for: {items}" + (f" – {note}" if note else "")
    application = _move(session, application_id, "ask_information", VERIFIER, verifier, history, now)
    return _decision(
        session,
        application,
        S.NEEDS_INFORMATION.value,
        verifier,
        now,
        missing_fields=json.dumps(fields),
        missing_documents=json.dumps(documents),
        note=note,
    )


def latest_decision(session: Session, application_id: int) -> ApplicationDecision | None:
    query = (
        select(ApplicationDecision)
        .where(ApplicationDecision.application_id == application_id)
        .order_by(ApplicationDecision.id.desc())
        .limit(1)
    )
    return session.execute(query).scalar_one_or_none()


def open_request(session: Session, application: Application) -> ApplicationDecision | None:
    """The unanswered "needs information" decision of an application waiting for the applicant."""
    if application.status is not S.NEEDS_INFORMATION:
        return None
    decision = latest_decision(session, application.id)
    if decision and decision.decision == S.NEEDS_INFORMATION.value and decision.resolved_at is None:
        return decision
    return None


def waiting_for_applicant(session: Session, sender_id: str) -> Application | None:
    """The newest application of this conversation that the office sent back for information."""
    query = (
        select(Application)
        .where(Application.sender_id == sender_id, Application.status == S.NEEDS_INFORMATION)
        .order_by(Application.updated_at.desc())
        .limit(1)
    )
    return session.execute(query).scalar_one_or_none()


_DATA_COLUMNS = (
    "first_name",
    "last_name",
    "pesel",
    "email",
    "phone",
    "business_name",
    "start_date",
    "tax_form",
    "zus_option",
    "nip",
    "regon",
    "business_same_as_residence",
)


# Columns that belong to a catalogue field of another name (the rest share the field's key).
_COLUMN_FIELD = {
    **{f"residence_{part}": "residence_address" for part in ("street", "number", "postal_code", "city")},
    **{f"business_{part}": "business_address" for part in ("street", "number", "postal_code", "city")},
    "business_same_as_residence": "business_address",
}


def resubmit(session: Session, application_id: int, data: ApplicationData, now: datetime | None = None) -> Application:
    """The applicant answered the request: store the new values and return the application to review.

    Only the requested fields may change; the others keep what the verifier already checked.
    """
    now = now or utcnow()
    application = session.get(Application, application_id)
    if application is None:
        raise LookupError(f"no application {application_id}")
    request = open_request(session, application)
    if request is None:
        raise Conflict(f"application {application.reference} is not waiting for information")
    allowed = set(request.fields)
    new_values = {column: getattr(data, column) for column in _DATA_COLUMNS}
    new_values["business_same_as_residence"] = data.business_same_as_residence
    for prefix, address in (("residence", data.residence), ("business", data.business)):
        for part in ("street", "number", "postal_code", "city"):
            new_values[f"{prefix}_{part}"] = getattr(address, part)
    changed = []
    for column, value in new_values.items():
        key = _COLUMN_FIELD.get(column, column)
        if key in allowed and getattr(application, column) != value:
            setattr(application, column, value)
            changed.append(key)
    if "pkd_main" in allowed or "pkd_extra" in allowed:
        codes = [data.pkd_main] + [c for c in dict.fromkeys(data.pkd_extra) if c != data.pkd_main]
        if codes != [application.pkd_main, *application.pkd_extra]:
            application.pkd_codes.clear()
            session.flush()
            application.pkd_codes.extend(
                ApplicationPkdCode(code=code, is_main=index == 0, position=index) for index, code in enumerate(codes)
            )
            changed.append("pkd")
    request.resolved_at = now
    session.flush()
    note = "changed: " + (", ".join(sorted(set(changed))) or "nothing")
    return _move(session, application_id, "resubmit", APPLICANT, "applicant", note, now)
