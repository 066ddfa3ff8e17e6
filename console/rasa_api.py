"""Talking to a conversation through Rasa's authenticated HTTP API, whatever channel it is on.

`output_channel=latest` makes Rasa send bot messages through the channel the user last wrote
from (web widget today; WhatsApp or the phone the same way), so the console has no channel code.
Any Rasa instance sharing the tracker store can serve these calls.
"""

from __future__ import annotations

from typing import Any, Dict, List
from urllib.parse import quote

import aiohttp

TIMEOUT = aiohttp.ClientTimeout(total=30)


class RasaUnavailable(RuntimeError):
    """Rasa did not accept the call; the message is safe to show to staff."""


class RasaConversations:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token

    async def _post(self, path: str, body: Any, params: Dict[str, str]) -> None:
        url = f"{self.base_url}/conversations/{path}"
        try:
            async with (
                aiohttp.ClientSession(timeout=TIMEOUT) as session,
                session.post(url, json=body, params={**params, "token": self.token}) as response,
            ):
                if response.status >= 300:
                    detail = (await response.text())[:300]
                    raise RasaUnavailable(f"Rasa answered {response.status}: {detail}")
        except aiohttp.ClientError as error:
            raise RasaUnavailable(f"Rasa is not reachable ({error.__class__.__name__})") from error

    async def append(self, conversation_id: str, events: List[Dict[str, Any]], send: bool = True) -> None:
        """Adds events to the tracker; with `send`, bot messages go out to the user's channel."""
        params = {"output_channel": "latest", "execute_side_effects": "true" if send else "false"}
        await self._post(f"{quote(conversation_id, safe='')}/tracker/events", events, params)

    async def execute(self, conversation_id: str, action: str) -> None:
        """Runs one action (e.g. a response) in the conversation, sent to the user's channel."""
        await self._post(f"{quote(conversation_id, safe='')}/execute", {"name": action}, {"output_channel": "latest"})

    # --- the handoff's steps, as events -------------------------------------------------------
    async def agent_joined(self, conversation_id: str, agent_name: str) -> None:
        await self.append(conversation_id, [{"event": "slot", "name": "handoff_agent", "value": agent_name}], False)
        await self.execute(conversation_id, "utter_handoff_agent_joined")

    async def agent_says(self, conversation_id: str, text: str, agent_name: str) -> None:
        event = {"event": "bot", "text": text, "metadata": {"handoff_agent": agent_name}}
        await self.append(conversation_id, [event])

    async def hand_back(self, conversation_id: str, ask_rating: bool = True) -> None:
        """The bot takes over again: resume, say so, ask for the consultant's rating, listen."""
        await self.append(conversation_id, [{"event": "resume"}], False)
        await self.execute(conversation_id, "utter_handoff_ended")
        await self.execute(conversation_id, "utter_handoff_bot_back")
        if ask_rating:
            await self.execute(conversation_id, "utter_ask_consultant_rating")
        await self.append(conversation_id, [{"event": "action", "name": "action_listen"}], False)

    async def cancelled(self, conversation_id: str) -> None:
        await self.append(conversation_id, [{"event": "resume"}], False)
        await self.execute(conversation_id, "utter_handoff_cancelled")
        await self.append(conversation_id, [{"event": "action", "name": "action_listen"}], False)
