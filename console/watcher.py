"""Background task of the console: follows Rasa's event broker and acts on waiting tickets.

A user who is waiting for a consultant and writes "never mind" gets the bot back: the ticket is
abandoned with a conditional UPDATE (so with several console processes exactly one acts) and the
conversation is resumed through Rasa's HTTP API.
"""

from __future__ import annotations

import asyncio
import logging

from sanic import Sanic

from console.rasa_api import RasaConversations, RasaUnavailable
from services.handoff import tickets
from services.handoff.cancel import is_cancel_request
from services.handoff.transcript import last_event_id, new_events
from services.storage.db import session_scope

logger = logging.getLogger(__name__)
POLL_SECONDS = 0.7


async def follow_events(app: Sanic) -> None:
    config = app.ctx.config
    rasa = RasaConversations(config.rasa_url, config.rasa_token)
    cursor = last_event_id(config.events_database_url)
    while True:
        try:
            for event_id, conversation_id, event in new_events(config.events_database_url, cursor):
                cursor = event_id
                if event.get("event") != "user":
                    continue
                intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
                if is_cancel_request(event.get("text") or "", intent):
                    await _cancel_waiting(config.app_database_url, rasa, conversation_id)
        except asyncio.CancelledError:
            raise
        except Exception:  # the watcher must survive a database hiccup
            logger.exception("event watcher: skipped a round")
        await asyncio.sleep(POLL_SECONDS)


async def _cancel_waiting(database_url: str | None, rasa: RasaConversations, conversation_id: str) -> None:
    with session_scope(database_url) as session:
        ticket = tickets.open_ticket_of(session, conversation_id)
        if ticket is None or ticket.status != "waiting" or not tickets.abandon(session, ticket.id):
            return
        ticket_id = ticket.id
    logger.info("ticket %s: the user cancelled while waiting", ticket_id)
    try:
        await rasa.cancelled(conversation_id)
    except RasaUnavailable as error:
        logger.error("ticket %s cancelled, but the bot could not be resumed: %s", ticket_id, error)
