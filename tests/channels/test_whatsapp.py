"""WhatsApp Cloud API connector against the real Rasa server and a stand-in Graph API.

Webhook bodies are shaped like Meta's documented examples (tests/channels/payloads.py) and signed
with the app secret the way Meta signs them.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from sqlalchemy import select

from services.channels.models import DeliveryStatus, InboundMessage
from services.documents.models import Document
from services.storage.db import session_scope
from tests.channels import payloads as wa
from tests.channels.support import jpeg, matches, pdf, png, texts_sent, to


def _messages(graph_api, number: str, count: int, since: int = 0):
    """The Graph API messages to `number` once there are `since + count` of them (the new ones)."""
    graph_api.wait_for(lambda r: r["kind"] == "message" and r["body"]["to"] == to(number), since + count)
    return graph_api.messages_to(to(number))[since:]


def _reply(graph_api, number: str, name: str, language: str = "pl", timeout: float = 60):
    """The first message to `number` that is response `name`; with the count of messages so far."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        sent = graph_api.messages_to(to(number))
        for body in sent:
            if any(matches(text, name, language) for text in texts_sent([body])):
                return body
        time.sleep(0.2)
    raise AssertionError(f"no {name} ({language}) sent to {number}; sent: {graph_api.messages_to(to(number))}")


def test_verification_handshake(channel_stack) -> None:
    url = f"{channel_stack.url}/webhooks/whatsapp/webhook"
    ok = requests.get(
        url, params={"hub.mode": "subscribe", "hub.verify_token": wa.VERIFY_TOKEN, "hub.challenge": "1158201444"}
    )
    assert ok.status_code == 200 and ok.text == "1158201444"
    wrong = requests.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"})
    assert wrong.status_code == 403 and "1" not in wrong.text


def test_bad_or_missing_signature_is_refused_before_parsing(channel_stack, caller, graph_api) -> None:
    body = wa.notification([wa.text(to(caller), "Dzień dobry")])
    assert wa.post_whatsapp(channel_stack.url, body, secret="not-the-app-secret").status_code == 403
    unsigned = requests.post(f"{channel_stack.url}/webhooks/whatsapp/webhook", json=body)
    assert unsigned.status_code == 403
    # not even valid JSON: still 403, the body is not looked at without a valid signature
    garbage = requests.post(
        f"{channel_stack.url}/webhooks/whatsapp/webhook",
        data=b"{not json",
        headers={"X-Hub-Signature-256": "sha256=00"},
    )
    assert garbage.status_code == 403
    time.sleep(1)
    assert graph_api.messages_to(to(caller)) == []
    assert channel_stack.tracker(caller)["events"] in ([], None) or not any(
        e["event"] == "user" for e in channel_stack.tracker(caller)["events"]
    )


def test_text_then_list_reply_then_reply_buttons(channel_stack, caller, graph_api) -> None:
    response = wa.post_whatsapp(channel_stack.url, wa.notification([wa.text(to(caller), "Dzień dobry")]))
    assert response.status_code == 200 and response.json()["messages"] == 1
    [greeting] = _messages(graph_api, caller, 1)
    # "Rozmowa z konsultantem" is longer than a reply button's 20 characters: a list message
    assert greeting["type"] == "interactive" and greeting["interactive"]["type"] == "list"
    rows = greeting["interactive"]["action"]["sections"][0]["rows"]
    assert [r["title"] for r in rows] == ["Zarejestruj firmę", "Rozmowa z konsultantem"]
    assert rows[0]["id"] == "/start_registration"
    assert matches(greeting["interactive"]["body"]["text"], "utter_greet", "pl")

    wa.post_whatsapp(channel_stack.url, wa.notification([wa.list_reply(to(caller), rows[0]["id"], rows[0]["title"])]))
    question = _reply(graph_api, caller, "utter_ask_reg_first_name")
    assert question["type"] == "text"

    wa.post_whatsapp(channel_stack.url, wa.notification([wa.text(to(caller), "anuluj")]))
    confirm = _reply(graph_api, caller, "utter_reg_confirm_cancel")
    # two short options: reply buttons carrying the payloads
    assert confirm["interactive"]["type"] == "button"
    buttons = confirm["interactive"]["action"]["buttons"]
    assert [b["reply"]["title"] for b in buttons] == ["Tak, anuluj", "Nie, kontynuuj"]
    assert [b["reply"]["id"] for b in buttons] == ["/affirm", "/deny"]
    wa.post_whatsapp(channel_stack.url, wa.notification([wa.button_reply(to(caller), "/affirm", "Tak, anuluj")]))
    _reply(graph_api, caller, "utter_reg_cancelled")


def test_two_messages_in_one_body_and_a_replayed_id(channel_stack, caller, graph_api) -> None:
    first, second = wa.text(to(caller), "Hello, good morning"), wa.text(to(caller), "I want to register my business")
    body = wa.notification([first, second])
    assert wa.post_whatsapp(channel_stack.url, body).json()["messages"] == 2
    _reply(graph_api, caller, "utter_greet", "en")
    _reply(graph_api, caller, "utter_ask_reg_first_name", "en")
    sent = len(graph_api.messages_to(to(caller)))
    # Meta retries the same body: nothing is processed twice
    again = wa.post_whatsapp(channel_stack.url, body)
    assert again.status_code == 200 and again.json()["messages"] == 0
    time.sleep(3)
    assert len(graph_api.messages_to(to(caller))) == sent
    user_texts = [e["text"] for e in channel_stack.tracker(caller)["events"] if e["event"] == "user"]
    assert user_texts == ["Hello, good morning", "I want to register my business"]


def test_status_updates_are_recorded_not_processed(channel_stack, caller, graph_api) -> None:
    wamid = wa.new_wamid()
    body = wa.notification(statuses=[wa.status(wamid, to(caller), "sent"), wa.status(wamid, to(caller), "delivered")])
    response = wa.post_whatsapp(channel_stack.url, body)
    assert response.status_code == 200 and response.json() == {"status": "ok", "messages": 0, "statuses": 2}
    with session_scope(channel_stack.app_db_url) as session:
        rows = session.scalars(select(DeliveryStatus).where(DeliveryStatus.message_id == wamid)).all()
        assert [(r.status, r.recipient, r.channel) for r in rows] == [
            ("sent", caller, "whatsapp"),
            ("delivered", caller, "whatsapp"),
        ]
    time.sleep(1)
    assert graph_api.messages_to(to(caller)) == []
    assert not any(e["event"] == "user" for e in channel_stack.tracker(caller)["events"])


def test_template_quick_reply_location_and_context(channel_stack, caller, graph_api) -> None:
    wa.post_whatsapp(channel_stack.url, wa.notification([wa.template_button(to(caller), "/greet", "Dzień dobry")]))
    _reply(graph_api, caller, "utter_greet")
    place = wa.location(to(caller), 52.2297, 21.0122, "Urząd Dzielnicy", "ul. Długa 5, Warszawa")
    replied = wa.text(to(caller), "Dziękuję", context={"from": wa.OFFICE_NUMBER, "id": "wamid.PREVIOUS"})
    wa.post_whatsapp(channel_stack.url, wa.notification([place, replied]))
    deadline, users = time.time() + 60, []
    while len(users) < 3 and time.time() < deadline:
        time.sleep(0.5)
        users = [e for e in channel_stack.tracker(caller)["events"] if e["event"] == "user"]
    assert users[0]["text"] == "/greet"
    assert users[1]["text"] == "Urząd Dzielnicy, ul. Długa 5, Warszawa"
    assert users[1]["metadata"]["whatsapp"]["location"]["latitude"] == 52.2297
    assert users[2]["metadata"]["whatsapp"]["reply_to"] == "wamid.PREVIOUS"
    assert all(u["input_channel"] == "whatsapp" for u in users)


def test_audio_and_unsupported_types_get_a_polite_answer(channel_stack, caller, graph_api) -> None:
    graph_api.media["voice-note-1"] = (b"OggS" + b"\x00" * 100, "audio/ogg; codecs=opus")
    body = wa.notification([wa.audio(to(caller), "voice-note-1"), wa.unsupported(to(caller)), wa.sticker(to(caller))])
    wa.post_whatsapp(channel_stack.url, body)
    answers = texts_sent(_messages(graph_api, caller, 3))
    assert matches(answers[0], "utter_channel_audio_unsupported", "pl")
    assert matches(answers[1], "utter_channel_unsupported_message", "pl")
    assert matches(answers[2], "utter_channel_unsupported_message", "pl")


def test_photo_and_pdf_are_stored_privately_and_confirmed(channel_stack, caller, graph_api) -> None:
    graph_api.media["photo-1"] = (jpeg(), "image/jpeg")
    graph_api.media["scan-1"] = (pdf(), "application/pdf")
    graph_api.media["png-1"] = (png(), "image/png")
    body = wa.notification(
        [
            wa.image(to(caller), "photo-1", caption="dowód"),
            wa.document(to(caller), "scan-1", "../../etc/passwd.pdf"),
            wa.image(to(caller), "png-1", mime_type="image/png"),
        ]
    )
    wa.post_whatsapp(channel_stack.url, body)
    answers = texts_sent(_messages(graph_api, caller, 3))
    assert all(matches(a, "utter_document_for_consultant", "pl") for a in answers), answers
    assert ["JPEG" in answers[0], "PDF" in answers[1], "PNG" in answers[2]] == [True, True, True]
    with session_scope(channel_stack.app_db_url) as session:
        documents = session.scalars(select(Document).where(Document.sender_id == caller).order_by(Document.id)).all()
        assert [(d.kind, d.status, d.channel) for d in documents] == [
            ("jpeg", "awaiting_consultant", "whatsapp"),
            ("pdf", "awaiting_consultant", "whatsapp"),
            ("png", "awaiting_consultant", "whatsapp"),
        ]
        assert documents[1].original_name == "passwd.pdf"  # a label only: path parts dropped
        folder = channel_stack.workdir / "documents"
        for document in documents:
            stored = folder / document.storage_name
            assert stored.parent == folder and "passwd" not in document.storage_name
            assert stored.stat().st_mode & 0o077 == 0, "readable by other users"
        assert (folder / documents[1].storage_name).read_bytes() == pdf()
    # the Rasa server serves no file of them
    for document in documents:
        for path in (document.storage_name, f"documents/{document.storage_name}"):
            assert requests.get(f"{channel_stack.url}/{path}").status_code == 404


def test_wrong_type_and_oversized_files_are_refused(channel_stack, caller, graph_api) -> None:
    graph_api.media["gif-1"] = (b"GIF89a" + b"\x00" * 100, "image/jpeg")  # declared JPEG, really GIF
    graph_api.media["big-1"] = (pdf() + b"\x00" * (1024 * 1024), "application/pdf")  # limit in tests: 1 MB
    body = wa.notification([wa.image(to(caller), "gif-1"), wa.document(to(caller), "big-1", "skan.pdf")])
    wa.post_whatsapp(channel_stack.url, body)
    answers = texts_sent(_messages(graph_api, caller, 2))
    assert matches(answers[0], "utter_document_wrong_type", "pl")
    assert matches(answers[1], "utter_document_too_large", "pl") and "1 MB" in answers[1]
    with session_scope(channel_stack.app_db_url) as session:
        assert session.scalars(select(Document).where(Document.sender_id == caller)).all() == []


def test_long_answers_are_split_and_a_closed_window_uses_a_template(channel_stack, caller, graph_api) -> None:
    from services.channels.capabilities import capabilities

    limit = capabilities("whatsapp").max_message_chars
    # a user wrote 25 hours ago: the 24-hour window is closed, so a reminder must be a template
    with session_scope(channel_stack.app_db_url) as session:
        session.add(
            InboundMessage(
                channel="whatsapp",
                message_id=wa.new_wamid(),
                sender=caller,
                message_type="text",
                received_at=datetime.now(timezone.utc) - timedelta(hours=25),
            )
        )
    created = requests.post(
        f"{channel_stack.url}/conversations/{caller}/tracker/events",
        params={"token": channel_stack.token},
        json=[{"event": "slot", "name": "language", "value": "pl"}],
        timeout=60,
    )
    assert created.status_code == 200, created.text
    execute = requests.post(
        f"{channel_stack.url}/conversations/{caller}/execute",
        params={"token": channel_stack.token, "output_channel": "whatsapp"},
        json={"name": "utter_reg_cancelled"},
        timeout=60,
    )
    assert execute.status_code == 200, execute.text
    [template] = _messages(graph_api, caller, 1)
    assert template["type"] == "template" and template["template"]["name"] == "office_reply"
    assert template["template"]["language"] == {"code": "pl"}
    [parameter] = template["template"]["components"][0]["parameters"]
    assert matches(parameter["text"], "utter_reg_cancelled", "pl")

    # once the user writes again, free-form text is allowed; a long text comes in 4,096-character parts
    from services.channels.whatsapp_api import text_payloads

    parts = text_payloads(caller, ("Zdanie testowe numer jeden. " * 400).strip())
    assert len(parts) == 3 and all(len(p["text"]["body"]) <= limit for p in parts)
    assert " ".join(p["text"]["body"] for p in parts) == ("Zdanie testowe numer jeden. " * 400).strip()


def test_documents_folder_is_outside_the_web_root(channel_stack) -> None:
    web_root = Path(__file__).resolve().parents[2] / "website" / "static"
    folder = (channel_stack.workdir / "documents").resolve()
    assert web_root not in folder.parents
    from services.documents import intake

    assert (Path(intake.PROJECT_ROOT) / "website" / "static") not in (intake.PROJECT_ROOT / "var" / "documents").parents
