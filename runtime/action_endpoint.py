"""The action server's endpoint with a fallback: when it is down, the user hears so and is offered a consultant.

Rasa 3.6 logs an exception when a custom action cannot be reached and goes on silently, so the user
got no reply at all. `ResilientActionEndpoint` is Rasa's own `EndpointConfig` (same URL, headers,
auth) whose `request` answers, when the action server cannot be reached or fails with a 5xx, what
an action would answer: the response `utter_service_unavailable` (domain/resilience.yml, in the
conversation's language) with the office's phone numbers, and no events, so nothing is stored on
the action's behalf. A 4xx is passed on as before (rasa-sdk's 400 is a validation rejection). When
the action server is back, the next message reaches it again: there is no state to reset.

`channels.gate.MessageGate` puts it in place of the agent's endpoint when the first message arrives.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict

import aiohttp
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from services.office import load_office

logger = logging.getLogger(__name__)

UNAVAILABLE_RESPONSE = "utter_service_unavailable"


def unavailable_reply() -> Dict[str, Any]:
    """What the action server would have answered: an apology with the consultants' phone numbers."""
    office = load_office()
    return {
        "events": [],
        "responses": [
            {
                "response": UNAVAILABLE_RESPONSE,
                "phone_main": office.phone_main,
                "phone_international": office.phone_international,
            }
        ],
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
        return unavailable_reply()
