"""Questions that depend on the conversation: the summary (with the field list after a "no"),
and the PKD questions, which are not repeated right after a list of suggestions."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.language import language_of
from actions.registration.choices import CONFIRM_OPTIONS, NO, parse_choice
from actions.registration.conversation import response_before_user, said_this_turn
from actions.registration.correct import requested_correction
from actions.registration.rasa_io import latest_intent, latest_text, voice
from actions.registration.summary import summary_variables

SUMMARY = "utter_reg_summary"
FIELD_LIST = "utter_reg_ask_what_to_change"
NOT_UNDERSTOOD = "utter_reg_invalid_confirm_choice"


def wants_field_list(tracker: Tracker) -> bool:
    """The user answered the summary with "no" / "zmień" without saying which field."""
    if response_before_user(tracker) not in (SUMMARY, FIELD_LIST, NOT_UNDERSTOOD):
        return False
    if latest_intent(tracker) == "correct_field":
        return requested_correction(tracker) is None
    return parse_choice(latest_text(tracker), CONFIRM_OPTIONS) == NO and requested_correction(tracker) is None


class ActionAskRegConfirmed(Action):
    """Shows the summary with Yes/No, or the list of fields after a "no"."""

    def name(self) -> str:
        return "action_ask_reg_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if said_this_turn(tracker, NOT_UNDERSTOOD):  # that message repeats the yes/no question
            return []
        if wants_field_list(tracker):
            dispatcher.utter_message(response=FIELD_LIST)
        else:
            variables = summary_variables(tracker.current_slot_values(), language_of(tracker), voice(tracker))
            dispatcher.utter_message(response=SUMMARY, **variables)
        return []


class _AskUnlessSuggested(Action, ABC):
    """Asks for a PKD slot, unless suggestions (which end with the same question) were just shown."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot asked for."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if not said_this_turn(tracker, "utter_reg_pkd_suggestions"):
            dispatcher.utter_message(response=f"utter_ask_{self.slot}")
        return []


class ActionAskRegPkdMain(_AskUnlessSuggested):
    slot = "reg_pkd_main"  # type: ignore[assignment]


class ActionAskRegPkdExtra(_AskUnlessSuggested):
    slot = "reg_pkd_extra"  # type: ignore[assignment]
