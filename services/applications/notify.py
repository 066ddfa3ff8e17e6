"""Telling the applicant about a decision in their channel and language, with e-mail as the fallback.

Routes, tried in this order and each recorded in application_notifications:
1. **conversation** – Rasa's HTTP API `POST /conversations/{id}/trigger_intent` with the intent
   `application_decided`: the assistant (actions/applications.py) says the decision through the
   conversation's channel – live in the web widget when it is connected; a returning visitor is
   asked again for the missing information (rule in data/rules/applications.yml).
2. **whatsapp_template** – WhatsApp allows free-form messages only within 24 hours of the user's
   last message; after that the decision goes out as an approved template (`GraphTemplateSender`,
   Graph API `POST /{phone-number-id}/messages`), while the conversation is still updated silently
   (output channel `collector`), so the assistant knows what was asked when the user answers.
3. **email** – unless WhatsApp delivered it (the web widget may be closed, REST and unknown
   channels cannot push, Rasa or the Graph API may fail): smtplib through the configured SMTP
   server, text rendered from domain responses.
"""

from __future__ import annotations

import asyncio
import json
import os
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from typing import Any, Dict, List, Protocol, Sequence
from urllib.parse import quote

import aiohttp
from sqlalchemy import text

from services.applications.models import ApplicationNotification
from services.applications.notices import Notice, notice_for, notice_text, render
from services.privacy import get_masked_logger
from services.storage.db import get_engine, session_scope
from services.storage.models import Application, utcnow

logger = get_masked_logger(__name__)
TIMEOUT = aiohttp.ClientTimeout(total=30)
WHATSAPP_WINDOW = timedelta(hours=24)
WHATSAPP_CHANNELS = ("whatsapp",)
# Channels whose delivery the office can count on. The web widget gets the message live only while
# it is open (nobody can tell), so a web applicant also gets the e-mail.
RELIABLE_CHANNELS = WHATSAPP_CHANNELS
PUSH_CHANNELS = ("socketio",) + WHATSAPP_CHANNELS  # channels where Rasa can push a message at all
SILENT_CHANNEL = "collector"  # not a registered channel: Rasa keeps the events and sends nothing


@dataclass(frozen=True)
class NotifySettings:
    rasa_url: str = "http://localhost:5005"
    rasa_token: str = ""
    events_database_url: str = "sqlite:///var/events.db"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_sender: str = "urzad@example.invalid"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    whatsapp_graph_url: str = "https://graph.facebook.com"
    whatsapp_api_version: str = "v19.0"
    whatsapp_phone_number_id: str = ""
    whatsapp_access_token: str = ""
    whatsapp_template: str = "application_status_update"

    @classmethod
    def from_env(cls, rasa_url: str, rasa_token: str, events_database_url: str) -> NotifySettings:
        env = os.environ
        return cls(
            rasa_url=rasa_url,
            rasa_token=rasa_token,
            events_database_url=events_database_url,
            smtp_host=env.get("SMTP_HOST", ""),
            smtp_port=int(env.get("SMTP_PORT", "25")),
            smtp_sender=env.get("SMTP_SENDER", "urzad@example.invalid"),
            smtp_user=env.get("SMTP_USER", ""),
            smtp_password=env.get("SMTP_PASSWORD", ""),
            smtp_starttls=env.get("SMTP_STARTTLS", "0") == "1",
            whatsapp_graph_url=env.get("WHATSAPP_GRAPH_API_URL", "https://graph.facebook.com").rstrip("/"),
            whatsapp_api_version=env.get("WHATSAPP_API_VERSION", "v19.0"),
            whatsapp_phone_number_id=env.get("WHATSAPP_PHONE_NUMBER_ID", ""),
            whatsapp_access_token=env.get("WHATSAPP_ACCESS_TOKEN", ""),
            whatsapp_template=env.get("WHATSAPP_DECISION_TEMPLATE", "application_status_update"),
        )


class DeliveryFailed(RuntimeError):
    """A route did not take the message; the text is safe to show to staff."""


# --- the routes ------------------------------------------------------------------------------------
class WhatsAppTemplateSender(Protocol):
    """What the back office needs from a WhatsApp connector: one approved template message."""

    async def send_template(self, to: str, name: str, language: str, parameters: Sequence[str]) -> str | None: ...


def template_payload(to: str, name: str, language: str, parameters: Sequence[str]) -> Dict[str, Any]:
    """Meta's template message; parameters may not contain new lines (Graph API rule)."""
    body = [{"type": "text", "text": " ".join(str(p).split())[:1024]} for p in parameters]
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to.lstrip("+"),
        "type": "template",
        "template": {
            "name": name,
            "language": {"code": language},
            "components": [{"type": "body", "parameters": body}],
        },
    }


class GraphTemplateSender:
    """Sends templates through the WhatsApp Cloud API (or a stand-in at WHATSAPP_GRAPH_API_URL)."""

    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings

    async def send_template(self, to: str, name: str, language: str, parameters: Sequence[str]) -> str | None:
        s = self.settings
        if not (s.whatsapp_access_token and s.whatsapp_phone_number_id):
            raise DeliveryFailed("WhatsApp is not configured (WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID)")
        url = f"{s.whatsapp_graph_url}/{s.whatsapp_api_version}/{s.whatsapp_phone_number_id}/messages"
        headers = {"Authorization": f"Bearer {s.whatsapp_access_token}"}
        try:
            async with (
                aiohttp.ClientSession(timeout=TIMEOUT) as session,
                session.post(url, json=template_payload(to, name, language, parameters), headers=headers) as response,
            ):
                body = await response.json(content_type=None)
                if response.status >= 300:
                    raise DeliveryFailed(f"Graph API answered {response.status}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise DeliveryFailed(f"Graph API not reachable ({error.__class__.__name__})") from error
        return ((body or {}).get("messages") or [{}])[0].get("id")


class Mailer:
    """Plain-text e-mail through the configured SMTP server (smtplib, in a thread)."""

    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings

    def _send(self, message: EmailMessage) -> None:
        s = self.settings
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=30) as smtp:
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password)
            smtp.send_message(message)

    async def send(self, to: str, subject: str, body: str) -> None:
        if not self.settings.smtp_host:
            raise DeliveryFailed("no SMTP server configured (SMTP_HOST)")
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.settings.smtp_sender, to, subject
        message.set_content(body)
        try:
            await asyncio.to_thread(self._send, message)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryFailed(f"SMTP failed ({error.__class__.__name__})") from error


async def trigger_decision(settings: NotifySettings, conversation_id: str, reference: str, output_channel: str) -> None:
    """The assistant tells the decision in the conversation (Rasa HTTP API, trigger_intent)."""
    url = f"{settings.rasa_url.rstrip('/')}/conversations/{quote(conversation_id, safe='')}/trigger_intent"
    body = {"name": "application_decided", "entities": {"application_reference": reference}}
    params = {"output_channel": output_channel, "token": settings.rasa_token}
    try:
        async with (
            aiohttp.ClientSession(timeout=TIMEOUT) as session,
            session.post(url, json=body, params=params) as response,
        ):
            if response.status >= 300:
                raise DeliveryFailed(f"Rasa answered {response.status}")
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        raise DeliveryFailed(f"Rasa not reachable ({error.__class__.__name__})") from error


@dataclass(frozen=True)
class LastMessage:
    at: datetime
    channel: str | None


def last_user_message(events_database_url: str, conversation_id: str) -> LastMessage | None:
    """When and where the user last wrote (Rasa's SQL event broker table): the conversation's
    current channel, and WhatsApp's 24-hour window."""
    sql = "SELECT data FROM events WHERE sender_id = :sender ORDER BY id DESC LIMIT 500"
    try:
        with get_engine(events_database_url).connect() as connection:
            for (data,) in connection.execute(text(sql), {"sender": conversation_id}):
                event = json.loads(data)
                if event.get("event") == "user" and event.get("timestamp"):
                    at = datetime.fromtimestamp(float(event["timestamp"]), tz=timezone.utc)
                    return LastMessage(at, event.get("input_channel"))
    except Exception:  # noqa: BLE001 - no broker table yet, or unreadable: nothing known
        return None
    return None


# --- one decision ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Attempt:
    route: str
    outcome: str  # sent | failed | skipped
    detail: str = ""


async def _routes(
    settings: NotifySettings,
    application: Application,
    notice: Notice,
    whatsapp: WhatsAppTemplateSender,
    mailer: Mailer,
    now: datetime,
) -> List[Attempt]:
    attempts: List[Attempt] = []
    conversation = application.sender_id
    language = application.language or "pl"
    last = (
        await asyncio.to_thread(last_user_message, settings.events_database_url, conversation) if conversation else None
    )
    # the channel the user last wrote from (they may have moved from REST to the widget), else the application's
    channel = (last.channel if last and last.channel else None) or application.channel or ""
    reached = False
    if conversation and channel in WHATSAPP_CHANNELS:
        window_open = last is not None and now - last.at < WHATSAPP_WINDOW
        try:
            await trigger_decision(
                settings, conversation, application.reference, channel if window_open else SILENT_CHANNEL
            )
            attempts.append(
                Attempt(
                    "conversation",
                    "sent" if window_open else "skipped",
                    "window open" if window_open else "24-hour window closed: conversation updated without sending",
                )
            )
            reached = window_open
        except DeliveryFailed as error:
            attempts.append(Attempt("conversation", "failed", str(error)))
        if not window_open:
            try:
                parameters = [application.reference, notice_text(notice, language)]
                message_id = await whatsapp.send_template(
                    application.phone or conversation, settings.whatsapp_template, language, parameters
                )
                attempts.append(
                    Attempt(
                        "whatsapp_template", "sent", f"template {settings.whatsapp_template} ({message_id or 'no id'})"
                    )
                )
                reached = True
            except DeliveryFailed as error:
                attempts.append(Attempt("whatsapp_template", "failed", str(error)))
    elif conversation:
        try:
            await trigger_decision(settings, conversation, application.reference, channel or SILENT_CHANNEL)
            pushed = channel in PUSH_CHANNELS
            detail = f"{channel or 'unknown'} channel" + (": live if open" if pushed else ": kept for the next visit")
            attempts.append(Attempt("conversation", "sent", detail))
            reached = channel in RELIABLE_CHANNELS
        except DeliveryFailed as error:
            attempts.append(Attempt("conversation", "failed", str(error)))
    if not reached:
        if not application.email:
            attempts.append(Attempt("email", "skipped", "no e-mail address"))
        else:
            try:
                subject = render("utter_application_email_subject", language, reference=application.reference)
                await mailer.send(application.email, subject, notice_text(notice, language))
                attempts.append(Attempt("email", "sent", "fallback e-mail"))
            except DeliveryFailed as error:
                attempts.append(Attempt("email", "failed", str(error)))
    return attempts


async def notify_decision(
    settings: NotifySettings,
    application_id: int,
    database_url: str | None = None,
    whatsapp: WhatsAppTemplateSender | None = None,
    mailer: Mailer | None = None,
) -> List[Attempt]:
    """Send the application's latest decision to the applicant; every attempt is recorded."""
    now = utcnow()
    with session_scope(database_url) as session:
        application = session.get(Application, application_id)
        notice = notice_for(session, application, application.language or "pl") if application else None
    if application is None or notice is None:
        return []
    attempts = await _routes(
        settings, application, notice, whatsapp or GraphTemplateSender(settings), mailer or Mailer(settings), now
    )
    with session_scope(database_url) as session:
        for attempt in attempts:
            session.add(
                ApplicationNotification(
                    application_id=application_id,
                    decision_id=notice.decision_id,
                    route=attempt.route,
                    outcome=attempt.outcome,
                    detail=attempt.detail[:500],
                )
            )
    logger.info("decision on %s: %s", application.reference, ", ".join(f"{a.route}={a.outcome}" for a in attempts))
    return attempts
