"""The back office end to end on the real servers (Rasa, actions, website, console) and real Chromium.

An application filed over the REST channel is reviewed in the console; the verifier asks for the
phone number; the applicant comes back in the web widget, is asked for exactly that field, answers;
the application is resubmitted, accepted (the widget shows it live) and the status check says
"accepted". A rejection of a WhatsApp applicant whose 24-hour window is closed goes out as a
template to a local stand-in of the Graph API. axe-core checks the back office's pages.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Dict, Iterator

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from services.applications.models import ApplicationNotification
from services.documents import attach_document
from services.storage.applications import submit_application
from services.storage.db import session_scope
from services.storage.models import Application, ApplicationStatus
from tests.backoffice_support import PESEL as PESEL_OF_SAMPLE
from tests.backoffice_support import PNG, GraphStandIn, SmtpStandIn, sample
from tests.console_support import StaffClient
from tests.registration.support import template_pattern
from tests.registration.test_e2e_registration import PESEL, PL_UNTIL_SUMMARY, converse
from tests.responses import response_text
from tests.stack import ENV, ROOT, Stack, _stop, _wait, dump, free_port, texts
from tests.test_browser import AXE, browser  # noqa: F401 (module fixture: one Chromium)

PASSWORD = "correct horse battery"
WCAG = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}"
SLOW = 30_000  # ms: the machine is shared; a form answer may take Rasa several seconds
STORE = "virtualOfficial.v1"  # the widget's localStorage key (website/static/chat.js)


class BackOffice:
    """A console process on the test stack, with SMTP and the Graph API pointed at stand-ins."""

    def __init__(self, stack: Stack, workdir: Path) -> None:
        self.stack, self.workdir = stack, workdir
        self.port = free_port()
        self.smtp, self.graph = SmtpStandIn(), GraphStandIn()
        self.env: Dict[str, str] = {
            **ENV,
            "APP_DATABASE_URL": stack.app_db_url,
            "EVENTS_DATABASE_URL": f"sqlite:///{stack.events_db}",
            "RASA_URL": stack.url,
            "RASA_API_TOKEN": stack.token,
            "DOCUMENTS_DIR": str(workdir / "documents"),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.smtp.port),
            "WHATSAPP_GRAPH_API_URL": self.graph.url,
            "WHATSAPP_PHONE_NUMBER_ID": "555000",
            "WHATSAPP_ACCESS_TOKEN": "graph-token",
        }
        log = workdir / "backoffice-console.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "console", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        _wait(self.url + "/login", self.process, log, timeout=60)

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def stop(self) -> None:
        _stop(self.process)
        self.smtp.stop()
        self.graph.stop()


@pytest.fixture(scope="module")
def backoffice(rasa_stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackOffice]:
    server = BackOffice(rasa_stack, tmp_path_factory.mktemp("backoffice-e2e"))
    rasa_stack.add_staff("weryfikatorka", PASSWORD, "verifier", name="Ewa")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def contexts(browser: Browser) -> Iterator:  # noqa: F811 (the imported module fixture)
    opened = []

    def new(**options) -> Page:
        # axe-core is injected as an inline script, which the console's CSP rightly refuses
        context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900}, **options)
        opened.append(context)
        return context.new_page()

    yield new
    for context in opened:
        context.close()


def axe_violations(page: Page) -> list:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(f"async () => await axe.run(document, {WCAG})")
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def stored(stack: Stack, sender: str) -> Application:
    with session_scope(stack.app_db_url) as session:
        return session.query(Application).filter(Application.sender_id == sender).one()


def bot_messages(page: Page):
    return page.locator("#vo-log .vo-msg.bot")


def test_review_ask_for_a_field_resubmit_in_the_widget_accept_and_check_status(
    contexts, rasa_stack: Stack, backoffice: BackOffice, monkeypatch: pytest.MonkeyPatch
) -> None:
    sender = f"bo-{uuid.uuid4().hex[:12]}"
    converse(rasa_stack, sender, PL_UNTIL_SUMMARY + [("tak", "utter_reg_submitted")], "pl")
    application = stored(rasa_stack, sender)
    assert application.status is ApplicationStatus.SUBMITTED and application.channel == "rest"
    monkeypatch.setenv("DOCUMENTS_DIR", backoffice.env["DOCUMENTS_DIR"])
    with session_scope(rasa_stack.app_db_url) as session:  # the documents API, as the channels use it
        document = attach_document(session, session.get(Application, application.id), PNG, "socketio", "dowod.png")

    # --- the verifier: list, view, take, ask for the phone number ---------------------------------
    officer = contexts()
    officer.goto(backoffice.url + "/login")
    officer.get_by_label("Username").fill("weryfikatorka")
    officer.get_by_label("Password").fill(PASSWORD)
    officer.get_by_role("button", name="Log in").click()
    officer.get_by_role("link", name="Applications").first.click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Registration applications", timeout=SLOW)
    row = officer.locator(f'tr[data-reference="{application.reference}"]')
    expect(row).to_contain_text("Submitted", timeout=SLOW)
    expect(row).to_contain_text("J. K***", timeout=SLOW)
    assert PESEL not in officer.content()
    assert axe_violations(officer) == []
    row.get_by_role("link", name=application.reference).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(f"Application {application.reference}", timeout=SLOW)
    image = officer.get_by_role("img", name=re.compile(r"Document 1 \(PNG"))
    expect(image).to_be_visible(timeout=SLOW)
    assert officer.evaluate("(img) => img.naturalWidth", image.element_handle()) == 1  # served to the verifier
    expect(officer.locator("#app-data")).to_contain_text(PESEL, timeout=SLOW)
    expect(officer.locator("#transcript")).to_contain_text("Chcę zarejestrować firmę", timeout=SLOW)
    assert axe_violations(officer) == []
    officer.get_by_role("button", name="Take for review").click()
    expect(officer.locator("#app-status")).to_have_text("In review", timeout=SLOW)
    officer.get_by_label("Phone").check()
    officer.get_by_label("Note to the applicant (sent as written)").fill("Ten numer nie odpowiada.")
    officer.get_by_role("button", name="Ask the applicant").click()
    expect(officer.locator("#app-status")).to_have_text("Needs information", timeout=SLOW)
    expect(officer.locator("#history")).to_contain_text("asked for: Phone – Ten numer nie odpowiada.", timeout=SLOW)
    expect(officer.locator("#notifications")).to_contain_text("email – sent", timeout=SLOW)
    mails = [m for m in backoffice.smtp.messages if application.reference in str(m["message"]["Subject"])]
    assert mails and mails[-1]["to"] == ["jan.kowalski@example.com"]
    assert "Potrzebne: telefon." in mails[-1]["message"].get_content()
    assert axe_violations(officer) == []
    anonymous = requests.get(f"{backoffice.url}/applications/documents/{document.public_id}", timeout=10)
    assert anonymous.status_code == 401 and PNG not in anonymous.content

    # --- the applicant comes back in the widget (same conversation id) ---------------------------------
    applicant = contexts()
    state = {"sessionId": sender, "lang": "pl", "transcript": [], "open": True, "greeted": True}
    applicant.add_init_script(f"localStorage.setItem({json.dumps(STORE)}, {json.dumps(json.dumps(state))})")
    confirmed: list = []
    applicant.on(
        "websocket", lambda ws: ws.on("framereceived", lambda frame: confirmed.append("session_confirm" in str(frame)))
    )
    applicant.goto(rasa_stack.web_url + "/")
    # the widget joins its conversation's room on `session_confirm`; a message typed before that gets
    # its replies sent to a room nobody is in yet (the widget sends buffered messages first)
    for _ in range(100):
        if any(confirmed):
            break
        applicant.wait_for_timeout(100)
    assert any(confirmed), "the widget did not get session_confirm"
    applicant.get_by_label("Twoja wiadomość").fill("Dzień dobry")
    applicant.keyboard.press("Enter")
    intro = response_text("utter_application_amend_intro", "pl").split("{")[0]
    expect(bot_messages(applicant).filter(has_text=intro)).to_have_count(1, timeout=SLOW)
    expect(bot_messages(applicant).filter(has_text="Urząd prosi o: telefon.")).to_have_count(1, timeout=SLOW)
    expect(bot_messages(applicant).filter(has_text="Ten numer nie odpowiada.")).to_have_count(1, timeout=SLOW)
    expect(bot_messages(applicant).last).to_have_text(
        "Urzędnik: " + response_text("utter_ask_reg_phone", "pl"), timeout=SLOW
    )
    asked_before = bot_messages(applicant).count()
    applicant.get_by_label("Twoja wiadomość").fill("501 222 333")
    applicant.keyboard.press("Enter")
    resubmitted = response_text("utter_application_resubmitted", "pl").format(reference=application.reference)
    expect(bot_messages(applicant).last).to_have_text("Urzędnik: " + resubmitted, timeout=SLOW)
    new_lines = bot_messages(applicant).all_inner_texts()[asked_before:]
    assert not any("Proszę podać" in line for line in new_lines), new_lines  # no other field was asked
    after = stored(rasa_stack, sender)
    assert after.status is ApplicationStatus.IN_REVIEW and after.phone == "+48501222333"
    assert after.first_name == "Jan" and after.reviewer == "weryfikatorka"

    # --- accepted: the widget hears it live; the status check says accepted ------------------------
    officer.reload()
    expect(officer.locator("#app-data")).to_contain_text("+48501222333", timeout=SLOW)
    expect(officer.locator("#history")).to_contain_text("changed: phone", timeout=SLOW)
    officer.get_by_role("button", name="Accept").click()
    expect(officer.locator("#app-status")).to_have_text("Accepted", timeout=SLOW)
    accepted = response_text("utter_application_accepted", "pl").format(reference=application.reference)
    expect(bot_messages(applicant).last).to_have_text("Urzędnik: " + accepted, timeout=SLOW)
    expect(officer.locator("#notifications")).to_contain_text("socketio channel: live if open", timeout=SLOW)
    export = officer.request.get(f"{backoffice.url}/applications/{application.id}/export.json")
    assert export.status == 200 and export.json()["daneWnioskodawcy"]["pesel"] == PESEL
    assert export.json()["daneKontaktowe"]["telefon"] == "+48501222333"

    applicant.get_by_label("Twoja wiadomość").fill(f"status {application.reference}")
    applicant.keyboard.press("Enter")
    ask_digits = response_text("utter_ask_reg_status_pesel_digits", "pl")
    expect(bot_messages(applicant).last).to_have_text("Urzędnik: " + ask_digits, timeout=SLOW)
    applicant.get_by_label("Twoja wiadomość").fill(PESEL[-4:])
    applicant.keyboard.press("Enter")
    expect(bot_messages(applicant).last).to_have_text(
        re.compile("Urzędnik: " + template_pattern("utter_reg_status_accepted", "pl").pattern, re.DOTALL), timeout=SLOW
    )
    expect(bot_messages(applicant).last).to_contain_text("przyjęty", timeout=SLOW)


def reject_as_verifier(backoffice: BackOffice, application: Application) -> set:
    """Takes and rejects the application in the console's JSON API; the notification routes tried."""
    staff = StaffClient(backoffice.url)
    assert staff.login("weryfikatorka", PASSWORD).status_code == 302
    assert staff.post(f"/applications/{application.id}/take").status_code == 303
    response = staff.post(
        f"/applications/{application.id}/reject",
        {"reason": "identity_mismatch", "note": "Nazwisko różni się od rejestru PESEL."},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    return {(a["route"], a["outcome"]) for a in response.json()["notified"]}


def test_rejection_of_a_whatsapp_applicant_after_24_hours_goes_out_as_a_template(
    rasa_stack: Stack, backoffice: BackOffice
) -> None:
    sender = f"4860{uuid.uuid4().int % 10**7:07d}"
    with session_scope(rasa_stack.app_db_url) as session:  # filed over WhatsApp; no message in 24 hours
        application = submit_application(session, sample(channel="whatsapp", sender_id=sender, phone="+" + sender))
    before = len(backoffice.graph.requests)
    routes = reject_as_verifier(backoffice, application)
    assert routes == {("conversation", "skipped"), ("whatsapp_template", "sent")}
    [sent] = backoffice.graph.requests[before:]
    assert sent["path"] == "/v19.0/555000/messages" and sent["authorization"] == "Bearer graph-token"
    template = sent["body"]["template"]
    assert sent["body"]["to"] == sender and template["name"] == "application_status_update"
    parameters = [p["text"] for p in template["components"][0]["parameters"]]
    assert parameters[0] == application.reference
    assert "Powód: dane osobowe niezgodne z rejestrem PESEL." in parameters[1]
    # the conversation knows the decision too (silently), so an answer on WhatsApp continues from it
    events = rasa_stack.tracker(sender)["events"]
    texts = [e.get("text") or "" for e in events if e.get("event") == "bot"]
    assert any("Powód: dane osobowe niezgodne z rejestrem PESEL." in t for t in texts), texts
    with session_scope(rasa_stack.app_db_url) as session:
        kinds = [n.route for n in session.query(ApplicationNotification).filter_by(application_id=application.id)]
    assert kinds == ["conversation", "whatsapp_template"]

    # the status check by reference number tells the rejection and its reason
    checker = f"bo-status-{uuid.uuid4().hex[:8]}"
    asked = rasa_stack.say(checker, f"status {application.reference}")
    assert asked[-1]["text"] == response_text("utter_ask_reg_status_pesel_digits", "pl"), asked
    answer = rasa_stack.say(checker, PESEL_OF_SAMPLE[-4:])
    assert template_pattern("utter_reg_status_rejected", "pl").fullmatch(answer[0]["text"]), answer
    reason = "dane osobowe niezgodne z rejestrem PESEL – Nazwisko różni się od rejestru PESEL"
    assert answer[-1]["text"] == response_text("utter_application_rejection_reason", "pl").format(reason=reason)


def test_a_decision_made_while_the_widget_was_closed_is_repeated_once_on_the_next_visit(
    rasa_stack: Stack, backoffice: BackOffice
) -> None:
    sender = f"bo-web-{uuid.uuid4().hex[:10]}"
    with session_scope(rasa_stack.app_db_url) as session:  # filed in the web widget, which is closed now
        application = submit_application(session, sample(channel="socketio", sender_id=sender))
    routes = reject_as_verifier(backoffice, application)
    assert routes == {("conversation", "sent"), ("email", "sent")}

    back = rasa_stack.say(sender, "Dzień dobry")  # the next visit
    rejected = response_text("utter_application_rejected", "pl").format(
        reference=application.reference, reason="dane osobowe niezgodne z rejestrem PESEL"
    )
    assert texts(back).split("\n")[:2] == [response_text("utter_application_welcome_back", "pl"), rejected], dump(back)
    assert "Nazwisko różni się od rejestru PESEL." in texts(back)
    again = rasa_stack.say(sender, "Dzień dobry")  # told once: now a greeting is only a greeting
    assert texts(again) == response_text("utter_greet", "pl"), dump(again)
