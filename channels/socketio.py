"""Rasa's socket.io channel with input validation, for the website's chat widget.

Named `channels.socketio.ValidatedSocketIOInput` in credentials.yml. Malformed events are dropped
(and logged) instead of crashing the handler; over-long messages are cut to the channel limit.

With `VO_SOCKETIO_REDIS_URL` set (the scaled profile), the server's rooms live in Redis
(python-socketio's `AsyncRedisManager`): a reply or a consultant's message emitted by one Rasa
instance reaches a browser connected to another.

It also answers `session_request` itself: Rasa 3.6 calls `AsyncServer.enter_room` without awaiting
it, which python-socketio >= 5.12 made a coroutine, so the session's room was never joined and
replies to a persistent session went nowhere.
"""

from __future__ import annotations

import inspect
import logging
import os
import uuid
from typing import Any, Awaitable, Callable, Dict

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput

from channels.gate import MessageGate
from channels.limits import MAX_MESSAGE_CHARS, message_problem, rate_limiter

logger = logging.getLogger(__name__)


class ValidatedSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> SocketBlueprint:
        gate = MessageGate(on_new_message)
        blueprint = super().blueprint(gate)
        gate.attach(blueprint)
        self._share_rooms_through_redis()
        handlers: Dict[str, Callable] = self.sio.handlers[self.namespace or "/"]
        rasa_handler = handlers[self.user_message_evt]

        async def handle_message(sid: str, data: Any) -> None:
            problem = message_problem(data)
            if problem:
                logger.warning("Ignored a malformed socket.io message from %s: %s", sid, problem)
                return
            if len(data["message"]) > MAX_MESSAGE_CHARS:
                data = {**data, "message": data["message"][:MAX_MESSAGE_CHARS]}
            decision = await rate_limiter().hit(f"socketio:{data.get('session_id') or sid}")
            if not decision.allowed:
                logger.warning("Rate limit: dropped a socket.io message from %s", sid)
                await self.sio.emit("rate_limited", {"retry_after": decision.retry_after}, room=sid)
                return
            await rasa_handler(sid, data)

        self.sio.on(self.user_message_evt, handle_message, namespace=self.namespace)

        async def session_request(sid: str, data: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = requested if isinstance(requested, str) and requested else uuid.uuid4().hex
            if self.session_persistence:
                joined = self.sio.enter_room(sid, session_id, namespace=self.namespace or "/")
                if inspect.isawaitable(joined):
                    await joined
            await self.sio.emit("session_confirm", session_id, room=sid)

        self.sio.on("session_request", session_request, namespace=self.namespace)
        return blueprint

    def _share_rooms_through_redis(self) -> None:
        url = os.environ.get("VO_SOCKETIO_REDIS_URL")
        if not url:
            return
        from socketio import AsyncRedisManager

        manager = AsyncRedisManager(url, channel="vo-socketio")
        manager.set_server(self.sio)
        self.sio.manager = manager
        logger.info("socket.io rooms shared through Redis")
