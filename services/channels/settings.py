"""Provider settings: a credentials.yml entry first, then environment variables, then defaults.

Secrets stay out of git: credentials.yml names only non-secret settings, and Rasa would refuse to
start on a `${VARIABLE}` that is not set, so secrets are read from the environment here.
Without an app secret / auth token the connectors refuse every request (403): unsigned traffic is
never processed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping

GRAPH_API_URL = "https://graph.facebook.com"
GRAPH_API_VERSION = "v21.0"
TWILIO_API_URL = "https://api.twilio.com"


def _setting(credentials: Mapping[str, Any] | None, key: str, env: str, default: str = "") -> str:
    value = (credentials or {}).get(key)
    if value in (None, ""):
        value = os.environ.get(env, default)
    return str(value)


@dataclass(frozen=True)
class WhatsAppSettings:
    verify_token: str
    app_secret: str
    access_token: str
    phone_number_id: str
    graph_api_url: str = GRAPH_API_URL
    api_version: str = GRAPH_API_VERSION
    # Approved message templates (WhatsApp Manager), in pl and en: used when the 24-hour customer
    # service window is closed. reply_template has one body parameter {{1}}: the message text.
    reply_template: str = "office_reply"
    continue_template: str = "continue_conversation"

    @classmethod
    def load(cls, credentials: Mapping[str, Any] | None = None) -> WhatsAppSettings:
        return cls(
            verify_token=_setting(credentials, "verify_token", "WHATSAPP_VERIFY_TOKEN"),
            app_secret=_setting(credentials, "app_secret", "WHATSAPP_APP_SECRET"),
            access_token=_setting(credentials, "access_token", "WHATSAPP_ACCESS_TOKEN"),
            phone_number_id=_setting(credentials, "phone_number_id", "WHATSAPP_PHONE_NUMBER_ID"),
            graph_api_url=_setting(credentials, "graph_api_url", "WHATSAPP_GRAPH_API_URL", GRAPH_API_URL).rstrip("/"),
            api_version=_setting(credentials, "api_version", "WHATSAPP_API_VERSION", GRAPH_API_VERSION),
            reply_template=_setting(credentials, "reply_template", "WHATSAPP_REPLY_TEMPLATE", "office_reply"),
            continue_template=_setting(
                credentials, "continue_template", "WHATSAPP_CONTINUE_TEMPLATE", "continue_conversation"
            ),
        )

    @property
    def can_send(self) -> bool:
        return bool(self.access_token and self.phone_number_id)


@dataclass(frozen=True)
class TwilioSettings:
    account_sid: str
    auth_token: str
    messaging_number: str  # "whatsapp:+14155238886" or "+48..." (SMS); the sender of our replies
    api_url: str = TWILIO_API_URL
    public_url: str = ""  # the URL Twilio calls (behind a proxy request.url differs): for signatures
    transfer_number: str = ""  # consultants' line for <Dial>; default: office.yml phone.international
    voice_pl: str = "Polly.Ewa"
    voice_en: str = "Polly.Amy"
    language_en: str = "en-GB"

    @classmethod
    def load(cls, credentials: Mapping[str, Any] | None = None) -> TwilioSettings:
        return cls(
            account_sid=_setting(credentials, "account_sid", "TWILIO_ACCOUNT_SID"),
            auth_token=_setting(credentials, "auth_token", "TWILIO_AUTH_TOKEN"),
            messaging_number=_setting(credentials, "messaging_number", "TWILIO_MESSAGING_NUMBER"),
            api_url=_setting(credentials, "api_url", "TWILIO_API_URL", TWILIO_API_URL).rstrip("/"),
            public_url=_setting(credentials, "public_url", "TWILIO_PUBLIC_URL").rstrip("/"),
            transfer_number=_setting(credentials, "transfer_number", "TWILIO_TRANSFER_NUMBER"),
            voice_pl=_setting(credentials, "voice_pl", "TWILIO_VOICE_PL", "Polly.Ewa"),
            voice_en=_setting(credentials, "voice_en", "TWILIO_VOICE_EN", "Polly.Amy"),
            language_en=_setting(credentials, "language_en", "TWILIO_LANGUAGE_EN", "en-GB"),
        )


def max_document_bytes() -> int:
    """Upload limit for documents (DOCUMENTS_MAX_MB, default 10 MB)."""
    try:
        megabytes = float(os.environ.get("DOCUMENTS_MAX_MB", "10"))
    except ValueError:
        megabytes = 10.0
    return int(megabytes * 1024 * 1024)
