"""Twilio WhatsApp and SMS connector, named `channels.twilio_messaging.TwilioMessagingInput`.

Same URL and channel name as Rasa's `twilio` channel (/webhooks/twilio/webhook), plus what a
public office needs: every request must carry a valid X-Twilio-Signature (403 otherwise), retries
are processed once (MessageSid claimed in the database), photos and PDFs (NumMedia, MediaUrlN,
MediaContentTypeN) are taken in as documents, delivery status callbacks are recorded, options are
numbered (SMS has no buttons; on WhatsApp a `{"twilio": {"content_sid": ...}}` custom message sends
a quick-reply content template, whose taps arrive as ButtonPayload). Replies go through the REST
API in the background, so Twilio gets its answer at once.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, List, Set

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioRestException

from channels import conversation
from channels.documents import acknowledge_document
from channels.twilio_webhook import verified_form
from channels.whatsapp import numbered
from services.channels import inbound, twilio_api
from services.channels.capabilities import capabilities, split_text
from services.channels.numbers import e164_or_none
from services.channels.settings import TwilioSettings, max_document_bytes

logger = logging.getLogger(__name__)

CHANNEL = "twilio"
MAX_MEDIA = 10
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
_background: Set[asyncio.Task] = set()


def sender_of(raw: str) -> str:
    return e164_or_none(raw) or raw.strip()[:64]


class TwilioMessagingOutput(OutputChannel):
    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def __init__(self, settings: TwilioSettings) -> None:
        self.settings = settings
        self.caps = capabilities(CHANNEL)

    def _address(self, recipient_id: str) -> str:
        """WhatsApp senders need the 'whatsapp:' prefix on the recipient as well."""
        if self.settings.messaging_number.startswith("whatsapp:") and not recipient_id.startswith("whatsapp:"):
            return "whatsapp:" + recipient_id
        return recipient_id

    async def _send(self, recipient_id: str, **fields: Any) -> None:
        try:
            await twilio_api.send_message(self.settings, self._address(recipient_id), **fields)
        except (TwilioRestException, aiohttp.ClientError, OSError, asyncio.TimeoutError) as error:
            logger.error("Twilio message to ...%s not sent: %s", recipient_id[-4:], error)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in split_text(text, self.caps.max_message_chars):
            await self._send(recipient_id, body=part)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_message(recipient_id, numbered(text, [str(b.get("title") or "") for b in buttons]))

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._send(recipient_id, media_url=[image])

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        link = attachment.get("url") if isinstance(attachment, dict) else attachment
        await self._send(recipient_id, media_url=[str(link)])

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        fields = json_message.get(CHANNEL) if isinstance(json_message, dict) else None
        if isinstance(fields, dict):
            await self._send(recipient_id, **fields)


class TwilioMessagingInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        return cls(TwilioSettings.load(credentials))

    def __init__(self, settings: TwilioSettings) -> None:
        self.settings = settings
        if not settings.auth_token:
            logger.warning("Twilio: no auth token (TWILIO_AUTH_TOKEN): every webhook request is refused.")

    def get_output_channel(self) -> OutputChannel:
        return TwilioMessagingOutput(self.settings)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("twilio_messaging_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            form, refused = verified_form(self.settings, request)
            if refused is not None:
                return refused
            sid = form.get("MessageSid") or form.get("SmsSid") or ""
            sender = sender_of(form.get("From", ""))
            if not sid or not sender:
                return response.json({"error": "MessageSid and From are required."}, status=400)
            status = form.get("MessageStatus") or form.get("SmsStatus")
            if status and status not in ("received", "receiving"):
                recipient = sender_of(form.get("To", ""))
                await asyncio.to_thread(
                    inbound.record_status, CHANNEL, sid, recipient, status, form.get("ErrorCode"), None
                )
                return response.text(EMPTY_TWIML, content_type="text/xml; charset=utf-8")
            if await asyncio.to_thread(inbound.claim, CHANNEL, sid, sender, "message"):
                task = asyncio.create_task(self._handle(request, sender, form, on_new_message))
                _background.add(task)
                task.add_done_callback(_background.discard)
            return response.text(EMPTY_TWIML, content_type="text/xml; charset=utf-8")

        return hook

    async def _reply(self, request: Request, sender: str, response_name: str, **variables: Any) -> None:
        rendered = await conversation.render(request, sender, response_name, CHANNEL, **variables)
        if rendered:
            await self.get_output_channel().send_response(sender, dict(rendered))

    async def _handle(
        self,
        request: Request,
        sender: str,
        form: Dict[str, str],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        try:
            await self._handle_message(request, sender, form, on_new_message)
        except Exception:
            logger.exception("Twilio message %s could not be handled", form.get("MessageSid", "")[-8:])

    async def _handle_message(
        self,
        request: Request,
        sender: str,
        form: Dict[str, str],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        try:
            media_count = min(int(form.get("NumMedia") or 0), MAX_MEDIA)
        except ValueError:
            media_count = 0
        for index in range(media_count):
            await self._receive_media(request, sender, form, index)
        text = form.get("Body", "")
        if form.get("ButtonPayload"):  # a quick-reply button of a content template
            payload = form["ButtonPayload"]
            text = payload if payload.startswith("/") else form.get("ButtonText") or payload
        elif form.get("Latitude") and form.get("Longitude"):
            text = form.get("Address") or f"{form['Latitude']}, {form['Longitude']}"
        if not text.strip():
            return  # a media-only message has been answered above
        tracker = await conversation.tracker_of(request, sender)
        chosen = conversation.option_payload(text, conversation.last_buttons(tracker))
        text = chosen[0] if chosen else text
        metadata = {
            CHANNEL: {
                "message_sid": form.get("MessageSid"),
                "whatsapp": form.get("From", "").startswith("whatsapp:"),
                "profile_name": form.get("ProfileName"),
                "reply_to": form.get("OriginalRepliedMessageSid"),
            }
        }
        await on_new_message(
            UserMessage(
                split_text(text, capabilities(CHANNEL).max_message_chars)[0],
                self.get_output_channel(),
                sender,
                input_channel=CHANNEL,
                metadata=metadata,
            )
        )

    async def _receive_media(self, request: Request, sender: str, form: Dict[str, str], index: int) -> None:
        url = form.get(f"MediaUrl{index}")
        if not url:
            return
        limit = max_document_bytes()
        try:
            data = await twilio_api.download_media(self.settings, url, limit)
        except OverflowError:
            await self._reply(request, sender, "utter_document_too_large", limit_mb=f"{limit / 1048576:g}")
            return
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as error:
            logger.error("Twilio media %d of %s not downloaded: %s", index, form.get("MessageSid", "")[-8:], error)
            await self._reply(request, sender, "utter_document_failed")
            return
        name, variables = await acknowledge_document(data, sender, CHANNEL, None, limit)
        await self._reply(request, sender, name, **variables)
