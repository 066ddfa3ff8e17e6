"""Starting, cancelling (after a confirmation) and resuming the registration form.

`cancel` during the form deactivates it first, so that the "tak"/"nie" that follows cannot be
taken as the answer to the question the form had asked; "nie" then re-activates it where it was.
"""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.registration.fields import FIELDS
from actions.registration.slots import CANCEL_PENDING_SLOT, cleared_registration


class ActionRegStart(Action):
    """Introduces the form, or says that the application in progress continues."""

    def name(self) -> str:
        return "action_reg_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        in_progress = any(tracker.get_slot(field.slot) is not None for field in FIELDS)
        dispatcher.utter_message(response="utter_reg_continue" if in_progress else "utter_reg_intro")
        return [SlotSet(CANCEL_PENDING_SLOT, False)]


class ActionRegAskCancel(Action):
    """Asks whether to really drop the application in progress."""

    def name(self) -> str:
        return "action_reg_ask_cancel"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_reg_ask_cancel")
        return [SlotSet(CANCEL_PENDING_SLOT, True)]


class ActionRegCancel(Action):
    """Forgets the application in progress after the user confirmed the cancellation."""

    def name(self) -> str:
        return "action_reg_cancel"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_reg_cancelled")
        return cleared_registration()


class ActionRegResume(Action):
    """The user does not want to cancel: the form continues where it stopped."""

    def name(self) -> str:
        return "action_reg_resume"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_reg_resuming")
        return [SlotSet(CANCEL_PENDING_SLOT, False)]
