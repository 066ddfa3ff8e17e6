"""`validate_registration_form`: checks every answer of the CEIDG-1 form as it comes in."""

from __future__ import annotations

import threading
from typing import Any, Callable, Coroutine, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.registration.checks import CHECKED_SLOTS, check, outcome_for, regon_needed
from actions.registration.choices import CONFIRM_OPTIONS, YES, parse_choice
from actions.registration.correct import correction_values
from actions.registration.corrections import parse_correction
from actions.registration.fields import CONFIRM_SLOT, FREE_TEXT_SLOTS, OPTIONAL_SLOTS
from actions.registration.interrupts import FormInterrupts, after_user_message
from actions.registration.rasa_io import answer_if_faq_question, form_state, tell_notices, tell_result
from actions.registration.results import Invalid
from actions.registration.slots import PENDING_ANSWER_SLOT, PENDING_SLOT, REQUESTED_SLOT
from actions.registration.text_input import too_long
from services.pkd.search import search
from services.privacy import get_masked_logger

logger = get_masked_logger(__name__)

SlotValidator = Callable[[Any, Any, CollectingDispatcher, Tracker, DomainDict], Coroutine[Any, Any, Dict[str, Any]]]

# Loading the PKD index and simplemma's dictionaries takes seconds: do it while the server starts.
threading.Thread(target=search, args=("warm up",), daemon=True, name="pkd-index-warm-up").start()


class ValidateRegistrationForm(FormValidationAction):
    """Validates each field (see `checks`), answers FAQ questions asked instead of an answer,
    asks for REGON only when the user already has a NIP, and reads requests about the form
    ("nie wiem", "wróć", "anuluj", ...) before anything is validated (see `interrupts`)."""

    def name(self) -> str:
        return "validate_registration_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if after_user_message(tracker):
            events = await FormInterrupts(dispatcher, tracker, self._validate_slot).handle()
            if events is not None:
                return await self._with_next_slot(events, dispatcher, tracker, domain)
        return await super().run(dispatcher, tracker, domain)

    async def _validate_slot(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Dict[str, Any]:
        return await getattr(self, f"validate_{slot}")(value, dispatcher, tracker, {})

    async def _with_next_slot(
        self, events: List[EventType], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """`events`, ending with the slot to ask next unless the handler chose it (None ends the form)."""
        if any(event.get("name") == REQUESTED_SLOT for event in events):
            return events
        tracker = tracker.copy()
        tracker.slots.update({event["name"]: event["value"] for event in events if event.get("event") == "slot"})
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        following = next((slot for slot in required if tracker.slots.get(slot) is None), None)
        return events + [SlotSet(REQUESTED_SLOT, following)]

    async def required_slots(
        self, domain_slots: List[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[str]:
        slots = [s for s in domain_slots if s not in OPTIONAL_SLOTS or regon_needed(tracker.current_slot_values())]
        if tracker.get_slot(PENDING_SLOT):  # a confirmation waits: the form asks it first
            return [PENDING_ANSWER_SLOT] + [s for s in slots if s != PENDING_ANSWER_SLOT]
        return [s for s in slots if s != PENDING_ANSWER_SLOT]

    async def validate_field(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Dict[str, Any]:
        """Check one answer; tell the user what is wrong, or what else changed because of it."""
        text = value if isinstance(value, str) else None
        if text is not None and slot not in FREE_TEXT_SLOTS and answer_if_faq_question(dispatcher, tracker, text):
            return {slot: None}
        state = form_state(tracker)
        result = Invalid("too_long") if text is not None and too_long(text) else check(slot, value, state)
        tell_result(dispatcher, tracker, result)
        outcome = outcome_for(slot, result, state)
        tell_notices(dispatcher, tracker, outcome)
        logger.info("registration %s: %s -> %s", tracker.sender_id, slot, type(result).__name__)
        return outcome.values

    async def validate_reg_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Yes submits; a named field ("zmień e-mail") is corrected; no shows the field list;
        an FAQ question is answered (and the summary shown again)."""
        text = str(value)
        if answer_if_faq_question(dispatcher, tracker, text):
            return {CONFIRM_SLOT: None}
        correction = parse_correction(text)
        if correction:
            return {**correction_values(dispatcher, tracker, correction), CONFIRM_SLOT: None}
        choice = parse_choice(text, CONFIRM_OPTIONS)
        if choice == YES:
            return {CONFIRM_SLOT: YES}
        if choice is None:
            dispatcher.utter_message(response="utter_reg_invalid_confirm_choice")
        return {CONFIRM_SLOT: None}  # a "no" is answered by action_ask_reg_confirmed with the field list


def _slot_validator(slot: str) -> SlotValidator:
    async def validate(
        self: ValidateRegistrationForm,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        return await self.validate_field(slot, value, dispatcher, tracker)

    validate.__name__ = f"validate_{slot}"
    validate.__doc__ = f"Validates `{slot}` (see actions.registration.checks)."
    return validate


# rasa-sdk calls `validate_<slot>` for every slot it validates; all fields share `validate_field`.
for _slot in sorted(CHECKED_SLOTS):
    setattr(ValidateRegistrationForm, f"validate_{_slot}", _slot_validator(_slot))
