"""WhatsApp Cloud API connector (Meta), named `channels.whatsapp.WhatsAppInput` in credentials.yml.

Webhook: GET /webhooks/whatsapp/webhook answers Meta's verification handshake; POST receives
notifications. A POST is refused with 403 unless its X-Hub-Signature-256 matches the app secret,
before the body is parsed. Each message id is claimed in the application database, so Meta's
retries are processed once even with several Rasa instances. The reply is 200 at once and the
messages are handled in the background (Meta retries slow webhooks).

The conversation id is the user's E.164 number, the same as on the phone channel, so a caller who
moves to WhatsApp keeps the conversation.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Set, Tuple

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import conversation
from channels.documents import acknowledge_document
from services.channels import inbound
from services.channels.capabilities import capabilities, split_text
from services.channels.numbers import e164_or_none
from services.channels.settings import WhatsAppSettings, max_document_bytes
from services.channels.signatures import meta_signature_valid
from services.channels.whatsapp_api import (
    CONTINUE_PAYLOAD,
    MAX_BUTTON_ID,
    MAX_INTERACTIVE_BODY,
    MAX_ROW_ID,
    GraphApiError,
    GraphClient,
    MediaTooLarge,
    buttons_payload,
    list_payload,
    media_payload,
    template_payload,
    text_payloads,
)

logger = logging.getLogger(__name__)

CHANNEL = "whatsapp"
MAX_BODY_BYTES = 256 * 1024  # Meta's notifications are a few kilobytes
OPTION_PREFIX = "opt:"  # a button id standing for the n-th option when the payload is too long
MEDIA_TYPES = ("image", "document")
IGNORED_TYPES = ("reaction",)  # a thumbs-up on our message needs no answer
_background: Set[asyncio.Task] = set()


def _sender(raw: str) -> str:
    return e164_or_none(raw) or "+" + "".join(ch for ch in raw if ch.isdigit())[:20]


class WhatsAppOutput(OutputChannel):
    """Sends Rasa's replies through the Graph API, shaped by the capabilities table."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def __init__(self, settings: WhatsAppSettings, language: str = "pl") -> None:
        self.settings = settings
        self.language = language
        self.client = GraphClient(settings)
        self.caps = capabilities(CHANNEL)

    async def _send(self, payload: Dict[str, Any]) -> str | None:
        try:
            return await self.client.send(payload)
        except (GraphApiError, aiohttp.ClientError, OSError, asyncio.TimeoutError) as error:
            logger.error("WhatsApp message to %s not sent: %s", payload.get("to", "?")[-4:], error)
            return None

    async def _window_closed(self, recipient_id: str) -> bool:
        return not await asyncio.to_thread(inbound.window_open, CHANNEL, recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        if await self._window_closed(recipient_id):
            # Outside the 24-hour window only an approved template may be sent.
            await self._send(template_payload(recipient_id, self.settings.reply_template, self.language, [text]))
            return
        for payload in text_payloads(recipient_id, text):
            await self._send(payload)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        titles = [str(b.get("title") or "") for b in buttons]
        if await self._window_closed(recipient_id) or len(text) > MAX_INTERACTIVE_BODY:
            await self.send_text_message(recipient_id, numbered(text, titles))
            return
        if self.caps.fits_reply_buttons(titles):
            options = _options(buttons, MAX_BUTTON_ID)
            await self._send(buttons_payload(recipient_id, text, options))
        elif self.caps.fits_list(titles):
            options = _options(buttons, MAX_ROW_ID)
            await self._send(list_payload(recipient_id, text, options, self.language))
        else:
            await self.send_text_message(recipient_id, numbered(text, titles))

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies, **kwargs)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._send(media_payload(recipient_id, "image", image))

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        if isinstance(attachment, dict) and attachment.get("url"):
            link, filename = attachment["url"], attachment.get("filename")
        else:
            link, filename = str(attachment), None
        await self._send(media_payload(recipient_id, "document", link, filename=filename))

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        """A `{"whatsapp": {...}}` custom message is sent as that Graph API payload (e.g. a template)."""
        payload = json_message.get(CHANNEL) if isinstance(json_message, dict) else None
        if isinstance(payload, dict):
            await self._send({"messaging_product": "whatsapp", "to": recipient_id.lstrip("+"), **payload})


def numbered(text: str, titles: List[str]) -> str:
    """Options as numbered lines; the user answers with the number (see conversation.option_payload)."""
    return text + "\n" + "\n".join(f"{number}. {title}" for number, title in enumerate(titles, 1))


def _options(buttons: List[Dict[str, Any]], max_id: int) -> List[Tuple[str, str]]:
    options = []
    for number, button in enumerate(buttons, 1):
        payload = str(button.get("payload") or button.get("title") or "")
        option_id = payload if len(payload) <= max_id else f"{OPTION_PREFIX}{number}"
        options.append((option_id, str(button.get("title") or "")))
    return options


def notifications(body: Any) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """(messages, statuses) of a webhook body; ValueError when it is not shaped like Meta's."""
    if not isinstance(body, dict) or body.get("object") != "whatsapp_business_account":
        raise ValueError('expected {"object": "whatsapp_business_account", "entry": [...]}')
    entries = body.get("entry")
    if not isinstance(entries, list):
        raise ValueError('"entry" must be a list')
    messages: List[Dict[str, Any]] = []
    statuses: List[Dict[str, Any]] = []
    for entry in entries:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        if not isinstance(changes, list):
            raise ValueError('every entry needs a list "changes"')
        for change in changes:
            if not isinstance(change, dict) or change.get("field") != "messages":
                continue
            value = change.get("value")
            if not isinstance(value, dict):
                raise ValueError('"value" must be an object')
            names = {
                c.get("wa_id"): (c.get("profile") or {}).get("name")
                for c in value.get("contacts") or []
                if isinstance(c, dict)
            }
            for message in value.get("messages") or []:
                if not isinstance(message, dict) or not isinstance(message.get("id"), str):
                    raise ValueError("every message needs an id")
                if not isinstance(message.get("from"), str) or not isinstance(message.get("type"), str):
                    raise ValueError("every message needs 'from' and 'type'")
                messages.append({**message, "_profile_name": names.get(message["from"])})
            for status in value.get("statuses") or []:
                if not isinstance(status, dict) or not isinstance(status.get("id"), str):
                    raise ValueError("every status needs an id")
                statuses.append(status)
    return messages, statuses


def user_text(message: Dict[str, Any]) -> str | None:
    """The text Rasa gets for a message, or None when the message is not text-like."""
    kind = message.get("type")
    if kind == "text":
        return str((message.get("text") or {}).get("body") or "")
    if kind == "interactive":
        interactive = message.get("interactive") or {}
        reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
        return str(reply.get("id") or reply.get("title") or "")
    if kind == "button":  # a quick-reply button of a template message
        button = message.get("button") or {}
        payload = str(button.get("payload") or "")
        return payload if payload.startswith("/") else str(button.get("text") or payload)
    if kind == "location":
        location = message.get("location") or {}
        described = ", ".join(str(location[k]) for k in ("name", "address") if location.get(k))
        return described or f"{location.get('latitude')}, {location.get('longitude')}"
    return None


class WhatsAppInput(InputChannel):
    """Meta's WhatsApp Cloud API webhook."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        return cls(WhatsAppSettings.load(credentials))

    def __init__(self, settings: WhatsAppSettings) -> None:
        self.settings = settings
        if not settings.app_secret:
            logger.warning("WhatsApp: no app secret (WHATSAPP_APP_SECRET): every webhook POST is refused.")

    def get_output_channel(self, language: str = "pl") -> OutputChannel:
        return WhatsAppOutput(self.settings, language)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("whatsapp_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            args = request.args
            token = args.get("hub.verify_token")
            if (
                args.get("hub.mode") == "subscribe"
                and self.settings.verify_token
                and token == self.settings.verify_token
            ):
                return response.text(str(args.get("hub.challenge") or ""))
            return response.text("Verification failed.", status=403)

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            raw = request.body or b""
            if len(raw) > MAX_BODY_BYTES:
                return response.json({"error": "Request body too large."}, status=413)
            if not meta_signature_valid(self.settings.app_secret, raw, request.headers.get("X-Hub-Signature-256")):
                return response.json({"error": "Invalid or missing X-Hub-Signature-256."}, status=403)
            try:
                messages, statuses = notifications(json.loads(raw))
            except (ValueError, UnicodeDecodeError) as error:
                return response.json({"error": f"Not a WhatsApp notification: {error}"}, status=400)
            for status in statuses:
                await self._record_status(status)
            fresh = []
            for message in messages:
                sender = _sender(message["from"])
                if await asyncio.to_thread(inbound.claim, CHANNEL, message["id"], sender, message["type"]):
                    fresh.append(message)
                else:
                    logger.info("WhatsApp message %s already processed: ignored.", message["id"][-12:])
            if fresh:
                task = asyncio.create_task(self._process(request, fresh, on_new_message))
                _background.add(task)
                task.add_done_callback(_background.discard)
            return response.json({"status": "ok", "messages": len(fresh), "statuses": len(statuses)})

        return hook

    async def _record_status(self, status: Dict[str, Any]) -> None:
        errors = status.get("errors") or [{}]
        error = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
        await asyncio.to_thread(
            inbound.record_status,
            CHANNEL,
            status["id"],
            _sender(str(status.get("recipient_id") or "")),
            str(status.get("status") or "unknown"),
            error.get("code"),
            error.get("title"),
        )

    async def _process(
        self, request: Request, messages: List[Dict[str, Any]], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        for message in messages:
            try:
                await self._handle(request, message, on_new_message)
            except Exception:  # one bad message must not stop the others
                logger.exception("WhatsApp message %s could not be handled", message["id"][-12:])

    async def _reply(self, request: Request, sender: str, response_name: str, **variables: Any) -> None:
        tracker = await conversation.tracker_of(request, sender)
        rendered = await conversation.render(request, sender, response_name, CHANNEL, **variables)
        if rendered:
            output = WhatsAppOutput(self.settings, conversation.language_of(tracker))
            await output.send_response(sender, dict(rendered))

    async def _handle(
        self, request: Request, message: Dict[str, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        sender = _sender(message["from"])
        kind = message["type"]
        if kind in IGNORED_TYPES:
            return
        if kind in MEDIA_TYPES:
            await self._receive_media(request, sender, message)
            return
        if kind == "audio":
            await self._reply(request, sender, "utter_channel_audio_unsupported")
            return
        if kind == "button" and (message.get("button") or {}).get("payload") == CONTINUE_PAYLOAD:
            await self._repeat_last_turn(request, sender)
            return
        text = user_text(message)
        if text is None:
            await self._reply(request, sender, "utter_channel_unsupported_message")
            return
        tracker = await conversation.tracker_of(request, sender)
        if text.startswith(OPTION_PREFIX):
            chosen = conversation.option_payload(text[len(OPTION_PREFIX) :], conversation.last_buttons(tracker))
            text = chosen[0] if chosen else text
        elif kind == "text":
            chosen = conversation.option_payload(text, conversation.last_buttons(tracker))
            text = chosen[0] if chosen else text
        metadata = {
            CHANNEL: {
                "message_id": message["id"],
                "type": kind,
                "profile_name": message.get("_profile_name"),
                "reply_to": (message.get("context") or {}).get("id"),
                "location": message.get("location") if kind == "location" else None,
            }
        }
        output = WhatsAppOutput(self.settings, conversation.language_of(tracker))
        await on_new_message(
            UserMessage(
                split_text(text, capabilities(CHANNEL).max_message_chars)[0] if text else text,
                output,
                sender,
                input_channel=CHANNEL,
                metadata=metadata,
            )
        )

    async def _repeat_last_turn(self, request: Request, sender: str) -> None:
        """Send the bot's messages since the user's last one again (after a move from the phone)."""
        tracker = await conversation.tracker_of(request, sender)
        output = WhatsAppOutput(self.settings, conversation.language_of(tracker))
        for message in conversation.last_bot_turn(tracker):
            await output.send_response(sender, message)

    async def _receive_media(self, request: Request, sender: str, message: Dict[str, Any]) -> None:
        media = message.get(message["type"]) or {}
        limit = max_document_bytes()
        try:
            data, _declared_type = await GraphClient(self.settings).download_media(str(media.get("id") or ""), limit)
        except MediaTooLarge:
            data = None
            await self._reply(request, sender, "utter_document_too_large", limit_mb=f"{limit / 1048576:g}")
            return
        except (GraphApiError, aiohttp.ClientError, OSError, asyncio.TimeoutError, ValueError) as error:
            logger.error("WhatsApp media of message %s not downloaded: %s", message["id"][-12:], error)
            await self._reply(request, sender, "utter_document_failed")
            return
        response_name, variables = await acknowledge_document(data, sender, CHANNEL, media.get("filename"), limit)
        await self._reply(request, sender, response_name, **variables)
