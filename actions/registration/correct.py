"""`action_reg_correct_field`: "zmień e-mail" / "change the e-mail" changes that one field.

With a new value in the same message ("zmień e-mail na jan@example.com") the value is checked
and set at once; otherwise the field is emptied and the form asks for it again. Either way the
other answers stay, and the summary is shown again before anything is submitted.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.language import language_of
from actions.registration.checks import check, outcome_for, regon_needed
from actions.registration.corrections import Correction, parse_correction, slot_for
from actions.registration.fields import CONFIRM_SLOT, FIELDS_BY_SLOT
from actions.registration.rasa_io import form_state, latest_text, slot_events, tell_notices, tell_result
from actions.registration.results import Valid

FIELD_ENTITY = "reg_field"


def requested_correction(tracker: Tracker) -> Correction | None:
    """The field the user wants to change: from the `reg_field` entity (buttons, NLU) or the text."""
    from_text = parse_correction(latest_text(tracker))
    entity_slot = slot_for(next(tracker.get_latest_entity_values(FIELD_ENTITY), None))
    if entity_slot:
        new_value = from_text.new_value if from_text and from_text.slot == entity_slot else None
        return Correction(entity_slot, new_value)
    return from_text


def correction_values(dispatcher: CollectingDispatcher, tracker: Tracker, correction: Correction) -> Dict[str, Any]:
    """Slot updates for `correction`, after telling the user what happens."""
    slots = tracker.current_slot_values()
    field = FIELDS_BY_SLOT[correction.slot]
    label = field.label(language_of(tracker))
    if correction.slot == "reg_regon" and not regon_needed(slots):
        correction = Correction("reg_nip", correction.new_value)
        label = FIELDS_BY_SLOT["reg_nip"].label(language_of(tracker))
    if slots.get(correction.slot) is None:
        dispatcher.utter_message(response="utter_reg_correction_not_yet", field=label)
        return {}
    if correction.new_value:
        state = form_state(tracker)
        result = check(correction.slot, correction.new_value, state)
        tell_result(dispatcher, tracker, result)
        outcome = outcome_for(correction.slot, result, state)
        if isinstance(result, Valid):
            dispatcher.utter_message(response="utter_reg_field_changed", field=label)
        tell_notices(dispatcher, tracker, outcome)
        return {**outcome.values, CONFIRM_SLOT: None}
    dispatcher.utter_message(response="utter_reg_correction_ack", field=label)
    values: Dict[str, Any] = {correction.slot: None, CONFIRM_SLOT: None}
    if correction.slot == "reg_nip":
        values["reg_regon"] = None
    return values


class ActionRegCorrectField(Action):
    """Changes one field of the application in progress (rule: correct_field during the form)."""

    def name(self) -> str:
        return "action_reg_correct_field"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        correction = requested_correction(tracker)
        if correction is None:
            # At the summary, action_ask_reg_confirmed shows the list of fields; elsewhere we do.
            if tracker.get_slot("requested_slot") != CONFIRM_SLOT:
                dispatcher.utter_message(response="utter_reg_ask_what_to_change")
            return []
        return slot_events(correction_values(dispatcher, tracker, correction))
