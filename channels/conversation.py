"""What the connectors need from the running Rasa server: the tracker, the language, rendered responses.

Connectors answer some messages themselves (a received document, an unsupported message type, a
silent caller); they render those domain responses with the agent's own response generator, so
the text is in domain files and in the conversation's language like every other reply.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Tuple

from rasa.core.agent import Agent
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic.request import Request

from lang.codes import or_default

logger = logging.getLogger(__name__)
_OPTION_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


def agent_of(request: Request) -> Agent:
    return request.app.ctx.agent


async def tracker_of(request: Request, sender_id: str) -> DialogueStateTracker | None:
    return await agent_of(request).tracker_store.retrieve(sender_id)


def language_of(tracker: DialogueStateTracker | None) -> str:
    """'pl' or 'en' (an unknown conversation is in the office's language)."""
    return or_default(tracker.get_slot("language") if tracker else None)


async def render(
    request: Request, sender_id: str, response: str, channel: str, **variables: Any
) -> Dict[str, Any] | None:
    """The domain response `response` for this conversation and channel, or None if it is missing."""
    agent = agent_of(request)
    tracker = await tracker_of(request, sender_id)
    if tracker is None:
        tracker = DialogueStateTracker(sender_id, agent.domain.slots if agent.domain else [])
    message = await agent.nlg.generate(response, tracker, channel, **variables)
    if message is None:
        logger.error("The domain has no response %s", response)
    return message


def last_buttons(tracker: DialogueStateTracker | None) -> List[Dict[str, Any]]:
    """The buttons of the bot's latest message that had any (the options on screen or read out)."""
    if tracker is None:
        return []
    for event in reversed(tracker.events):
        if isinstance(event, BotUttered):
            buttons = (event.data or {}).get("buttons") or (event.data or {}).get("quick_replies")
            if buttons:
                return list(buttons)
        if isinstance(event, UserUttered):
            return []  # the user has already answered since
    return []


def option_payload(text: str, buttons: List[Dict[str, Any]]) -> Tuple[str, str] | None:
    """(payload, title) when `text` is the number of one of `buttons` ("2", "2.", keypad 2)."""
    match = _OPTION_NUMBER.match(text or "")
    if not match or not buttons:
        return None
    index = int(match.group(1)) - 1
    if 0 <= index < len(buttons):
        button = buttons[index]
        return str(button.get("payload") or button.get("title") or ""), str(button.get("title") or "")
    return None


def last_bot_turn(tracker: DialogueStateTracker | None) -> List[Dict[str, Any]]:
    """The bot's messages since the user's last message, as output-channel messages (to repeat them)."""
    if tracker is None:
        return []
    turn: List[Dict[str, Any]] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            message = {key: value for key, value in (event.data or {}).items() if value}
            if event.text:
                message["text"] = event.text
            turn.insert(0, message)
    return turn
