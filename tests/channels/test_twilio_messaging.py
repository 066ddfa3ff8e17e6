"""Twilio WhatsApp/SMS connector against the real Rasa server and a stand-in of Twilio's REST API."""

from __future__ import annotations

import time

import requests
from sqlalchemy import select

from services.channels.models import DeliveryStatus
from services.documents.models import Document
from services.storage.db import session_scope
from tests.channels import payloads as tw
from tests.channels.support import jpeg, matches, pdf

URL = "/webhooks/twilio/webhook"


def _replies(twilio_api, number: str, count: int, timeout: float = 60):
    address = "whatsapp:" + number
    twilio_api.wait_for(lambda r: r["kind"] == "message" and r["form"].get("To") == address, count, timeout)
    return twilio_api.messages_to(address)


def _wait_reply(twilio_api, number: str, name: str, language: str = "pl") -> dict:
    deadline = time.time() + 60
    while time.time() < deadline:
        for form in twilio_api.messages_to("whatsapp:" + number):
            if matches(form.get("Body", "").split("\n1. ")[0], name, language):
                return form
        time.sleep(0.2)
    raise AssertionError(f"no {name}; sent: {twilio_api.messages_to('whatsapp:' + number)}")


def test_signature_is_required(channel_stack, caller, twilio_api) -> None:
    url = channel_stack.url + URL
    params = tw.twilio_message(caller, "Dzień dobry")
    assert tw.post_twilio(url, params, token="wrong").status_code == 403
    assert requests.post(url, data=params).status_code == 403
    tampered = requests.post(
        url,
        data={**params, "Body": "Inny tekst"},
        headers={"X-Twilio-Signature": tw.signature_for(tw.TWILIO_TOKEN, url, params)},
    )
    assert tampered.status_code == 403
    time.sleep(1)
    assert twilio_api.messages_to("whatsapp:" + caller) == []


def test_text_gets_numbered_options_and_a_number_picks_one(channel_stack, caller, twilio_api) -> None:
    url = channel_stack.url + URL
    response = tw.post_twilio(url, tw.twilio_message(caller, "Dzień dobry"))
    assert response.status_code == 200 and "<Response" in response.text
    greeting = _wait_reply(twilio_api, caller, "utter_greet")
    assert greeting["From"] == "whatsapp:" + tw.TWILIO_NUMBER
    assert greeting["Body"].endswith("\n1. Zarejestruj firmę\n2. Rozmowa z konsultantem")
    tw.post_twilio(url, tw.twilio_message(caller, "1"))
    _wait_reply(twilio_api, caller, "utter_ask_reg_first_name")
    users = [e for e in channel_stack.tracker(caller)["events"] if e["event"] == "user"]
    assert [u["text"] for u in users] == ["Dzień dobry", "/start_registration"]
    assert users[0]["input_channel"] == "twilio" and users[0]["metadata"]["twilio"]["whatsapp"] is True


def test_replayed_message_sid_is_processed_once(channel_stack, caller, twilio_api) -> None:
    url = channel_stack.url + URL
    params = tw.twilio_message(caller, "Dzień dobry")
    tw.post_twilio(url, params)
    _replies(twilio_api, caller, 1)
    assert tw.post_twilio(url, params).status_code == 200
    time.sleep(3)
    assert len(twilio_api.messages_to("whatsapp:" + caller)) == 1
    assert len([e for e in channel_stack.tracker(caller)["events"] if e["event"] == "user"]) == 1


def test_media_are_taken_in_as_documents(channel_stack, caller, twilio_api) -> None:
    twilio_api.media["ME1"] = (jpeg(), "image/jpeg")
    twilio_api.media["ME2"] = (pdf(), "application/pdf")
    twilio_api.media["ME3"] = (b"<html>not a document</html>", "application/pdf")
    params = tw.twilio_message(
        caller,
        "",
        NumMedia="3",
        MediaUrl0=f"{twilio_api.url}/media/ME1",
        MediaContentType0="image/jpeg",
        MediaUrl1=f"{twilio_api.url}/media/ME2",
        MediaContentType1="application/pdf",
        MediaUrl2=f"{twilio_api.url}/media/ME3",
        MediaContentType2="application/pdf",
    )
    tw.post_twilio(channel_stack.url + URL, params)
    bodies = [form["Body"] for form in _replies(twilio_api, caller, 3)]
    assert matches(bodies[0], "utter_document_for_consultant", "pl") and "JPEG" in bodies[0]
    assert matches(bodies[1], "utter_document_for_consultant", "pl") and "PDF" in bodies[1]
    assert matches(bodies[2], "utter_document_wrong_type", "pl")
    with session_scope(channel_stack.app_db_url) as session:
        kinds = session.scalars(select(Document.kind).where(Document.sender_id == caller).order_by(Document.id)).all()
        assert kinds == ["jpeg", "pdf"]


def test_sms_and_status_callbacks(channel_stack, caller, twilio_api) -> None:
    url = channel_stack.url + URL
    sid = "SM" + "1" * 32
    status = {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": tw.TWILIO_SID,
        "From": "whatsapp:" + tw.TWILIO_NUMBER,
        "To": "whatsapp:" + caller,
        "MessageStatus": "delivered",
        "SmsStatus": "delivered",
        "ApiVersion": "2010-04-01",
    }
    assert tw.post_twilio(url, status).status_code == 200
    with session_scope(channel_stack.app_db_url) as session:
        row = session.scalars(select(DeliveryStatus).where(DeliveryStatus.message_id == sid)).one()
        assert (row.channel, row.status, row.recipient) == ("twilio", "delivered", caller)
    # an SMS (no "whatsapp:" prefix) is a message from the same person as on WhatsApp
    tw.post_twilio(url, tw.twilio_message(caller, "Dzień dobry", whatsapp=False))
    deadline = time.time() + 60
    while time.time() < deadline and not any(e["event"] == "user" for e in channel_stack.tracker(caller)["events"]):
        time.sleep(0.3)
    assert [e["text"] for e in channel_stack.tracker(caller)["events"] if e["event"] == "user"] == ["Dzień dobry"]


def test_quick_reply_of_a_content_template_arrives_as_its_payload(channel_stack, caller, twilio_api) -> None:
    params = tw.twilio_message(
        caller, "Zarejestruj firmę", ButtonText="Zarejestruj firmę", ButtonPayload="/start_registration"
    )
    tw.post_twilio(channel_stack.url + URL, params)
    _wait_reply(twilio_api, caller, "utter_ask_reg_first_name")
    users = [e for e in channel_stack.tracker(caller)["events"] if e["event"] == "user"]
    assert [u["text"] for u in users] == ["/start_registration"]
