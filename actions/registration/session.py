"""`action_session_start`: a new session keeps the conversation's slots, and an unfinished
registration form is offered back ("continue where you stopped") if it is recent enough.

Rasa starts a new session after `session_expiration_time`; its default action carries the slots
over but not the active form, so the user would silently lose their place. Here the answers are
kept for `VO_FORM_KEEP_HOURS` (services.conversation.sessions) and the user gets a button to
continue; an older unfinished form is dropped.
"""

from __future__ import annotations

import time
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.registration.cancel import in_progress
from actions.registration.fields import FORM_SLOTS, SUGGESTIONS_SLOT
from actions.registration.slots import PAUSED_SLOT, PENDING_SLOTS
from services.conversation.sessions import keeps_form
from services.privacy import get_masked_logger

logger = get_masked_logger(__name__)
_NOT_CARRIED = {"requested_slot", "session_started_metadata"}
_FORM_STATE = set(FORM_SLOTS) | {SUGGESTIONS_SLOT, PAUSED_SLOT, *PENDING_SLOTS}


def _last_user_message_time(tracker: Tracker) -> float | None:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("timestamp")
    return None


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        slots: Dict[str, Any] = {
            name: value
            for name, value in tracker.current_slot_values().items()
            if value is not None and name not in _NOT_CARRIED
        }
        events: List[EventType] = [SessionStarted()]
        if in_progress(tracker):
            last = _last_user_message_time(tracker)
            if last is not None and keeps_form(time.time() - last):
                dispatcher.utter_message(response="utter_reg_offer_resume")
                slots = {name: value for name, value in slots.items() if name not in PENDING_SLOTS}
                slots[PAUSED_SLOT] = True
                logger.info("session %s: unfinished application kept and offered", tracker.sender_id)
            else:
                slots = {name: value for name, value in slots.items() if name not in _FORM_STATE}
                logger.info("session %s: unfinished application older than the keep time dropped", tracker.sender_id)
        events += [SlotSet(name, value) for name, value in slots.items()]
        events.append(ActionExecuted("action_listen"))
        return events
