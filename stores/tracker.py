"""Rasa's SQL tracker store with two options the office needs, named in endpoints.yml:

    tracker_store:
      type: stores.tracker.OfficeTrackerStore
      dialect: postgresql            # every option of Rasa's SQL tracker store works as before
      ...
      max_session_events: 60         # bounded cost per message (0 = Rasa's behaviour)
      anonymise: true                # personal data masked/sealed before storage (VO_TRACKER_KEY)

Bounded cost: Rasa loads, replays and featurises every event of the current session on each
message, and a session only ends after `session_expiration_time` of silence, so a long conversation
got slower with every turn. When a session grows past `max_session_events`, the store appends what
Rasa's own `action_session_start` writes when a session expires and slots are carried over (a
`session_started`, the slots' current values, the active form, then `action_listen`), so the next
message loads only those few events (not while the bot's last turn offers buttons, whose keyed or
typed numbers the channels look up in the session with `channels.conversation.last_buttons`,
unless the session has grown to twice the limit). Earlier events stay in the table (`retrieve_full_tracker`, retention, analytics). The
policies look back `max_history` turns; the assistant's rules depend on the intent, the active form
and slots, which are carried over.

Database restarts: connections are checked before reuse (`pool_pre_ping`), so the first message
after PostgreSQL restarts is served instead of failing on a dead pooled connection.

Off the event loop: loading and saving run in database threads (`stores.sqlite.in_database_thread`:
queries, JSON, commits), and the events of a save go to an SQL event broker in one transaction
there too (`OfficeSQLEventBroker.publish_batch`); other brokers (RabbitMQ) are called on the event
loop as Rasa does.

Anonymisation: see `services.anonymisation`. Events sent to the event broker are anonymised the
same way, and the broker diff is computed from a count query instead of a second full load.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any, Dict, Iterable, List

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from channels.conversation import last_buttons
from services.anonymisation import DEFAULT_SEALED_SLOT_PREFIXES, EventAnonymiser, MissingKeyError
from stores.sqlite import in_database_thread, reopen, writer_for

logger = logging.getLogger(__name__)

_TRUE = (True, "true", "True", "1", 1, "yes")


def rollover_events(tracker: DialogueStateTracker, timestamp: float) -> List[Event]:
    """The events of a new session that carries over the tracker's slots and active form."""
    events: List[Event] = [
        ActionExecuted(ACTION_SESSION_START_NAME, timestamp=timestamp),
        SessionStarted(timestamp=timestamp),
    ]
    for slot in tracker.slots.values():
        if slot.value != slot.initial_value:
            events.append(SlotSet(slot.name, slot.value, timestamp=timestamp))
    if tracker.active_loop_name:
        events.append(ActiveLoop(tracker.active_loop_name, timestamp=timestamp))
    events.append(ActionExecuted(ACTION_LISTEN_NAME, timestamp=timestamp))
    return events


class OfficeTrackerStore(SQLTrackerStore):
    """SQL tracker store with a bounded session length and optional anonymisation."""

    def __init__(
        self,
        domain: Domain | None = None,
        max_session_events: int | str = 60,
        anonymise: bool | str = False,
        sealed_slot_prefixes: Iterable[str] = DEFAULT_SEALED_SLOT_PREFIXES,
        **kwargs: Any,
    ) -> None:
        self.max_session_events = int(max_session_events or 0)
        self.anonymiser: EventAnonymiser | None = None
        if anonymise in _TRUE:
            try:
                self.anonymiser = EventAnonymiser.from_key_list(
                    os.environ.get("VO_TRACKER_KEY"), sealed_slot_prefixes=sealed_slot_prefixes
                )
            except MissingKeyError as error:
                raise RasaException(str(error)) from error
        super().__init__(domain=domain, **kwargs)
        # Rasa's engine has no pre-ping (after a database restart the first message on every pooled
        # connection failed) and opens a new SQLite connection per transaction: same URL and options,
        # with `stores.sqlite.engine_options`.
        self.engine = reopen(self.engine, **create_engine_kwargs(self.engine.url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._writer = writer_for(self.engine.url)

    # --- reading -------------------------------------------------------------------------------
    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        return await in_database_thread(self._load, sender_id, fetch_events_from_all_sessions)

    def _load(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        with self.session_scope() as session:
            rows = self._event_query(
                session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions
            ).all()
            events = [self._restore(json.loads(row.data)) for row in rows]
        if not (self.domain and events):
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def _restore(self, event: Dict[str, Any]) -> Dict[str, Any]:
        return self.anonymiser.restore(event) if self.anonymiser else event

    def _stored(self, event: Event) -> Dict[str, Any]:
        data = event.as_dict()
        return self.anonymiser.anonymise(data) if self.anonymiser else data

    # --- writing -------------------------------------------------------------------------------
    async def save(self, tracker: DialogueStateTracker) -> None:
        published = await in_database_thread(self._store, tracker, executor=self._writer)
        broker = self.event_broker
        if broker is None or not published:
            return
        publish_batch = getattr(broker, "publish_batch", None)
        if publish_batch is not None:
            await publish_batch(published)
        else:
            for event in published:
                broker.publish(event)

    def _store(self, tracker: DialogueStateTracker) -> List[Dict[str, Any]]:
        """Appends the tracker's new events; returns them as the event broker gets them."""
        with self.session_scope() as session:
            stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
            new_events = list(tracker.events)[stored:]
            to_store = list(new_events)
            length = stored + len(new_events)
            if (
                self.max_session_events
                and length > self.max_session_events
                and tracker.latest_action_name == ACTION_LISTEN_NAME
                and tracker.events
                and (not last_buttons(tracker) or length > 2 * self.max_session_events)
            ):
                last = max((e.timestamp for e in tracker.events if e.timestamp), default=0.0)
                to_store += rollover_events(tracker, last + 0.001)
            for event in to_store:
                data = self._stored(event)
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=(data.get("parse_data") or {}).get("intent", {}).get("name"),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
        logger.debug("Stored %d events of %s", len(to_store), tracker.sender_id)
        if self.event_broker is None:
            return []
        return [{"sender_id": tracker.sender_id, **self._stored(event)} for event in new_events]

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Publishing happens in `save`, from the same diff (no second load of the conversation)."""
