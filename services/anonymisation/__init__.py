"""Conversation events without readable personal data, for the tracker store (no Rasa imports).

The tracker store keeps every message as typed, so a PESEL typed in the form would sit there in
plain text. With anonymisation on, before an event is stored:

- texts the user typed and the bot said (and entity values, metadata, button titles) go through
  `services.privacy.redact`: PESEL, NIP, REGON, phone numbers and e-mail addresses are masked for
  good (`*********59`), like in the logs;
- values of the form's slots (`reg_*`) are *sealed* (encrypted with the office's key), because the
  conversation still needs them until the application is submitted; the application database, not
  the tracker store, is where the office reads them.

Sealing uses Fernet from `cryptography` (AES-128-CBC + HMAC); `VO_TRACKER_KEY` holds one key or
several separated by commas, the first used for new values: rotate by putting a new key first and
dropping the old one when no open conversation needs it (30 days of retention at most).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Mapping

from services.privacy import redact

SEALED_PREFIX = "vo-sealed:v1:"
DEFAULT_SEALED_SLOT_PREFIXES = ("reg_",)


class MissingKeyError(RuntimeError):
    """Anonymisation is on but no key is configured."""


def _redact_deep(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redact_deep(item) for item in value]
    if isinstance(value, dict):
        return {key: _redact_deep(item) for key, item in value.items()}
    return value


@dataclass
class EventAnonymiser:
    """Masks texts and seals personal slot values of events as Rasa serialises them (`Event.as_dict()`)."""

    keys: Iterable[str]
    sealed_slot_prefixes: Iterable[str] = DEFAULT_SEALED_SLOT_PREFIXES

    def __post_init__(self) -> None:
        from cryptography.fernet import Fernet, MultiFernet

        keys = [key.strip() for key in self.keys if key and key.strip()]
        if not keys:
            raise MissingKeyError(
                "The tracker store's anonymisation needs VO_TRACKER_KEY (a Fernet key; make one with "
                "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`)."
            )
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])
        self.sealed_slot_prefixes = tuple(self.sealed_slot_prefixes)

    @classmethod
    def from_key_list(cls, value: str | None, **kwargs: Any) -> EventAnonymiser:
        return cls(keys=(value or "").split(","), **kwargs)

    def _sealed_slot(self, name: object) -> bool:
        return isinstance(name, str) and name.startswith(self.sealed_slot_prefixes)

    def seal(self, value: Any) -> str:
        return SEALED_PREFIX + self._fernet.encrypt(json.dumps(value).encode()).decode()

    def unseal(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith(SEALED_PREFIX):
            return json.loads(self._fernet.decrypt(value[len(SEALED_PREFIX) :].encode()))
        return value

    def anonymise(self, event: Mapping[str, Any]) -> Dict[str, Any]:
        data = dict(event)
        kind = data.get("event")
        if kind == "slot":
            if self._sealed_slot(data.get("name")) and data.get("value") is not None:
                data["value"] = self.seal(data["value"])
            else:
                data["value"] = _redact_deep(data.get("value"))
        elif kind in ("user", "bot"):
            for key in ("text", "parse_data", "data", "metadata"):
                if key in data:
                    data[key] = _redact_deep(data[key])
        return data

    def restore(self, event: Dict[str, Any]) -> Dict[str, Any]:
        if event.get("event") == "slot" and isinstance(event.get("value"), str):
            event = {**event, "value": self.unseal(event["value"])}
        return event
