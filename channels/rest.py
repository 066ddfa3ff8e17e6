"""Rasa's REST channel with input validation: malformed requests get a clear 4xx, not a 500.

Named `channels.rest.ValidatedRestInput` in credentials.yml; it keeps the URL
`/webhooks/rest/webhook` and the response format of Rasa's own `rest` channel.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.gate import MessageGate
from channels.limits import MAX_MESSAGE_CHARS, message_problem, rate_limiter


def _error(status: int, text: str) -> HTTPResponse:
    return response.json({"error": text}, status=status)


class ValidatedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        gate = MessageGate(on_new_message)
        blueprint = super().blueprint(gate)
        gate.attach(blueprint)

        @blueprint.on_request
        async def validate(request: Request) -> HTTPResponse | None:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            try:
                body = request.json
            except InvalidUsage:
                return _error(400, "The request body is not valid JSON.")
            problem = message_problem(body)
            if problem:
                return _error(400, problem)
            if len(body["message"]) > MAX_MESSAGE_CHARS:
                return _error(413, f"The message is too long: at most {MAX_MESSAGE_CHARS} characters.")
            decision = await rate_limiter().hit(f"rest:{body.get('sender') or 'default'}")
            if not decision.allowed:
                retry = max(1, round(decision.retry_after))
                refused = _error(429, f"Too many messages from this sender: try again in {retry} s.")
                refused.headers["Retry-After"] = str(retry)
                return refused
            return None

        return blueprint
