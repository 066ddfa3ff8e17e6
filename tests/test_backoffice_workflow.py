"""The back office's workflow on real databases (SQLite and PostgreSQL): status machine, take race,
requests for information and resubmission, checks, export layout, documents, list and masking."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from typing import Iterator, List

import pytest

from services.applications import workflow
from services.applications.catalogue import pkd_section
from services.applications.checks import run_checks
from services.applications.export import NotExportable, ceidg1
from services.applications.notices import notice_for, notice_text, rejection_reason
from services.applications.queries import Filters, list_applications, waiting
from services.documents import DocumentRefused, attach_document, documents_for_application, read_document
from services.storage.applications import AddressData, submit_application
from services.storage.db import session_scope
from services.storage.models import Application, ApplicationStatus
from tests.backoffice_support import PDF, PESEL, PNG, database, sample

S = ApplicationStatus


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    yield from database(request.param, tmp_path)


def new_application(url: str, **changes) -> int:
    with session_scope(url) as session:
        return submit_application(session, sample(**changes)).id


def status_of(url: str, application_id: int) -> Application:
    with session_scope(url) as session:
        return session.get(Application, application_id)


def test_two_verifiers_take_at_once_exactly_one_wins(any_db: str) -> None:
    application_id = new_application(any_db)
    verifiers = ("ewa", "piotr", "ola", "jan")
    barrier = threading.Barrier(len(verifiers))
    results: List[tuple] = []

    def take(name: str) -> None:
        barrier.wait()
        try:
            with session_scope(any_db) as session:
                workflow.take(session, application_id, name)
            results.append((name, True))
        except workflow.Conflict:
            results.append((name, False))

    threads = [threading.Thread(target=take, args=(name,)) for name in verifiers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [name for name, won in results if won]
    assert len(results) == 4 and len(winners) == 1
    stored = status_of(any_db, application_id)
    assert stored.status is S.IN_REVIEW and stored.reviewer == winners[0]
    takes = [c for c in stored.status_changes if c.to_status is S.IN_REVIEW]
    assert len(takes) == 1 and takes[0].changed_by == winners[0]


def test_only_the_reviewer_decides_and_closed_is_final(any_db: str) -> None:
    application_id = new_application(any_db)
    with session_scope(any_db) as session, pytest.raises(workflow.Conflict):
        workflow.accept(session, application_id, "ewa")  # not taken yet
    with session_scope(any_db) as session:
        workflow.take(session, application_id, "ewa")
    with session_scope(any_db) as session, pytest.raises(workflow.Conflict):
        workflow.accept(session, application_id, "piotr")  # not the reviewer
    with session_scope(any_db) as session:
        with pytest.raises(workflow.InvalidDecision):
            workflow.reject(session, application_id, "ewa", "no_such_reason")
        with pytest.raises(workflow.InvalidDecision):
            workflow.reject(session, application_id, "ewa", "other", "  ")
    with session_scope(any_db) as session:
        workflow.reject(session, application_id, "ewa", "already_registered", "NIP 1234 already in CEIDG")
    with session_scope(any_db) as session:
        with pytest.raises(workflow.Conflict):
            workflow.accept(session, application_id, "ewa")
        application = session.get(Application, application_id)
        assert application.status is S.REJECTED
        assert rejection_reason(session, application, "en") == (
            "the business is already registered in CEIDG – NIP 1234 already in CEIDG"
        )
        last = application.status_changes[-1]
        assert (last.from_status, last.to_status, last.changed_by) == (S.IN_REVIEW, S.REJECTED, "ewa")
        assert last.note == "Already registered in CEIDG: NIP 1234 already in CEIDG"


def test_ask_for_information_then_resubmit_changes_only_the_named_fields(any_db: str) -> None:
    application_id = new_application(any_db, language="en")
    with session_scope(any_db) as session:
        workflow.take(session, application_id, "ewa")
    with session_scope(any_db) as session:
        with pytest.raises(workflow.InvalidDecision):
            workflow.ask_information(session, application_id, "ewa", [], [])
        with pytest.raises(workflow.InvalidDecision):
            workflow.ask_information(session, application_id, "ewa", ["shoe_size"])
    with session_scope(any_db) as session:
        workflow.ask_information(
            session, application_id, "ewa", ["phone", "business_address"], ["identity_document"], "Number is off"
        )
    with session_scope(any_db) as session:
        application = session.get(Application, application_id)
        notice = notice_for(session, application, "en")
        assert notice.response == "utter_application_needs_information"
        assert notice.params["items"] == "phone number, business address, ID card or passport"
        assert 'Message from the officer: "Number is off"' in notice_text(notice, "en")
        assert workflow.waiting_for_applicant(session, application.sender_id).id == application_id
    changed = sample(
        phone="+48501000111",
        business=AddressData("Krótka", "1", "00-001", "Warszawa"),
        business_same_as_residence=False,
        first_name="Changed",  # not requested: must not change
        language="en",
    )
    with session_scope(any_db) as session:
        workflow.resubmit(session, application_id, changed)
    stored = status_of(any_db, application_id)
    assert stored.status is S.IN_REVIEW and stored.reviewer == "ewa"
    assert stored.phone == "+48501000111" and stored.business_street == "Krótka"
    assert stored.business_same_as_residence is False and stored.first_name == "Anna"
    last = stored.status_changes[-1]
    assert (last.from_status, last.changed_by) == (S.NEEDS_INFORMATION, "applicant")
    assert last.note == "changed: business_address, phone"
    with session_scope(any_db) as session:
        with pytest.raises(workflow.Conflict):
            workflow.resubmit(session, application_id, changed)  # the request is answered
        workflow.accept(session, application_id, "ewa")
    assert status_of(any_db, application_id).status is S.ACCEPTED


def test_checks_rerun_find_bad_numbers_codes_and_dates() -> None:
    application = Application(
        pesel=PESEL[:-1] + str((int(PESEL[-1]) + 1) % 10),
        nip="5260250274",  # valid NIP
        regon="123456780",
        start_date=date(2020, 1, 1),
    )
    application.pkd_codes = []
    from services.storage.models import ApplicationPkdCode

    application.pkd_codes = [ApplicationPkdCode(code="62.01.Z", is_main=True), ApplicationPkdCode(code="99.99.Q")]
    results = {(r.field, r.ok): r.message for r in run_checks(application, today=date(2026, 11, 29))}
    assert ("pesel", False) in results and "PESEL invalid" in results[("pesel", False)]
    assert ("nip", True) in results
    assert ("pkd_main", True) in results and ("pkd_extra", False) in results
    assert results[("start_date", False)] == "start date 2020-01-01 is in the past"
    application.start_date = date(2026, 12, 24)
    assert [r.ok for r in run_checks(application, today=date(2026, 11, 29)) if r.field == "start_date"] == [True]


def test_export_layout_of_an_accepted_application(any_db: str) -> None:
    application_id = new_application(any_db)
    with session_scope(any_db) as session:
        with pytest.raises(NotExportable):
            ceidg1(session.get(Application, application_id))
        workflow.take(session, application_id, "ewa")
        workflow.accept(session, application_id, "ewa")
    with session_scope(any_db) as session:
        data = ceidg1(session.get(Application, application_id))
    assert data["format"] == "vo-ceidg1-json/1" and data["rodzajWniosku"] == "wpis"
    assert data["daneWnioskodawcy"] == {
        "nazwisko": "Nowak",
        "imie": "Anna",
        "pesel": PESEL,
        "nip": None,
        "brakNip": True,
        "regon": None,
        "brakRegon": True,
    }
    assert data["rodzajeDzialalnosciPKD"] == {
        "klasyfikacja": "PKD2007",
        "przewazajacy": "62.01.Z",
        "pozostale": ["62.02.Z"],
    }
    assert data["adresStalegoMiejscaWykonywaniaDzialalnosci"]["takiSamJakAdresZamieszkania"] is True
    assert data["formaOpodatkowania"] == "podatek_liniowy" and data["zus"] == {"zgloszenie": "ulga_na_start"}
    assert data["przyjetyPrzez"] == "ewa"
    json.dumps(data, ensure_ascii=False)  # serialisable as it is


def test_documents_are_stored_outside_the_web_root_under_generated_names(
    any_db: str, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCUMENTS_DIR", str(tmp_path / "docs"))
    application_id = new_application(any_db)
    with session_scope(any_db) as session:
        application = session.get(Application, application_id)
        image = attach_document(session, application, PNG, "socketio", "../../etc/passwd.png")
        pdf = attach_document(session, application, PDF, "whatsapp", "form.pdf")
        with pytest.raises(DocumentRefused) as refused:
            attach_document(session, application, b"MZ\x90\x00 not an image", "socketio", "x.png")
        assert refused.value.reason == "wrong_type"
    stored = sorted(p.name for p in (tmp_path / "docs").iterdir())
    assert stored == sorted([f"{image.public_id}.png", f"{pdf.public_id}.pdf"])
    with session_scope(any_db) as session:
        assert [d.kind for d in documents_for_application(session, application_id)] == ["png", "pdf"]
        document, data = read_document(session, image.public_id)
        assert data == PNG and document.original_name == "passwd.png" and document.content_type == "image/png"
        assert read_document(session, "../app") is None


def test_list_filters_oldest_first_and_masks_personal_data(any_db: str) -> None:
    first = new_application(any_db, channel="socketio", language="en", pkd_main="47.91.Z", pkd_extra=())
    second = new_application(any_db)
    third = new_application(any_db, channel="whatsapp")
    with session_scope(any_db) as session:
        workflow.take(session, third, "ewa")
        workflow.accept(session, third, "ewa")
    with session_scope(any_db) as session:
        rows = list_applications(session, Filters())
        assert [r.id for r in rows] == [first, second, third]
        assert rows[1].applicant == "A. N***" and rows[1].pesel == "*********" + PESEL[-2:]
        assert PESEL not in repr(rows) and "anna.nowak" not in repr(rows)
        assert [r.id for r in list_applications(session, Filters(language="en"))] == [first]
        assert [r.id for r in list_applications(session, Filters(channel="whatsapp"))] == [third]
        assert [r.id for r in list_applications(session, Filters(pkd_section="G"))] == [first]
        assert [r.id for r in list_applications(session, Filters(statuses=[S.ACCEPTED]))] == [third]
        tomorrow = date.today() + timedelta(days=2)
        assert list_applications(session, Filters(submitted_from=tomorrow)) == []
        summary = waiting(session)
        assert summary.count == 2 and summary.oldest_reference == rows[0].reference
    assert pkd_section("01.11.Z") == "A" and pkd_section("62.01.Z") == "J" and pkd_section("99.00.Z") == "U"
