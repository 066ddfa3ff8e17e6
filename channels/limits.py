"""What every channel accepts from users, and the error text for what it does not."""

from __future__ import annotations

from typing import Any

# A chat message is a question, not a document; longer input is cut (socket.io) or refused (REST).
MAX_MESSAGE_CHARS = 5000


def message_problem(body: Any) -> str | None:
    """Why `body` is not a valid incoming message, or None when it is fine."""
    if not isinstance(body, dict):
        return 'The request body must be a JSON object such as {"sender": "id", "message": "text"}.'
    message = body.get("message")
    if not isinstance(message, str):
        return 'The field "message" must be a string.'
    sender = body.get("sender")
    if sender is not None and not isinstance(sender, (str, int)):
        return 'The field "sender" must be a string.'
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return 'The field "metadata" must be a JSON object.'
    return None
