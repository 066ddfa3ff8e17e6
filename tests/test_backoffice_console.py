"""The back office over real HTTP (console process, no Rasa): roles, sessions, CSRF, the list, the
view, the take race, decisions with the e-mail fallback and the WhatsApp template, export, audit."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Dict, Iterator, List

import pytest
from sqlalchemy import select

from services.accounts.models import AuditEntry
from services.applications.models import ApplicationNotification
from services.documents import attach_document
from services.storage.applications import submit_application
from services.storage.db import session_scope
from services.storage.models import Application, ApplicationStatus, utcnow
from tests.backoffice_support import PDF, PESEL, PNG, GraphStandIn, SmtpStandIn, sample
from tests.console_support import ConsoleOnly, StaffClient

PASSWORD = "correct horse battery"


class BackOfficeConsole(ConsoleOnly):
    """The console with its SMTP server and WhatsApp Graph API pointed at local stand-ins."""

    smtp: SmtpStandIn
    graph: GraphStandIn

    @property
    def env(self) -> Dict[str, str]:
        return {
            **super().env,
            "DOCUMENTS_DIR": str(self.workdir / "documents"),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.smtp.port),
            "SMTP_SENDER": "urzad@example.gov.pl",
            "WHATSAPP_GRAPH_API_URL": self.graph.url,
            "WHATSAPP_API_VERSION": "v19.0",
            "WHATSAPP_PHONE_NUMBER_ID": "1098765",
            "WHATSAPP_ACCESS_TOKEN": "test-token",
        }


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackOfficeConsole]:
    server = BackOfficeConsole(tmp_path_factory.mktemp("backoffice"))
    server.smtp, server.graph = SmtpStandIn(), GraphStandIn()
    server.start()
    server.add_staff("ewa", PASSWORD, "verifier")
    server.add_staff("piotr", PASSWORD, "verifier")
    server.add_staff("anna", PASSWORD, "agent")
    try:
        yield server
    finally:
        server.stop()
        server.smtp.stop()
        server.graph.stop()


def url_of(console: ConsoleOnly) -> str:
    return console.env["APP_DATABASE_URL"]


def client(console: ConsoleOnly, username: str) -> StaffClient:
    staff = StaffClient(console.url)
    assert staff.login(username, PASSWORD).status_code == 302
    return staff


def new_application(console: BackOfficeConsole, **changes) -> Application:
    with session_scope(url_of(console)) as session:
        return submit_application(session, sample(**changes))


def attach(console: BackOfficeConsole, application_id: int, data: bytes, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DOCUMENTS_DIR", console.env["DOCUMENTS_DIR"])
    with session_scope(url_of(console)) as session:
        return attach_document(session, session.get(Application, application_id), data, "socketio", "scan.png")


def audit_of(console: ConsoleOnly, reference: str) -> List[tuple]:
    with session_scope(url_of(console)) as session:
        rows = session.execute(select(AuditEntry).where(AuditEntry.target == f"application:{reference}")).scalars()
        return [(row.actor, row.action) for row in rows]


def test_unauthenticated_and_wrong_role_are_refused_documents_too(
    console: BackOfficeConsole, monkeypatch: pytest.MonkeyPatch
) -> None:
    application = new_application(console)
    document = attach(console, application.id, PNG, monkeypatch)
    paths = ["/applications", f"/applications/{application.id}", f"/applications/documents/{document.public_id}"]
    anonymous = StaffClient(console.url)
    for path in paths:
        response = anonymous.get(path, headers={"Accept": "application/json"})
        assert response.status_code == 401 and response.json() == {"error": "login required"}, path
        assert PNG not in response.content
    assert anonymous.post(f"/applications/{application.id}/take").status_code == 401
    agent = client(console, "anna")
    for path in paths:
        response = agent.get(path)
        assert response.status_code == 403, path
        assert PNG not in response.content and PESEL not in response.text
    assert agent.post(f"/applications/{application.id}/take").status_code == 403
    verifier = client(console, "ewa")
    image = verifier.get(f"/applications/documents/{document.public_id}")
    assert image.status_code == 200 and image.content == PNG and image.headers["content-type"] == "image/png"
    assert image.headers["content-disposition"].startswith("inline")
    assert verifier.get("/applications/documents/" + "0" * 32).status_code == 404
    assert verifier.post(f"/applications/{application.id}/take", csrf="forged").status_code == 403
    assert ("ewa", "view_document") in audit_of(console, application.reference)


def test_list_is_masked_and_the_view_shows_everything_and_is_audited(
    console: BackOfficeConsole, monkeypatch: pytest.MonkeyPatch
) -> None:
    application = new_application(console, pkd_extra=("99.99.Q",))  # a code that does not exist
    attach(console, application.id, PDF, monkeypatch)
    verifier = client(console, "ewa")
    page = verifier.get("/applications?status=submitted")
    assert page.status_code == 200 and application.reference in page.text
    assert PESEL not in page.text and "Nowak" not in page.text and "anna.nowak@" not in page.text
    assert "A. N***" in page.text and "*********" + PESEL[-2:] in page.text
    assert re.search(r'id="waiting-count">\d+<', page.text)
    listing = verifier.get("/applications?status=submitted", headers={"Accept": "application/json"}).json()
    assert listing["waiting"] >= 1 and listing["oldest_waiting_seconds"] >= 0
    refs = [row["reference"] for row in listing["applications"]]
    assert application.reference in refs and refs == sorted(refs, key=refs.index)  # oldest first (server order)
    view = verifier.get(f"/applications/{application.id}")
    assert view.status_code == 200
    for shown in (PESEL, "Nowak", "anna.nowak@example.com", "+48601234567", "Długa 5/3, 00-238 Warszawa"):
        assert shown in view.text
    assert "PESEL checksum correct" in view.text and "PKD 99.99.Q does not exist in PKD2007" in view.text
    assert "Open document 1 (PDF" in view.text and "Take for review" in view.text
    assert ("ewa", "view") in audit_of(console, application.reference)


def test_two_verifiers_taking_at_once_one_wins_over_http(console: BackOfficeConsole) -> None:
    application = new_application(console)
    clients = [client(console, "ewa"), client(console, "piotr")]
    barrier = threading.Barrier(2)
    codes: List[int] = []

    def take(staff: StaffClient) -> None:
        barrier.wait()
        response = staff.post(f"/applications/{application.id}/take", headers={"Accept": "application/json"})
        codes.append(response.status_code)

    threads = [threading.Thread(target=take, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 409]
    with session_scope(url_of(console)) as session:
        stored = session.get(Application, application.id)
        assert stored.status is ApplicationStatus.IN_REVIEW and stored.reviewer in ("ewa", "piotr")


def notifications(console: ConsoleOnly, application_id: int) -> List[tuple]:
    with session_scope(url_of(console)) as session:
        rows = session.execute(
            select(ApplicationNotification).where(ApplicationNotification.application_id == application_id)
        ).scalars()
        return [(row.route, row.outcome) for row in rows]


def test_asking_for_information_falls_back_to_email_when_the_conversation_cannot_be_reached(
    console: BackOfficeConsole,
) -> None:
    application = new_application(console, language="en", email="applicant@example.org")
    verifier = client(console, "ewa")
    assert verifier.post(f"/applications/{application.id}/take").status_code == 303
    assert "Take for review" not in verifier.get(f"/applications/{application.id}").text
    nothing = verifier.post(f"/applications/{application.id}/ask", {"note": "?"})
    assert nothing.status_code == 303 and "problem=" in nothing.headers["location"]
    before = len(console.smtp.messages)
    response = verifier.post(
        f"/applications/{application.id}/ask",
        {"fields": ["phone"], "documents": ["identity_document"], "note": "The number does not answer."},
    )
    assert response.status_code == 303 and "done=" in response.headers["location"]
    mail = console.smtp.messages[before]
    assert mail["to"] == ["applicant@example.org"] and mail["from"] == "urzad@example.gov.pl"
    assert mail["message"]["Subject"] == f"Application {application.reference} – the office's answer"
    body = mail["message"].get_content()
    assert "Needed: phone number, ID card or passport." in body and "The number does not answer." in body
    # Rasa is not running here: the conversation route failed and the e-mail carried the news
    assert notifications(console, application.id) == [("conversation", "failed"), ("email", "sent")]
    view = verifier.get(f"/applications/{application.id}").text
    assert "Needs information" in view and "asked for: Phone, Identity document" in view


def test_rejection_over_whatsapp_with_the_window_closed_sends_a_template(console: BackOfficeConsole) -> None:
    application = new_application(console, channel="whatsapp", sender_id="48601234567", language="pl")
    verifier = client(console, "piotr")
    verifier.post(f"/applications/{application.id}/take")
    before = len(console.graph.requests)
    response = verifier.post(
        f"/applications/{application.id}/reject",
        {"reason": "activity_not_allowed", "note": "Apteka wymaga zezwolenia."},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200 and response.json()["decision"] == "rejected"
    sent = console.graph.requests[before:]
    assert len(sent) == 1
    assert sent[0]["path"] == "/v19.0/1098765/messages" and sent[0]["authorization"] == "Bearer test-token"
    body = sent[0]["body"]
    assert body["type"] == "template" and body["to"] == "48601234567"
    assert body["template"]["name"] == "application_status_update" and body["template"]["language"] == {"code": "pl"}
    parameters = [p["text"] for p in body["template"]["components"][0]["parameters"]]
    assert parameters[0] == application.reference
    assert "Powód: tej działalności nie można prowadzić jako jednoosobowej firmy." in parameters[1]
    assert "Apteka wymaga zezwolenia." in parameters[1] and "\n" not in parameters[1]
    assert ("whatsapp_template", "sent") in notifications(console, application.id)
    assert ("email", "sent") not in notifications(console, application.id)


def test_export_only_for_accepted_and_audited(console: BackOfficeConsole) -> None:
    application = new_application(console)
    verifier = client(console, "ewa")
    assert verifier.get(f"/applications/{application.id}/export.json").status_code == 409
    verifier.post(f"/applications/{application.id}/take")
    assert verifier.post(f"/applications/{application.id}/accept").status_code == 303
    exported = verifier.get(f"/applications/{application.id}/export.json")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("application/json")
    data = exported.json()
    assert data["numerReferencyjny"] == application.reference and data["daneWnioskodawcy"]["pesel"] == PESEL
    assert ("ewa", "export") in audit_of(console, application.reference)
    assert ("ewa", "accepted") in audit_of(console, application.reference)


def test_oldest_waiting_time_is_shown(console: BackOfficeConsole) -> None:
    with session_scope(url_of(console)) as session:
        old = submit_application(session, sample(), now=utcnow() - timedelta(days=3, hours=2))
    page = client(console, "ewa").get("/applications?status=waiting").text
    assert '<p id="oldest-waiting">3 d 2 h</p>' in page
    assert page.index(old.reference) < page.index("</tbody>")
