"""Outgoing message shapes, sent over real HTTP to the stand-ins: WhatsApp text parts, reply buttons,
lists, numbered fallbacks, images, documents and templates; Twilio text parts and media."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Iterator

import pytest

from channels.conversation import option_payload
from channels.twilio_messaging import TwilioMessagingOutput
from channels.whatsapp import OPTION_PREFIX, WhatsAppOutput, _options, numbered
from services.channels import inbound
from services.channels.capabilities import capabilities
from services.channels.settings import TwilioSettings, WhatsAppSettings
from services.storage.db import dispose_engines
from services.storage.migrate import upgrade_to_head
from tests.channels import standins
from tests.channels.payloads import TWILIO_NUMBER

USER = "+48601234567"


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("APP_DATABASE_URL", url)
    upgrade_to_head(url)
    yield url
    dispose_engines()


@pytest.fixture
def whatsapp(graph_api, app_db) -> WhatsAppOutput:
    settings = WhatsAppSettings.load(
        {
            "access_token": standins.ACCESS_TOKEN,
            "phone_number_id": standins.PHONE_NUMBER_ID,
            "graph_api_url": graph_api.url,
            "api_version": standins.API_VERSION,
            "app_secret": "x",
            "verify_token": "y",
        }
    )
    return WhatsAppOutput(settings, language="en")


def _sent(graph_api, before: int):
    return [r["body"] for r in graph_api.sent(lambda r: r["kind"] == "message")][before:]


def test_whatsapp_shapes_inside_the_window(whatsapp, graph_api, app_db) -> None:
    inbound.claim("whatsapp", "wamid.IN1", USER, "text", app_db)  # the user wrote just now
    before = len(graph_api.sent(lambda r: r["kind"] == "message"))
    long_text = ("This sentence is part of a long answer. " * 250).strip()
    three = [{"title": t, "payload": f"/{t.lower()}"} for t in ("Yes", "No", "Maybe")]
    five = [{"title": f"Option number {n}", "payload": f'/choose{{"n":{n}}}'} for n in range(1, 6)]
    twelve = [{"title": f"Option {n}", "payload": f"/o{n}"} for n in range(1, 13)]

    async def send() -> None:
        await whatsapp.send_text_message(USER, long_text)
        await whatsapp.send_text_with_buttons(USER, "Pick one", three)
        await whatsapp.send_text_with_buttons(USER, "Pick a number", five)
        await whatsapp.send_text_with_buttons(USER, "Too many for a list", twelve)
        await whatsapp.send_image_url(USER, "https://office.example/map.png")
        await whatsapp.send_attachment(USER, {"url": "https://office.example/form.pdf", "filename": "CEIDG-1.pdf"})

    asyncio.run(send())
    sent = _sent(graph_api, before)
    texts = [m for m in sent if m["type"] == "text"]
    assert all(m["to"] == "48601234567" and m["messaging_product"] == "whatsapp" for m in sent)
    long_parts = [m["text"]["body"] for m in texts[:-1]]
    assert len(long_parts) == 3 and all(len(part) <= 4096 for part in long_parts)
    assert " ".join(long_parts) == long_text
    buttons = sent[3]["interactive"]
    assert buttons["type"] == "button" and [b["reply"]["id"] for b in buttons["action"]["buttons"]] == [
        "/yes",
        "/no",
        "/maybe",
    ]
    listed = sent[4]["interactive"]
    assert listed["type"] == "list" and listed["action"]["button"] == "Choose"
    assert len(listed["action"]["sections"][0]["rows"]) == 5
    assert texts[-1]["text"]["body"] == numbered("Too many for a list", [b["title"] for b in twelve])
    assert sent[6] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "48601234567",
        "type": "image",
        "image": {"link": "https://office.example/map.png"},
    }
    assert sent[7]["document"] == {"link": "https://office.example/form.pdf", "filename": "CEIDG-1.pdf"}


def test_whatsapp_outside_the_window_sends_a_template(whatsapp, graph_api, app_db) -> None:
    before = len(graph_api.sent(lambda r: r["kind"] == "message"))
    asyncio.run(whatsapp.send_text_message("+48609999999", "Your application needs a signature."))
    [template] = [m for m in _sent(graph_api, before) if m["type"] == "template"]
    assert template["template"]["name"] == "office_reply" and template["template"]["language"] == {"code": "en"}
    assert template["template"]["components"][0]["parameters"] == [
        {"type": "text", "text": "Your application needs a signature."}
    ]


def test_long_payloads_travel_as_option_numbers() -> None:
    long_payload = "/faq" + "x" * 300
    options = _options([{"title": "A", "payload": "/a"}, {"title": "B", "payload": long_payload}], 256)
    assert options == [("/a", "A"), (f"{OPTION_PREFIX}2", "B")]
    buttons = [{"title": "A", "payload": "/a"}, {"title": "B", "payload": long_payload}]
    assert option_payload("2", buttons) == (long_payload, "B")
    assert option_payload("3", buttons) is None and option_payload("dwa koty", buttons) is None


def test_twilio_text_parts_numbered_options_and_media(twilio_api, app_db) -> None:
    settings = TwilioSettings.load(
        {
            "account_sid": standins.TWILIO_SID,
            "auth_token": standins.TWILIO_TOKEN,
            "messaging_number": "whatsapp:" + TWILIO_NUMBER,
            "api_url": twilio_api.url,
        }
    )
    output = TwilioMessagingOutput(settings)
    long_text = ("Zdanie w długiej odpowiedzi. " * 120).strip()

    async def send() -> None:
        await output.send_text_message(USER, long_text)
        await output.send_text_with_buttons(USER, "Wybierz:", [{"title": "Tak"}, {"title": "Nie"}])
        await output.send_image_url(USER, "https://office.example/map.png")

    asyncio.run(send())
    sent = twilio_api.messages_to("whatsapp:" + USER)
    limit = capabilities("twilio").max_message_chars
    bodies = [m["Body"] for m in sent if m.get("Body")]
    assert all(len(body) <= limit for body in bodies) and " ".join(bodies[:-1]) == long_text
    assert bodies[-1] == "Wybierz:\n1. Tak\n2. Nie"
    assert sent[-1]["MediaUrl"] == "https://office.example/map.png"
    assert all(m["From"] == "whatsapp:" + TWILIO_NUMBER for m in sent)
