"""The action server's endpoint with a fallback: when it is down, the user hears so and is offered a consultant.

Rasa 3.6 logs an exception when a custom action cannot be reached and goes on silently, so the user
got no reply at all. `ResilientActionEndpoint` is Rasa's own `EndpointConfig` (same URL, headers,
auth) whose `request` answers, when the action server cannot be reached or fails with a 5xx, what
an action would answer: the response `utter_service_unavailable` (domain/resilience.yml, in the
conversation's language) with the office's phone numbers, and no events but "listen now", so
nothing is stored on the action's behalf and the turn ends there. A 4xx is passed on as before
(rasa-sdk's 400 is a validation rejection). When the action server is back, the next message
reaches it again: there is no state to reset.

One message may call the action server several times (session start, slot mappings, the predicted
action); the apology is said once per message: `channels.gate.MessageGate` opens a `one_apology()`
scope around each message, and later failures within it answer nothing. A failed session start
still starts the session (Rasa's default events, slots carried over), so the message that follows
is handled normally.

`channels.gate.MessageGate` puts it in place of the agent's endpoint when the first message arrives.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Mapping

import aiohttp
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from services.office import load_office

logger = logging.getLogger(__name__)

UNAVAILABLE_RESPONSE = "utter_service_unavailable"
# The turn ends after the apology: without it the policies, missing the action's events, would go on
# to the "did not understand" fallback.
LISTEN = {"event": "followup", "name": "action_listen"}
SESSION_START = "action_session_start"


# Per message (set by the gate): whether the apology was already said. asyncio copies the context
# into the tasks a message spawns, and they share this one mutable list.
_APOLOGISED: contextvars.ContextVar[List[bool] | None] = contextvars.ContextVar("apologised", default=None)


@contextmanager
def one_apology() -> Iterator[None]:
    """Within this scope (one user message) the unavailability apology is said at most once."""
    token = _APOLOGISED.set([])
    try:
        yield
    finally:
        _APOLOGISED.reset(token)


def _first_apology() -> bool:
    said = _APOLOGISED.get()
    if said is None:  # outside a message (e.g. the HTTP API's trigger_intent): always apologise
        return True
    if said:
        return False
    said.append(True)
    return True


def _session_start_events(body: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """What Rasa's default `action_session_start` returns: the session marker, the slots carried
    over (the domain carries them over) and `action_listen`, so the user's message that follows is
    handled as the first of a session instead of derailing the policies."""
    slots = (body.get("tracker") or {}).get("slots") or {}
    carried = [{"event": "slot", "name": name, "value": value} for name, value in slots.items() if value is not None]
    return [{"event": "session_started"}, *carried, {"event": "action", "name": "action_listen"}]


def unavailable_reply(body: Mapping[str, Any] | None = None, apologise: bool = True) -> Dict[str, Any]:
    """What the action server would have answered: an apology with the consultants' phone numbers
    (when `apologise`), and the events that end the turn."""
    body = body or {}
    starting = body.get("next_action") == SESSION_START
    office = load_office()
    apology = {
        "response": UNAVAILABLE_RESPONSE,
        "phone_main": office.phone_main,
        "phone_international": office.phone_international,
    }
    return {
        "events": _session_start_events(body) if starting else [LISTEN],
        "responses": [apology] if apologise else [],
    }


class ResilientActionEndpoint(EndpointConfig):
    """`EndpointConfig` whose failures become an apology instead of a silent turn."""

    @classmethod
    def wrapping(cls, endpoint: EndpointConfig) -> ResilientActionEndpoint:
        return cls(
            url=endpoint.url,
            params=endpoint.params,
            headers=endpoint.headers,
            basic_auth=endpoint.basic_auth,
            token=endpoint.token,
            token_name=endpoint.token_name,
            cafile=endpoint.cafile,
            **endpoint.kwargs,
        )

    async def request(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().request(*args, **kwargs)
        except ClientResponseError as error:
            if error.status < 500:
                raise
            logger.error("The action server failed (%s); the user is offered a consultant", error.status)
        except (aiohttp.ClientConnectionError, asyncio.TimeoutError) as error:
            logger.error(
                "The action server is unreachable (%s); the user is offered a consultant", type(error).__name__
            )
        body = kwargs.get("json")
        return unavailable_reply(body if isinstance(body, Mapping) else None, apologise=_first_apology())
