"""The domain sent to the action server, without its responses.

Rasa 3.6 sends the whole domain with every call of a form validation action (`validate_<form>`
always gets it, whatever `enable_selective_domain` says) and of actions marked `send_domain`.
Here the domain is about 960 kB, 99% of it the knowledge base's answers, so every turn of the
registration form serialised it on the server's event loop and the action server parsed it
(`python -m benchmarks.per_message`, reports/per_message_costs.md). Actions never read responses:
they name a response and Rasa renders it (all user-facing text lives in the domain). `install()`
makes Rasa send the rest of the domain (intents, entities, slots, forms, actions, session config).
"""

from __future__ import annotations

from typing import Any, Dict

from rasa.core.actions.action import RemoteAction

_RASA_CALL_FORMAT = RemoteAction._action_call_format  # noqa: SLF001


def without_responses(domain: Dict[str, Any]) -> Dict[str, Any]:
    """The domain dictionary without `responses` (a shallow copy)."""
    return {key: value for key, value in domain.items() if key != "responses"}


def action_call_format(self: RemoteAction, tracker: Any, domain: Any) -> Dict[str, Any]:
    """Rasa's request body for the action server, with the domain trimmed when it is sent."""
    body = _RASA_CALL_FORMAT(self, tracker, domain)
    if "domain" in body:
        body["domain"] = without_responses(body["domain"])
    return body


def install() -> None:
    """Used by `channels.gate.MessageGate` when the server starts (idempotent)."""
    RemoteAction._action_call_format = action_call_format  # noqa: SLF001
