"""What every channel accepts from users, and the error text for what it does not."""

from __future__ import annotations

import functools
from typing import Any

from services.ratelimit import RateLimiter, from_environment

# A chat message is a question, not a document; longer input is cut (socket.io) or refused (REST).
# 1,000 characters hold any question a chat is for, and keep one message's NLU well under a second.
MAX_MESSAGE_CHARS = 1000


@functools.lru_cache(maxsize=1)
def rate_limiter() -> RateLimiter:
    """The process's per-sender limiter (VO_RATE_LIMIT, VO_RATE_LIMIT_REDIS_URL: see services.ratelimit)."""
    return from_environment()


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
