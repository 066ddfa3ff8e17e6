"""Application database on SQLite and PostgreSQL: migrations, applications, status, ratings."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from services.storage import db
from services.storage.applications import (
    MAX_STATUS_CHECK_FAILURES,
    STATUS_CHECK_LOCK,
    AddressData,
    ApplicationData,
    InvalidStatusTransition,
    StatusCheckOutcome,
    anonymise_closed_applications,
    change_status,
    check_status,
    find_by_reference,
    submit_application,
)
from services.storage.db import session_scope
from services.storage.migrate import current_revision, downgrade_to, upgrade_to_head
from services.storage.models import Application, ApplicationStatus, Rating, TaxForm, ZusOption
from services.storage.ratings import save_rating
from services.storage.reference_numbers import parse_reference
from tests.registration.cases import ADULT_PESEL

TABLES = {"applications", "application_pkd_codes", "application_status_changes", "ratings"}
HOME = AddressData("Długa", "5/3", "00-238", "Warszawa")


def application(**changes: object) -> ApplicationData:
    data = dict(
        first_name="Jan",
        last_name="Kowalski",
        pesel=ADULT_PESEL,
        email="jan@example.com",
        phone="+48601234567",
        residence=HOME,
        business=HOME,
        business_same_as_residence=True,
        business_name="Jan Kowalski IT",
        pkd_main="62.01.Z",
        pkd_extra=("62.02.Z", "63.11.Z"),
        start_date=date(2026, 12, 1),
        tax_form=TaxForm.FLAT,
        zus_option=ZusOption.START_RELIEF,
        language="pl",
        channel="rest",
        sender_id="conversation-1",
    )
    data.update(changes)
    return ApplicationData(**data)  # type: ignore[arg-type]


def tables(url: str) -> set:
    with db.get_engine(url).connect() as connection:
        return set(inspect(connection).get_table_names())


def head_revision() -> str:
    """The newest migration (other capabilities add theirs after 0001)."""
    from alembic.script import ScriptDirectory

    from services.storage.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_migrations_up_down_and_up_again(empty_db_url: str) -> None:
    upgrade_to_head(empty_db_url)
    assert tables(empty_db_url) >= TABLES and current_revision(empty_db_url) == head_revision()
    downgrade_to("base", empty_db_url)
    assert not TABLES & tables(empty_db_url) and current_revision(empty_db_url) is None
    upgrade_to_head(empty_db_url)
    upgrade_to_head(empty_db_url)  # idempotent
    assert tables(empty_db_url) >= TABLES and current_revision(empty_db_url) == head_revision()


def test_application_round_trip(db_url: str) -> None:
    with session_scope(db_url) as session:
        reference = submit_application(session, application()).reference
    assert parse_reference(reference) == reference
    with session_scope(db_url) as session:
        stored = find_by_reference(session, reference.lower().replace("-", " "))
        assert (stored.first_name, stored.last_name, stored.pesel, stored.email, stored.phone) == (
            "Jan",
            "Kowalski",
            ADULT_PESEL,
            "jan@example.com",
            "+48601234567",
        )
        assert (
            stored.residence_street,
            stored.residence_number,
            stored.residence_postal_code,
            stored.residence_city,
        ) == ("Długa", "5/3", "00-238", "Warszawa")
        assert stored.business_same_as_residence and stored.business_city == "Warszawa"
        assert stored.pkd_main == "62.01.Z" and stored.pkd_extra == ["62.02.Z", "63.11.Z"]
        assert stored.start_date == date(2026, 12, 1)
        assert stored.tax_form is TaxForm.FLAT and stored.zus_option is ZusOption.START_RELIEF
        assert stored.nip is None and stored.status is ApplicationStatus.SUBMITTED
        assert [c.to_status for c in stored.status_changes] == [ApplicationStatus.SUBMITTED]
        assert stored.created_at.tzinfo is not None


def test_references_are_unique_and_personal_data_required(db_url: str) -> None:
    with session_scope(db_url) as session:
        references = {submit_application(session, application()).reference for _ in range(20)}
    assert len(references) == 20
    with pytest.raises(IntegrityError), session_scope(db_url) as session:
        session.add(
            Application(
                reference="REG-2026-0000-0001",
                status=ApplicationStatus.SUBMITTED,
                language="pl",
                start_date=date(2026, 12, 1),
                tax_form=TaxForm.FLAT,
                zus_option=ZusOption.FULL,
                business_same_as_residence=False,
                status_check_failures=0,
            )
        )


def test_status_needs_the_pesel_digits_and_locks_after_failures(db_url: str) -> None:
    now = datetime(2026, 11, 22, 12, tzinfo=timezone.utc)
    with session_scope(db_url) as session:
        reference = submit_application(session, application(), now).reference
    with session_scope(db_url) as session:
        found = check_status(session, reference, ADULT_PESEL[-4:], now)
        assert found.outcome is StatusCheckOutcome.FOUND and found.status is ApplicationStatus.SUBMITTED
        assert (
            check_status(session, "REG-2026-0000-0000", ADULT_PESEL[-4:], now).outcome is StatusCheckOutcome.NOT_FOUND
        )
        outcomes = [check_status(session, reference, "0000", now).outcome for _ in range(MAX_STATUS_CHECK_FAILURES)]
        assert outcomes[:-1] == [StatusCheckOutcome.NOT_FOUND] * (MAX_STATUS_CHECK_FAILURES - 1)
        assert outcomes[-1] is StatusCheckOutcome.LOCKED
        assert check_status(session, reference, ADULT_PESEL[-4:], now).outcome is StatusCheckOutcome.LOCKED
        later = now + STATUS_CHECK_LOCK + timedelta(seconds=1)
        assert check_status(session, reference, ADULT_PESEL[-4:], later).outcome is StatusCheckOutcome.FOUND


def test_status_changes_follow_the_process(db_url: str) -> None:
    with session_scope(db_url) as session:
        reference = submit_application(session, application()).reference
        change_status(session, reference, ApplicationStatus.IN_REVIEW, "urzędnik 7")
        change_status(session, reference, ApplicationStatus.NEEDS_INFORMATION, "urzędnik 7", "brak podpisu")
        change_status(session, reference, ApplicationStatus.IN_REVIEW, "urzędnik 7")
        change_status(session, reference, ApplicationStatus.ACCEPTED, "urzędnik 7")
        with pytest.raises(InvalidStatusTransition):
            change_status(session, reference, ApplicationStatus.IN_REVIEW, "urzędnik 7")
    with session_scope(db_url) as session:
        stored = find_by_reference(session, reference)
        assert [c.to_status.value for c in stored.status_changes] == [
            "submitted",
            "in_review",
            "needs_information",
            "in_review",
            "accepted",
        ]
        assert stored.status_changes[2].note == "brak podpisu"


def test_closed_applications_are_anonymised_after_retention(db_url: str) -> None:
    with session_scope(db_url) as session:
        closed = submit_application(session, application()).reference
        still_open = submit_application(session, application()).reference
        change_status(session, closed, ApplicationStatus.REJECTED, "urzędnik 7")
    with session_scope(db_url) as session:
        later = datetime.now(timezone.utc) + timedelta(days=400)
        assert anonymise_closed_applications(session, timedelta(days=365), later) == 1
    with session_scope(db_url) as session:
        anonymised, untouched = find_by_reference(session, closed), find_by_reference(session, still_open)
        assert anonymised.pesel is None and anonymised.first_name is None and anonymised.anonymised_at
        assert anonymised.pkd_main == "62.01.Z" and anonymised.status is ApplicationStatus.REJECTED
        assert untouched.pesel == ADULT_PESEL


def test_ratings(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with session_scope(db_url) as session:
        save_rating(session, "conversation-1", 5, "rest", "bardzo pomocne")
    monkeypatch.setenv(db.URL_VARIABLE, db_url)
    save_rating(None, "conversation-2", "3", "whatsapp")
    with pytest.raises(ValueError):
        save_rating(None, "conversation-3", 6, "rest")
    with pytest.raises(ValueError):
        save_rating(None, "conversation-3", "bardzo", "rest")
    with session_scope(db_url) as session:
        rows = session.execute(select(Rating).order_by(Rating.id)).scalars().all()
        assert [(r.sender_id, r.rating, r.channel, r.comment) for r in rows] == [
            ("conversation-1", 5, "rest", "bardzo pomocne"),
            ("conversation-2", 3, "whatsapp", None),
        ]
    with pytest.raises(IntegrityError), session_scope(db_url) as session:
        session.add(Rating(sender_id="x", rating=0))


def test_default_url_is_sqlite_under_the_project_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(db.URL_VARIABLE, raising=False)
    assert db.database_url() == f"sqlite:///{db.PROJECT_ROOT / 'var' / 'app.db'}"
    assert Path(db.PROJECT_ROOT / "var").is_dir()


def test_reference_spellings() -> None:
    assert parse_reference("status reg 2026 4829 1377 proszę") == "REG-2026-4829-1377"
    assert parse_reference("REG-2026-48291377") == "REG-2026-4829-1377"
    assert parse_reference("mój numer to 44051401359") is None


def test_retention_job(db_url: str, capsys: pytest.CaptureFixture) -> None:
    from services.storage.retention import main

    with session_scope(db_url) as session:
        reference = submit_application(session, application()).reference
        closed = datetime.now(timezone.utc) - timedelta(days=40)
        change_status(session, reference, ApplicationStatus.IN_REVIEW, "urzędnik 7", now=closed)
        change_status(session, reference, ApplicationStatus.ACCEPTED, "urzędnik 7", now=closed)
    assert main(["--days", "365", "--url", db_url]) == 0
    assert main(["--days", "30", "--url", db_url]) == 0
    assert "anonymised 0" in capsys.readouterr().out.splitlines()[0]
    with session_scope(db_url) as session:
        assert find_by_reference(session, reference).pesel is None


def test_retention_job_on_an_unmigrated_database(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from services.storage.retention import main

    assert main(["--days", "30", "--url", f"sqlite:///{tmp_path / 'empty.db'}"]) == 1
    assert "is the schema migrated" in capsys.readouterr().out
    db.dispose_engines()
