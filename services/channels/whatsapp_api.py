"""WhatsApp Cloud API (Graph API) client: sending messages and fetching media, and the payload shapes.

Payloads follow Meta's "Messages" reference; limits come from services.channels.capabilities. The base URL
is a setting, so tests point it at a local stand-in server.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Sequence, Tuple

import aiohttp

from services.channels.capabilities import capabilities, split_text
from services.channels.numbers import wa_id
from services.channels.settings import WhatsAppSettings

logger = logging.getLogger(__name__)

CHANNEL = "whatsapp"
# The payload of the "continue" template's quick-reply button: the connector repeats the bot's last
# question, so a caller who moved from the phone sees where the conversation stands.
CONTINUE_PAYLOAD = "continue_conversation"
MAX_BUTTON_ID = 256
MAX_ROW_ID = 200
MAX_INTERACTIVE_BODY = 1024
MAX_TEMPLATE_PARAMETER = 1024
LIST_BUTTON_LABEL = {"pl": "Wybierz", "en": "Choose"}  # the list's opening button (≤ 20 characters)
Option = Tuple[str, str]  # (id, title)


class GraphApiError(RuntimeError):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"Graph API answered {status}: {body}")
        self.status = status
        self.body = body


class MediaTooLarge(ValueError):
    pass


def _base(to: str) -> Dict[str, Any]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": wa_id(to)}


def text_payloads(to: str, text: str) -> List[Dict[str, Any]]:
    """One text message per 4,096 characters."""
    limit = capabilities(CHANNEL).max_message_chars
    return [
        {**_base(to), "type": "text", "text": {"preview_url": False, "body": part}} for part in split_text(text, limit)
    ]


def buttons_payload(to: str, body: str, options: Sequence[Option]) -> Dict[str, Any]:
    buttons = [{"type": "reply", "reply": {"id": option_id, "title": title}} for option_id, title in options]
    return {
        **_base(to),
        "type": "interactive",
        "interactive": {"type": "button", "body": {"text": body}, "action": {"buttons": buttons}},
    }


def list_payload(to: str, body: str, options: Sequence[Option], language: str) -> Dict[str, Any]:
    rows = [{"id": option_id, "title": title} for option_id, title in options]
    return {
        **_base(to),
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": body},
            "action": {"button": LIST_BUTTON_LABEL.get(language, "Wybierz"), "sections": [{"rows": rows}]},
        },
    }


def media_payload(to: str, kind: str, link: str, caption: str | None = None, filename: str | None = None) -> Dict:
    media: Dict[str, Any] = {"link": link}
    if caption:
        media["caption"] = caption
    if filename and kind == "document":
        media["filename"] = filename
    return {**_base(to), "type": kind, kind: media}


def template_payload(
    to: str, name: str, language: str, parameters: Sequence[str] = (), quick_reply_payloads: Sequence[str] = ()
) -> Dict[str, Any]:
    """A template message; `quick_reply_payloads` fill the template's quick-reply buttons in order."""
    template: Dict[str, Any] = {"name": name, "language": {"code": language}}
    components: List[Dict[str, Any]] = []
    if parameters:
        components.append(
            {"type": "body", "parameters": [{"type": "text", "text": p[:MAX_TEMPLATE_PARAMETER]} for p in parameters]}
        )
    for index, payload in enumerate(quick_reply_payloads):
        components.append(
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": str(index),
                "parameters": [{"type": "payload", "payload": payload}],
            }
        )
    if components:
        template["components"] = components
    return {**_base(to), "type": "template", "template": template}


class GraphClient:
    def __init__(self, settings: WhatsAppSettings, timeout: float = 30) -> None:
        self.settings = settings
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    @property
    def _headers(self) -> Dict[str, str]:
        return {"Authorization": f"Bearer {self.settings.access_token}"}

    def _url(self, path: str) -> str:
        return f"{self.settings.graph_api_url}/{self.settings.api_version}/{path}"

    async def send(self, payload: Dict[str, Any]) -> str | None:
        """POST /{phone-number-id}/messages; the sent message's id (wamid), or GraphApiError."""
        async with (
            aiohttp.ClientSession(timeout=self.timeout) as session,
            session.post(
                self._url(f"{self.settings.phone_number_id}/messages"), json=payload, headers=self._headers
            ) as response,
        ):
            body = await response.json(content_type=None)
            if response.status >= 400:
                raise GraphApiError(response.status, body)
        messages = (body or {}).get("messages") or [{}]
        return messages[0].get("id")

    async def download_media(self, media_id: str, max_bytes: int) -> Tuple[bytes, str]:
        """The media's bytes and declared type: GET /{media-id} for the URL, then GET the URL.

        MediaTooLarge as soon as the declared or the received size passes `max_bytes`.
        """
        async with aiohttp.ClientSession(timeout=self.timeout) as session:
            async with session.get(self._url(media_id), headers=self._headers) as response:
                info = await response.json(content_type=None)
                if response.status >= 400 or not isinstance(info, dict) or "url" not in info:
                    raise GraphApiError(response.status, info)
            declared = int(info.get("file_size") or 0)
            if declared > max_bytes:
                raise MediaTooLarge(declared)
            async with session.get(info["url"], headers=self._headers) as response:
                if response.status >= 400:
                    raise GraphApiError(response.status, await response.text())
                chunks, size = [], 0
                async for chunk in response.content.iter_chunked(64 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise MediaTooLarge(size)
                    chunks.append(chunk)
        return b"".join(chunks), str(info.get("mime_type") or "")
