"""The seam every input channel passes a message through before Rasa handles it.

Rasa 3.6 has no per-message hook between a channel and `MessageProcessor.handle_message`, and its NLU
graph does not see the tracker, so the checks sit where every channel hands a `UserMessage` to
Rasa: the `on_new_message` callback that `InputChannel.blueprint` receives. A channel wraps it:

    gate = MessageGate(on_new_message)
    blueprint = super().blueprint(gate)
    gate.attach(blueprint)

1. Typed payloads: a message shaped like `/intent{...}` is compared with the buttons of the
   bot messages of the conversation's last few turns (read from the tracker store) and the allow-list in
   `services.payloads`; when neither offers it, Rasa gets it as plain text. Messages that do not
   start with `/` cost nothing extra.
2. NLU off the event loop: Rasa runs the NLU graph synchronously inside the server's event loop, so
   one long message used to stall every other conversation. The gate parses the message in a worker
   thread first and hands Rasa the result (`UserMessage.parse_data`, which Rasa uses instead of
   parsing again), so other conversations' requests, database calls and replies go on meanwhile.
   The parsing itself runs in a separate process with the same model (`runtime.nlu_process`), so
   it does not compete with the dialogue for the interpreter lock (until that process is ready,
   in the server's threads).
3. Action server responses are checked against Rasa's schema compiled once
   (`runtime.action_validation`: Rasa re-checks the schema itself on every call, about 24 ms each),
   and the domain Rasa sends to form validation actions leaves out the responses
   (`runtime.action_domain`: 960 kB per form turn, nearly all of it the knowledge base's answers).
4. The action server's endpoint is replaced by `runtime.action_endpoint.ResilientActionEndpoint`
   (same settings), so an unreachable action server gives the user an apology and a consultant's
   number instead of silence, once per message.
"""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, Sanic

from runtime import action_domain, action_validation, nlu_process
from runtime.action_endpoint import ResilientActionEndpoint, one_apology
from services.payloads import RECENT_USER_TURNS, guarded_text, looks_like_payload

logger = logging.getLogger(__name__)

# Shared by every channel of the process: NLU is CPU-bound, so a few threads are enough to keep one
# long message from queueing the short ones behind it.
_NLU_WORKERS = ThreadPoolExecutor(max_workers=int(os.environ.get("VO_NLU_THREADS", "4")), thread_name_prefix="nlu")


class MessageGate:
    """Wraps a channel's `on_new_message`: typed payloads checked, NLU run off the event loop."""

    def __init__(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        self._on_new_message = on_new_message
        self._app: Sanic | None = None

    def attach(self, blueprint: Blueprint) -> None:
        """Remembers the server app (its agent holds the tracker store and the model) at start-up."""

        @blueprint.listener("before_server_start")
        async def remember_app(app: Sanic, _loop: Any) -> None:
            self._app = app
            action_validation.install()
            action_domain.install()

        @blueprint.listener("after_server_start")
        async def start_nlu_process(app: Sanic, _loop: Any) -> None:
            processor = self._local_processor()
            if processor is not None:
                self._nlu_process(processor)  # loads the model in the background; parsing stays here until then

        @blueprint.listener("before_server_stop")
        async def stop_nlu_process(app: Sanic, _loop: Any) -> None:
            nlu_process.close()

    @property
    def _agent(self) -> Any:
        return getattr(self._app.ctx, "agent", None) if self._app else None

    async def _last_bot_turn(self, sender_id: str) -> List[Dict[str, Any]]:
        agent = self._agent
        if agent is None or agent.tracker_store is None:
            return []
        tracker = await agent.tracker_store.retrieve(sender_id)
        if tracker is None:
            return []
        if sum(isinstance(event, UserUttered) for event in tracker.events) < RECENT_USER_TURNS:
            # a session that has just started (or a long one the tracker store rolled over) does not
            # hold the buttons offered at the end of the previous one, still on the user's screen
            tracker = await agent.tracker_store.retrieve_full_tracker(sender_id) or tracker
        tail: List[Dict[str, Any]] = []
        user_turns = 0
        for event in reversed(tracker.events):
            if isinstance(event, UserUttered):
                user_turns += 1
                if user_turns >= RECENT_USER_TURNS:
                    break
                tail.append({"event": "user"})
            elif isinstance(event, BotUttered):
                tail.append(event.as_dict())
        return list(reversed(tail))

    def _local_processor(self) -> Any:
        """The agent's processor when it parses with its own model (not a remote NLU server)."""
        processor = getattr(self._agent, "processor", None)
        return None if processor is None or processor.http_interpreter is not None else processor

    def _nlu_process(self, processor: Any) -> nlu_process.NluProcess | None:
        path = getattr(processor, "model_path", None)
        if path is not None and Path(path).name != processor.model_filename:
            path = Path(path) / processor.model_filename  # `rasa run --model models/`: the model chosen in it
        return nlu_process.for_model(path)

    async def _parse_off_loop(self, message: UserMessage) -> None:
        processor = self._local_processor()
        if processor is None or message.parse_data:
            return
        process = self._nlu_process(processor)
        parse_data = await process.parse(message) if process is not None else None
        if parse_data is None:
            parse_data = await asyncio.get_running_loop().run_in_executor(
                _NLU_WORKERS, nlu_process.parse_with, processor, message
            )
        message.parse_data = parse_data

    def _make_action_endpoint_resilient(self) -> None:
        processor = getattr(self._agent, "processor", None)
        endpoint = getattr(processor, "action_endpoint", None)
        if endpoint is not None and not isinstance(endpoint, ResilientActionEndpoint):
            processor.action_endpoint = ResilientActionEndpoint.wrapping(endpoint)

    async def __call__(self, message: UserMessage) -> Any:
        self._make_action_endpoint_resilient()
        if looks_like_payload(message.text):
            text = guarded_text(message.text, await self._last_bot_turn(message.sender_id))
            if text != message.text:
                logger.info("A typed payload that was not offered is treated as text (sender %s)", message.sender_id)
                message.text = text
        await self._parse_off_loop(message)
        with one_apology():
            return await self._on_new_message(message)
