"""Malformed webhook bodies get a 4xx, never a 5xx; the web widget's upload refuses bad files clearly."""

from __future__ import annotations

import json
import random

import pytest
import requests

from tests.channels import payloads as p
from tests.channels.support import jpeg, matches, pdf

SIGNED_BODIES = [
    b"",
    b"{",
    b'{"object": "whatsapp_business_account", "entry": [{"changes": [',  # truncated JSON
    b"[]",
    b"null",
    b'"text"',
    b'{"object": "page", "entry": []}',
    b'{"object": "whatsapp_business_account", "entry": "x"}',
    b'{"object": "whatsapp_business_account", "entry": [{"changes": 5}]}',
    b'{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": []}]}]}',
    json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"changes": [{"field": "messages", "value": {"messages": [{"id": 5, "from": [], "type": {}}]}}]}],
        }
    ).encode(),
    json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"changes": [{"field": "messages", "value": {"statuses": [{"id": None}]}}]}],
        }
    ).encode(),
    b"\xff\xfe\x00garbage",
]


@pytest.mark.parametrize("raw", SIGNED_BODIES, ids=range(len(SIGNED_BODIES)))
def test_whatsapp_malformed_signed_bodies_are_4xx(channel_stack, raw: bytes) -> None:
    response = p.post_whatsapp(channel_stack.url, None, raw=raw)
    assert 400 <= response.status_code < 500, (raw, response.status_code, response.text)


def test_whatsapp_random_and_huge_bodies_are_4xx(channel_stack) -> None:
    rng = random.Random(12)
    valid = json.dumps(p.notification([p.text("48601234567", "Dzień dobry")])).encode()
    bodies = [valid[: rng.randrange(1, len(valid))] for _ in range(15)]
    bodies += [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))) for _ in range(10)]
    bodies.append(b"{" + b'"a":' * 250_000 + b"1}")  # 1 MB
    for raw in bodies:
        for signed in (True, False):
            if signed:
                response = p.post_whatsapp(channel_stack.url, None, raw=raw)
            else:
                response = requests.post(f"{channel_stack.url}/webhooks/whatsapp/webhook", data=raw)
            assert 400 <= response.status_code < 500, (raw[:80], signed, response.status_code)
    unsigned_mb = requests.post(f"{channel_stack.url}/webhooks/whatsapp/webhook", data=b"x" * (1024 * 1024))
    assert unsigned_mb.status_code == 413


@pytest.mark.parametrize("path", ["/webhooks/twilio/webhook", "/webhooks/twilio_voice/webhook"])
def test_twilio_malformed_bodies_are_4xx(channel_stack, path: str) -> None:
    url = channel_stack.url + path
    cases = [
        requests.post(url, data=b"\xff\xfe=\x00", headers={"X-Twilio-Signature": "x"}),
        requests.post(url, data=b"a" * (1024 * 1024), headers={"X-Twilio-Signature": "x"}),
        requests.post(url, json={"From": "+48601234567"}),
        p.post_twilio(url, {"From": "+48601234567"}),  # signed, but no MessageSid / CallSid
        p.post_twilio(url, {"MessageSid": "SM1", "CallSid": "", "From": "", "NumMedia": "many"}),
    ]
    for response in cases:
        assert 400 <= response.status_code < 500, (response.status_code, response.text)


def _upload(stack, sender: str, name: str, data: bytes, content_type: str) -> requests.Response:
    return requests.post(
        f"{stack.url}/webhooks/documents/upload",
        data={"sender": sender},
        files={"file": (name, data, content_type)},
        timeout=60,
    )


def test_web_upload_confirms_and_refuses_with_clear_messages(channel_stack, sender) -> None:
    channel_stack.say(sender, "Dzień dobry")  # the widget's conversation exists before its upload button works
    ok = _upload(channel_stack, sender, "dowod.jpg", jpeg(), "image/jpeg")
    assert ok.status_code == 201 and ok.json()["accepted"] is True
    assert matches(ok.json()["text"], "utter_document_for_consultant", "pl") and "JPEG" in ok.json()["text"]

    renamed = _upload(channel_stack, sender, "skan.pdf", b"MZ\x90\x00 an executable", "application/pdf")
    assert renamed.status_code == 415 and renamed.json()["accepted"] is False
    assert matches(renamed.json()["text"], "utter_document_wrong_type", "pl")

    big = _upload(channel_stack, sender, "duzy.pdf", pdf() + b"\x00" * (1024 * 1024), "application/pdf")
    assert big.status_code == 413 and matches(big.json()["text"], "utter_document_too_large", "pl")
    assert "1 MB" in big.json()["text"]

    # the conversation's language decides the language of the answer
    channel_stack.say(sender, "Hello, I would like to ask about taxes in English please")
    english = _upload(channel_stack, sender, "form.png", b"GIF89a....", "image/png")
    assert english.status_code == 415 and matches(english.json()["text"], "utter_document_wrong_type", "en")


def test_web_upload_needs_a_chat_session(channel_stack) -> None:
    url = f"{channel_stack.url}/webhooks/documents/upload"
    assert requests.post(url, files={"file": ("a.pdf", pdf(), "application/pdf")}).status_code == 400
    # a phone number is not a web session: nobody can attach files to a caller's application
    phone = requests.post(url, data={"sender": "+48601234567"}, files={"file": ("a.pdf", pdf(), "application/pdf")})
    assert phone.status_code == 400
    assert requests.post(url, data={"sender": "abcdefgh1234"}).status_code == 400
    # a session id that never talked to the assistant
    unknown = requests.post(
        url, data={"sender": "never-talked-1234"}, files={"file": ("a.pdf", pdf(), "application/pdf")}
    )
    assert unknown.status_code == 400 and "conversation" in unknown.json()["error"]
