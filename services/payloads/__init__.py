"""Typed payloads: which `/intent{...}` messages are taken as intents, without Rasa imports.

Rasa parses any message that starts with `/` as an intent with entities (its `RegexMessageHandler`),
so a user could type `/faq` or `/inform{"reg_pesel": "..."}` and skip NLU and the form's checks.
A typed payload is accepted only when the assistant offered it as a button in its last turn, or
when it is on `ALWAYS_ACCEPTED` (the website widget's own messages); anything else is turned into
plain text, which NLU then classifies like any other message.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, Iterable, List, Mapping

from lang.codes import LANGUAGES

# `/intent`, `/intent{...}`, `/intent@0.9{...}`: the shape Rasa's RegexMessageHandler unpacks.
_PAYLOAD_RE = re.compile(r"^\s*/+(?P<intent>[^{@\s]+)(?:@[\d.]+)?(?P<entities>\{.*\})?\s*$", re.DOTALL)

# Documented short list: payloads the website widget sends without a button being offered
# (the greeting when the chat opens and the language toggle), with the entity values they may carry.
ALWAYS_ACCEPTED: Dict[str, Dict[str, Iterable[str]]] = {
    "greet": {"language": LANGUAGES},
    "change_language": {"language": LANGUAGES},
    "request_human": {},
}


def looks_like_payload(text: object) -> bool:
    """True when Rasa would read `text` as an intent rather than as words."""
    return isinstance(text, str) and bool(_PAYLOAD_RE.match(text))


def _allow_listed(text: str) -> bool:
    match = _PAYLOAD_RE.match(text)
    if not match or match.group("intent") not in ALWAYS_ACCEPTED:
        return False
    allowed = ALWAYS_ACCEPTED[match.group("intent")]
    if not match.group("entities"):
        return True
    try:
        entities = json.loads(match.group("entities"))
    except ValueError:
        return False
    return isinstance(entities, dict) and all(
        key in allowed and isinstance(value, str) and value in allowed[key] for key, value in entities.items()
    )


def _normal(payload: str) -> str:
    return re.sub(r"\s+", "", payload)


def accepted(text: str, offered: Iterable[str]) -> bool:
    """Whether a typed payload may go to Rasa as an intent: offered by a recent bot turn or allow-listed."""
    wanted = _normal(text)
    return any(_normal(payload) == wanted for payload in offered) or _allow_listed(text)


def as_text(text: str) -> str:
    """The message as words: the leading slashes dropped, so NLU classifies it instead of Rasa's parser."""
    return text.strip().lstrip("/").strip() or text


RECENT_USER_TURNS = 5  # buttons stay on screen in the widget: a click a few turns later still counts


def offered_payloads(events: List[Mapping[str, Any]], turns: int = RECENT_USER_TURNS) -> List[str]:
    """Button payloads of the bot messages of the last `turns` user turns (events as Rasa serialises them)."""
    payloads: List[str] = []
    seen_user_turns = 0
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            seen_user_turns += 1
            if seen_user_turns >= turns:
                break
        if kind == "bot":
            data = event.get("data") or {}
            for button in list(data.get("buttons") or []) + list(data.get("quick_replies") or []):
                payload = button.get("payload") if isinstance(button, Mapping) else None
                if isinstance(payload, str):
                    payloads.append(payload)
    return payloads


def guarded_text(text: str, events: List[Mapping[str, Any]]) -> str:
    """The text Rasa should see for a user message typed after `events`."""
    if not looks_like_payload(text) or accepted(text, offered_payloads(events)):
        return text
    return as_text(text)
