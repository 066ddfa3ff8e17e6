"""Rasa-free parts: document checks and storage, message claims across processes (PostgreSQL),
the migration, signatures, phone numbers and office hours."""

from __future__ import annotations

import multiprocessing
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import inspect

from services.channels import inbound
from services.channels.numbers import e164_or_none
from services.channels.signatures import meta_signature, meta_signature_valid
from services.channels.twilio_api import request_valid, signature_for
from services.documents import DocumentRefused, detect_kind, read_document, receive_document
from services.documents.intake import documents_awaiting_consultant, documents_for_application
from services.office import Office
from services.office.schedule import is_open
from services.storage.applications import AddressData, ApplicationData, submit_application
from services.storage.db import dispose_engines, get_engine, session_scope
from services.storage.migrate import downgrade_to, upgrade_to_head
from services.storage.models import TaxForm, ZusOption
from tests.channels.support import jpeg, pdf, png
from tests.services import fresh_postgres_database


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DOCUMENTS_DIR", str(tmp_path / "documents"))
    url = f"sqlite:///{tmp_path / 'app.db'}"
    upgrade_to_head(url)
    yield url
    dispose_engines()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database at the newest schema; fails (never skips) without PostgreSQL."""
    for url in fresh_postgres_database("channels_test"):
        upgrade_to_head(url)
        yield url


def _claim_many(url: str, ids: list, results: multiprocessing.Queue) -> None:
    won = [inbound.claim("whatsapp", message_id, "+48601234567", "text", url) for message_id in ids]
    results.put(won)


def test_a_message_is_claimed_once_across_processes(postgres_url: str) -> None:
    """Two processes (two Rasa instances) racing on the same 40 message ids: each id wins once."""
    ids = [f"wamid.{n}" for n in range(40)]
    results: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_claim_many, args=(postgres_url, ids, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(60)
    assert [a + b for a, b in zip(*outcomes, strict=True)] == [1] * len(ids)


def test_window_and_statuses(sqlite_url: str) -> None:
    assert not inbound.window_open("whatsapp", "+48601234567", url=sqlite_url)
    assert inbound.claim("whatsapp", "wamid.A", "+48601234567", "text", sqlite_url)
    assert not inbound.claim("whatsapp", "wamid.A", "+48601234567", "text", sqlite_url)
    assert inbound.claim("twilio", "wamid.A", "+48601234567", "text", sqlite_url)  # per channel
    assert inbound.window_open("whatsapp", "+48601234567", url=sqlite_url)
    later = datetime.now(timezone.utc) + timedelta(hours=24, minutes=1)
    assert not inbound.window_open("whatsapp", "+48601234567", now=later, url=sqlite_url)
    inbound.record_status("whatsapp", "wamid.OUT", "+48601234567", "failed", 131047, "Re-engagement", url=sqlite_url)
    with session_scope(sqlite_url) as session:
        [row] = inbound.statuses_of(session, "whatsapp", "wamid.OUT")
        assert (row.status, row.error_code, row.error_title) == ("failed", "131047", "Re-engagement")


def test_migration_up_and_down(sqlite_url: str) -> None:
    tables = set(inspect(get_engine(sqlite_url)).get_table_names())
    assert {"channel_inbound_messages", "channel_delivery_statuses", "documents"} <= tables
    downgrade_to("0001", sqlite_url)
    dispose_engines()
    tables = set(inspect(get_engine(sqlite_url)).get_table_names())
    assert "documents" not in tables and "applications" in tables
    upgrade_to_head(sqlite_url)


def test_types_are_decided_by_content() -> None:
    assert (detect_kind(jpeg()), detect_kind(png()), detect_kind(pdf())) == ("jpeg", "png", "pdf")
    for other in (b"GIF89a", b"MZ\x90\x00", b"<html>", b"PK\x03\x04", b"", b"%PD"):
        assert detect_kind(other) is None


def _application(url: str, sender: str) -> int:
    home = AddressData(street="Długa", number="5", postal_code="00-238", city="Warszawa")
    data = ApplicationData(
        first_name="Jan",
        last_name="Kowalski",
        pesel="44051401359",
        email="jan@example.com",
        phone="+48601234567",
        residence=home,
        business=home,
        business_same_as_residence=True,
        business_name="Jan Kowalski",
        pkd_main="47.91.Z",
        start_date=date.today() + timedelta(days=1),
        tax_form=TaxForm.FLAT,
        zus_option=ZusOption.FULL,
        language="pl",
        channel="whatsapp",
        sender_id=sender,
    )
    with session_scope(url) as session:
        return submit_application(session, data).id


def test_documents_are_attached_or_left_for_a_consultant(sqlite_url: str, tmp_path: Path) -> None:
    loose = receive_document(png(), "web-session-1", "socketio", "zdjęcie.png", url=sqlite_url)
    assert loose.application_reference is None and loose.label == "PNG"
    application_id = _application(sqlite_url, "+48601234567")
    attached = receive_document(pdf(), "+48601234567", "whatsapp", "../../wniosek.pdf", url=sqlite_url)
    assert attached.application_reference is not None and attached.application_reference.startswith("REG-")
    with session_scope(sqlite_url) as session:
        [waiting] = documents_awaiting_consultant(session)
        assert waiting.public_id == loose.public_id
        [document] = documents_for_application(session, application_id)
        assert (
            document.public_id == attached.public_id and document.original_name == "wniosek.pdf"
        )  # a label only: no path parts
        found = read_document(session, attached.public_id)
        assert found is not None and found[1] == pdf()
        assert read_document(session, "0" * 32) is None
    stored = sorted((tmp_path / "documents").iterdir())
    assert sorted(p.name for p in stored) == sorted([f"{loose.public_id}.png", f"{attached.public_id}.pdf"])
    assert all(p.stat().st_mode & 0o077 == 0 for p in stored)


def test_refusals_store_nothing(sqlite_url: str, tmp_path: Path) -> None:
    with pytest.raises(DocumentRefused) as too_big:
        receive_document(pdf() + b"\x00" * 2000, "s", "whatsapp", max_bytes=1024, url=sqlite_url)
    assert too_big.value.reason == "too_large" and too_big.value.limit_mb == f"{1024 / 1048576:g}"
    with pytest.raises(DocumentRefused) as wrong:
        receive_document(b"GIF89a" + b"\x00" * 10, "s", "whatsapp", "photo.jpg", url=sqlite_url)
    assert wrong.value.reason == "wrong_type"
    assert not (tmp_path / "documents").exists() or not any((tmp_path / "documents").iterdir())


def test_signatures() -> None:
    body = b'{"object":"whatsapp_business_account"}'
    header = meta_signature("secret", body)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert meta_signature_valid("secret", body, header)
    assert not meta_signature_valid("secret", body + b" ", header)
    assert not meta_signature_valid("", body, meta_signature("", body))  # no secret configured: refuse
    assert not meta_signature_valid("secret", body, None)
    url, params = "https://office.example/webhooks/twilio/webhook", {"From": "+48601234567", "Body": "hej"}
    signature = signature_for("token", url, params)
    as_lists = {key: [value] for key, value in params.items()}
    assert request_valid("token", url, as_lists, signature)
    assert not request_valid("token", url, {**as_lists, "Body": ["inne"]}, signature)
    assert not request_valid("", url, as_lists, signature)


def test_phone_numbers_as_conversation_ids() -> None:
    assert e164_or_none("whatsapp:+48601234567") == "+48601234567"
    assert e164_or_none("48601234567") == "+48601234567"  # WhatsApp's wa_id
    assert e164_or_none("+44 20 7946 0958") == "+442079460958"
    assert e164_or_none("anonymous") is None and e164_or_none("") is None and e164_or_none("123") is None
    assert e164_or_none("(22) 765-67-32") == "+48227656732"
    # letters are not keypad digits here: a web chat's session id is never a phone number
    assert e164_or_none("test-ff463c115578") is None and e164_or_none("1-800-FLOWERS") is None


def test_phone_transfers_follow_the_office_schedule() -> None:
    office = Office(
        name={"pl": "Urząd"},
        phone_main="801 055 088",
        phone_international="+48 22 765 67 32",
        contact_page="",
        timezone="Europe/Warsaw",
        hours={"monday": ["09:00-13:00", "13:30-17:00"]},
        public_holidays="PL",
    )
    warsaw = timezone(timedelta(hours=1))  # winter time
    assert is_open(office, datetime(2026, 11, 30, 9, 0, tzinfo=warsaw))
    assert not is_open(office, datetime(2026, 11, 30, 13, 10, tzinfo=warsaw))  # lunch break
    assert not is_open(office, datetime(2026, 11, 30, 17, 0, tzinfo=warsaw))
    assert not is_open(office, datetime(2026, 12, 1, 10, 0, tzinfo=warsaw))  # Tuesday: not listed
    assert not is_open(office, datetime(2027, 1, 6, 10, 0, tzinfo=warsaw))  # Epiphany
