"""Webhook bodies shaped like the providers' documented examples, and signed the way they sign them.

Meta: "Webhooks > WhatsApp Business Account > messages" payload examples (text, interactive
button_reply / list_reply, button, image, document, audio, location, context, unsupported,
statuses). Twilio: the Messaging webhook's form parameters and the Voice webhook's call parameters.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any, Dict, List

import requests

from services.channels.signatures import meta_signature
from services.channels.twilio_api import signature_for
from tests.channels.standins import PHONE_NUMBER_ID, TWILIO_SID, TWILIO_TOKEN

APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
WABA_ID = "102290129340398"
OFFICE_NUMBER = "15550783881"
TWILIO_NUMBER = "+48221234567"


def new_wamid() -> str:
    return "wamid.HBgL" + uuid.uuid4().hex.upper()


def message(wa_id: str, kind: str, content: Dict[str, Any], **extra: Any) -> Dict[str, Any]:
    """One element of value.messages: {"from", "id", "timestamp", "type", <type>: {...}}."""
    body = {"from": wa_id, "id": new_wamid(), "timestamp": str(int(time.time())), "type": kind}
    if content is not None:
        body[kind] = content
    body.update(extra)
    return body


def text(wa_id: str, body: str, **extra: Any) -> Dict[str, Any]:
    return message(wa_id, "text", {"body": body}, **extra)


def button_reply(wa_id: str, button_id: str, title: str) -> Dict[str, Any]:
    return message(wa_id, "interactive", {"type": "button_reply", "button_reply": {"id": button_id, "title": title}})


def list_reply(wa_id: str, row_id: str, title: str) -> Dict[str, Any]:
    return message(
        wa_id, "interactive", {"type": "list_reply", "list_reply": {"id": row_id, "title": title, "description": ""}}
    )


def template_button(wa_id: str, payload: str, button_text: str) -> Dict[str, Any]:
    return message(
        wa_id, "button", {"payload": payload, "text": button_text}, context={"from": OFFICE_NUMBER, "id": new_wamid()}
    )


def image(wa_id: str, media_id: str, mime_type: str = "image/jpeg", caption: str | None = None) -> Dict[str, Any]:
    content = {"mime_type": mime_type, "sha256": "0" * 64, "id": media_id}
    if caption:
        content["caption"] = caption
    return message(wa_id, "image", content)


def document(wa_id: str, media_id: str, filename: str, mime_type: str = "application/pdf") -> Dict[str, Any]:
    return message(
        wa_id, "document", {"filename": filename, "mime_type": mime_type, "sha256": "0" * 64, "id": media_id}
    )


def audio(wa_id: str, media_id: str) -> Dict[str, Any]:
    return message(
        wa_id, "audio", {"mime_type": "audio/ogg; codecs=opus", "sha256": "0" * 64, "id": media_id, "voice": True}
    )


def location(wa_id: str, latitude: float, longitude: float, name: str, address: str) -> Dict[str, Any]:
    return message(wa_id, "location", {"latitude": latitude, "longitude": longitude, "name": name, "address": address})


def unsupported(wa_id: str) -> Dict[str, Any]:
    return message(
        wa_id,
        "unsupported",
        None,
        errors=[
            {
                "code": 131051,
                "title": "Message type unknown",
                "message": "Message type unknown",
                "error_data": {"details": "Message type is currently not supported."},
            }
        ],
    )


def sticker(wa_id: str) -> Dict[str, Any]:
    return message(
        wa_id, "sticker", {"mime_type": "image/webp", "sha256": "0" * 64, "id": "sticker-1", "animated": False}
    )


def status(wamid: str, wa_id: str, state: str = "delivered") -> Dict[str, Any]:
    return {
        "id": wamid,
        "status": state,
        "timestamp": str(int(time.time())),
        "recipient_id": wa_id,
        "conversation": {"id": uuid.uuid4().hex, "origin": {"type": "service"}},
        "pricing": {"billable": True, "pricing_model": "CBP", "category": "service"},
    }


def notification(
    messages: List[Dict[str, Any]] | None = None, statuses: List[Dict[str, Any]] | None = None, name: str = "Jan"
) -> Dict[str, Any]:
    value: Dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": OFFICE_NUMBER, "phone_number_id": PHONE_NUMBER_ID},
    }
    if messages:
        value["contacts"] = [{"profile": {"name": name}, "wa_id": m["from"]} for m in messages[:1]]
        value["messages"] = messages
    if statuses:
        value["statuses"] = statuses
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": WABA_ID, "changes": [{"value": value, "field": "messages"}]}],
    }


def post_whatsapp(rasa_url: str, body: Any, secret: str = APP_SECRET, raw: bytes | None = None) -> requests.Response:
    data = raw if raw is not None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": meta_signature(secret, data)}
    return requests.post(f"{rasa_url}/webhooks/whatsapp/webhook", data=data, headers=headers, timeout=60)


# --- Twilio ----------------------------------------------------------------------------------------
def twilio_message(sender: str, body: str = "", whatsapp: bool = True, **extra: str) -> Dict[str, str]:
    prefix = "whatsapp:" if whatsapp else ""
    params = {
        "MessageSid": "SM" + uuid.uuid4().hex,
        "SmsMessageSid": "",
        "AccountSid": TWILIO_SID,
        "MessagingServiceSid": "",
        "From": prefix + sender,
        "To": prefix + TWILIO_NUMBER,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
    params["SmsMessageSid"] = params["MessageSid"]
    if whatsapp:
        params.update({"ProfileName": "Jan", "WaId": sender.lstrip("+")})
    params.update(extra)
    return params


def twilio_call(caller: str, call_sid: str, **extra: str) -> Dict[str, str]:
    params = {
        "CallSid": call_sid,
        "AccountSid": TWILIO_SID,
        "From": caller,
        "To": TWILIO_NUMBER,
        "CallStatus": "in-progress",
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
        "Caller": caller,
        "Called": TWILIO_NUMBER,
    }
    params.update(extra)
    return params


def post_twilio(url: str, params: Dict[str, str], token: str = TWILIO_TOKEN, signed_url: str | None = None):
    """POST form params with the X-Twilio-Signature Twilio computes over the URL and the params."""
    signature = signature_for(token, signed_url or url, params)
    return requests.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=60)
