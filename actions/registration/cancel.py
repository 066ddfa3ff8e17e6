"""Starting and resuming the registration form, pausing it, and asking its confirmations.

Cancelling is handled inside the form (see `interrupts`): "anuluj" asks "Czy na pewno?" as the
form's next question, so whatever the user answers goes back to the form, and only a clear yes
drops the answers. A consultant request pauses the form with its answers kept (`reg_paused`);
"kontynuuj" / "continue" or "zarejestruj firmę" resumes it where it stopped.
"""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.registration.confirmations import NAME_SPLIT
from actions.registration.fields import FIELDS
from actions.registration.slots import NAME_SPLIT_SLOT, PAUSED_SLOT, PENDING_SLOT


def in_progress(tracker: Tracker) -> bool:
    return any(tracker.get_slot(field.slot) is not None for field in FIELDS)


class ActionRegStart(Action):
    """Introduces the form, or says that the application in progress continues."""

    def name(self) -> str:
        return "action_reg_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_reg_continue" if in_progress(tracker) else "utter_reg_intro")
        return [SlotSet(PAUSED_SLOT, False)]


class ActionRegPause(Action):
    """Before the consultant hand-off: the form stops, its answers stay, and the user is told how to
    come back to it (rule: request_human during the form)."""

    def name(self) -> str:
        return "action_reg_pause"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_reg_paused")
        return [SlotSet(PAUSED_SLOT, True)]


class ActionAskRegPendingAnswer(Action):
    """Asks the confirmation the form waits for: cancel, start again, or the split of a full name."""

    def name(self) -> str:
        return "action_ask_reg_pending_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        kind = tracker.get_slot(PENDING_SLOT)
        if kind == NAME_SPLIT:
            proposal = tracker.get_slot(NAME_SPLIT_SLOT) or {}
            dispatcher.utter_message(
                response="utter_reg_confirm_name_split",
                first_name=proposal.get("first", ""),
                last_name=proposal.get("last", ""),
                typed=proposal.get("typed", ""),
            )
        elif kind:
            dispatcher.utter_message(response=f"utter_reg_confirm_{kind}")
        return []
