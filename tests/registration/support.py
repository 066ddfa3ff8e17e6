"""Test helpers for the registration: valid identifiers, rasa-sdk trackers, response matching."""

from __future__ import annotations

import functools
import re
from datetime import date
from typing import Any, Dict, Iterable, List

from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from stdnum.pl import pesel as stdnum_pesel

from tests.responses import DOMAIN, response_text


def make_pesel(born: date, serial: int = 123) -> str:
    """A valid PESEL for someone born on `born` (month offset encodes the century)."""
    offset = {1800: 80, 1900: 0, 2000: 20, 2100: 40, 2200: 60}[born.year // 100 * 100]
    return with_check_digit(f"{born.year % 100:02d}{born.month + offset:02d}{born.day:02d}{serial:04d}")


def with_check_digit(body: str) -> str:
    """Ten digits completed with the right PESEL check digit (whatever date they encode)."""
    return body + stdnum_pesel.calc_check_digit(body)


def broken_checksum(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


@functools.lru_cache(maxsize=1)
def domain() -> Domain:
    return Domain.load(str(DOMAIN))


def domain_dict() -> Dict[str, Any]:
    return domain().as_dict()


def tracker(
    slots: Dict[str, Any] | None = None,
    text: str = "",
    intent: str = "inform",
    candidates: Dict[str, Any] | None = None,
    entities: List[Dict[str, Any]] | None = None,
    events_before: Iterable[Dict[str, Any]] = (),
    response_selector: Dict[str, Any] | None = None,
    channel: str = "rest",
) -> Tracker:
    """A rasa-sdk tracker right after the user said `text`; `candidates` are the slot values the
    form extracted from it (they come last, as Rasa sends them to the validation action)."""
    all_slots: Dict[str, Any] = {slot.name: slot.initial_value for slot in domain().slots}
    all_slots.update(slots or {})
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "response_selector": response_selector or {},
    }
    events: List[Dict[str, Any]] = list(events_before)
    events.append({"event": "user", "text": text, "parse_data": latest, "input_channel": channel})
    for name, value in (candidates or {}).items():
        events.append({"event": "slot", "name": name, "value": value})
        all_slots[name] = value
    return Tracker("test-user", all_slots, latest, events, False, None, {"name": "registration_form"}, "action_listen")


def bot_event(response: str) -> Dict[str, Any]:
    return {"event": "bot", "text": "", "metadata": {"utter_action": response}}


def responses_of(dispatcher_messages: List[Dict[str, Any]]) -> List[str]:
    return [message.get("response") for message in dispatcher_messages]


def template_pattern(name: str, language: str) -> re.Pattern:
    """A regex matching the rendered text of response `name` whatever its variables."""
    text = response_text(name, language)
    parts = re.split(r"\{[^{}]+\}", text)
    return re.compile(".+?".join(re.escape(part) for part in parts), re.DOTALL)


def said(messages: List[Dict[str, Any]], name: str, language: str) -> bool:
    """True if one of the bot's `messages` is response `name` in `language`."""
    pattern = template_pattern(name, language)
    return any(pattern.fullmatch(message.get("text") or "") for message in messages)


@functools.lru_cache(maxsize=2)
def _templates(language: str) -> List[re.Pattern]:
    from tests.responses import _responses

    patterns = []
    for name, variations in _responses().items():
        if any(v.get("condition") for v in variations):
            try:
                patterns.append(template_pattern(name, language))
            except KeyError:
                continue
    return patterns


def reply_languages(text: str) -> set:
    """The languages whose responses could have produced `text` (bilingual responses only)."""
    return {language for language in ("pl", "en") if any(p.fullmatch(text) for p in _templates(language))}


def all_in(messages: List[Dict[str, Any]], language: str) -> bool:
    """Every bot message of a turn is a response in `language` (one-language texts such as
    "Sure, let's continue in English" are checked by the caller)."""
    return all(language in reply_languages(message.get("text") or "") for message in messages if message.get("text"))
