"""Documents sent by users: the reply for a received file, and the web widget's upload endpoint.

`channels.documents.DocumentUploadInput` in credentials.yml adds POST /webhooks/documents/upload
to the Rasa server (multipart: `file`, `sender` = the widget's session id). It stores the file
through services.documents and answers with the confirmation or refusal text in the
conversation's language, which the widget shows. Nothing is ever served back: consultants see the
files in the console, behind its login.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Tuple

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import conversation
from services.channels.numbers import e164_or_none
from services.channels.settings import max_document_bytes
from services.documents import DocumentRefused, receive_document

logger = logging.getLogger(__name__)

WEB_CHANNEL = "socketio"  # the widget's conversations live on the socket.io channel
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
REFUSAL_RESPONSES = {
    "too_large": "utter_document_too_large",
    "wrong_type": "utter_document_wrong_type",
    "empty": "utter_document_wrong_type",
}
REFUSAL_STATUS = {"too_large": 413, "wrong_type": 415, "empty": 415}


async def acknowledge_document(
    data: bytes, sender_id: str, channel: str, original_name: str | None, max_bytes: int
) -> Tuple[str, Dict[str, Any]]:
    """Store the file; the response (name, variables) that tells the user what happened."""
    try:
        receipt = await asyncio.to_thread(receive_document, data, sender_id, channel, original_name, max_bytes)
    except DocumentRefused as refused:
        return REFUSAL_RESPONSES[refused.reason], {"limit_mb": refused.limit_mb, "reason": refused.reason}
    logger.info(
        "Document %s (%s, %d bytes) received on %s", receipt.public_id, receipt.kind, receipt.size_bytes, channel
    )
    if receipt.application_reference:
        return "utter_document_attached", {"kind": receipt.label, "reference": receipt.application_reference}
    return "utter_document_for_consultant", {"kind": receipt.label}


class DocumentUploadInput(InputChannel):
    """File upload for the web chat widget (website/static/upload.js)."""

    @classmethod
    def name(cls) -> str:
        return "documents"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("documents_upload", __name__)

        @hook.route("/upload", methods=["POST"])
        async def upload(request: Request) -> HTTPResponse:
            sender = str(request.form.get("sender") or "")
            if not _SESSION_ID.match(sender) or e164_or_none(sender):
                return response.json({"error": 'The form field "sender" must be the chat session id.'}, status=400)
            if await conversation.tracker_of(request, sender) is None:
                return response.json({"error": "No chat conversation with this session id."}, status=400)
            upload = request.files.get("file")
            if upload is None:
                return response.json({"error": 'Send the file in the multipart field "file".'}, status=400)
            limit = max_document_bytes()
            name, variables = await acknowledge_document(upload.body, sender, WEB_CHANNEL, upload.name, limit)
            rendered = await conversation.render(request, sender, name, WEB_CHANNEL, **variables)
            status = REFUSAL_STATUS.get(str(variables.get("reason")), 201)
            return response.json(
                {"accepted": status == 201, "text": (rendered or {}).get("text", ""), "response": name},
                status=status,
            )

        return hook
