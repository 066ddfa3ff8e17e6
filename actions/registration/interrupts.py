"""What the form does with a message *before* it is validated as an answer.

Order: a pending confirmation is answered first; then requests about the form ("nie wiem",
"pomocy", "wróć", "zmień imię", "talk to a person", "anuluj", "zacznij od nowa"); then a full name
typed at the first-name question is offered as a split. Everything else is an answer and goes to
the field's validator. Each handler returns the slot events of this turn (with `requested_slot` when
it decides what is asked next), or None to let the normal validation run.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.language import language_of
from actions.registration.confirmations import CANCEL, NAME_SPLIT, NO, RESTART, YES, parse_confirmation, previous_field
from actions.registration.correct import correction_values
from actions.registration.corrections import Correction
from actions.registration.fields import CONFIRM_SLOT, FIELDS_BY_SLOT, FORM_SLOTS
from actions.registration.identity import split_full_name
from actions.registration.meta_requests import Meta, MetaRequest, recognise
from actions.registration.rasa_io import latest_intent, latest_text, slot_events
from actions.registration.slots import (
    NAME_SPLIT_SLOT,
    PENDING_ANSWER_SLOT,
    PENDING_FOR_SLOT,
    PENDING_SLOT,
    REQUESTED_SLOT,
    cleared_pending,
    cleared_registration,
)
from services.privacy import get_masked_logger

logger = get_masked_logger(__name__)

FORM = "registration_form"
Validate = Callable[[str, Any, CollectingDispatcher, Tracker], Awaitable[Dict[str, Any]]]
# Fields with their own help text (utter_reg_help_<slot>); the others get the general one.
FIELDS_WITH_HELP = frozenset(
    {
        "reg_pesel",
        "reg_pkd_main",
        "reg_pkd_extra",
        "reg_nip",
        "reg_regon",
        "reg_business_name",
        "reg_tax_form",
        "reg_zus",
    }
)


def after_user_message(tracker: Tracker) -> bool:
    """The form runs right after the user spoke (not when it resumes after an FAQ answer).

    Rasa appends the form's own execution to the tracker it sends, so that one is skipped."""
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") != FORM:
            return event.get("name") == "action_listen"
    return False


def _label(tracker: Tracker, slot: str) -> str:
    return FIELDS_BY_SLOT[slot].label(language_of(tracker)) if slot in FIELDS_BY_SLOT else slot


def _help(dispatcher: CollectingDispatcher, slot: str | None, general: bool) -> None:
    if general or slot not in FIELDS_WITH_HELP:
        dispatcher.utter_message(response="utter_reg_help")
    if slot in FIELDS_WITH_HELP:
        dispatcher.utter_message(response=f"utter_reg_help_{slot}")


def _ask(slot: str | None) -> List[EventType]:
    """Ask `slot` (again): emptying it makes the form ask it, and it says which one it asks."""
    return [SlotSet(slot, None), SlotSet(REQUESTED_SLOT, slot)] if slot else []


def _confirm(kind: str, pending_for: str | None, extra: List[EventType] | None = None) -> List[EventType]:
    return (extra or []) + [
        SlotSet(PENDING_SLOT, kind),
        SlotSet(PENDING_FOR_SLOT, pending_for),
        SlotSet(PENDING_ANSWER_SLOT, None),
        SlotSet(REQUESTED_SLOT, PENDING_ANSWER_SLOT),
    ]


class FormInterrupts:
    """Runs the checks above for one message; `validate(slot, value, ...)` is the form's validator."""

    def __init__(self, dispatcher: CollectingDispatcher, tracker: Tracker, validate: Validate) -> None:
        self.dispatcher, self.tracker, self.validate = dispatcher, tracker, validate
        self.text = latest_text(tracker)
        self.requested: str | None = tracker.get_slot(REQUESTED_SLOT)

    async def handle(self) -> List[EventType] | None:
        if self.tracker.get_slot(PENDING_SLOT):
            return await self._answer_confirmation()
        request = recognise(self.text)
        if request is not None:
            logger.info("registration %s: %s at %s", self.tracker.sender_id, request.kind.value, self.requested)
            return await self._meta(request)
        if self.requested == "reg_first_name":
            split = split_full_name(self.text)
            if split:
                return self._propose_split(*split)
        if latest_intent(self.tracker) == "cancel":
            # NLU thought "cancel", but no cancel word was typed (e.g. a name with SQL in it): an answer
            return await self._as_answer(self.requested)
        return None

    # --- requests about the form ------------------------------------------------------------------
    async def _meta(self, request: MetaRequest) -> List[EventType]:
        kind = request.kind
        if kind in (Meta.DONT_KNOW, Meta.HELP):
            _help(self.dispatcher, self.requested, general=kind is Meta.HELP)
            return _ask(self.requested)
        if kind is Meta.BACK:
            return self._go_back(request.slot)
        if kind is Meta.CHANGE_FIELD and request.slot:
            values = correction_values(self.dispatcher, self.tracker, Correction(request.slot, request.value))
            return slot_events(values) if values else _ask(self.requested)  # the form asks what is missing
        if kind is Meta.HUMAN:
            self.dispatcher.utter_message(response="utter_reg_offer_human")
            return _ask(self.requested)
        if kind is Meta.CANCEL:
            return _confirm(CANCEL, self.requested)
        if kind is Meta.RESTART:
            return _confirm(RESTART, self.requested)
        return _ask(self.requested)  # "kontynuuj" while the form is running: the same question again

    def _go_back(self, named: str | None) -> List[EventType]:
        slots = self.tracker.current_slot_values()
        target = named if named and slots.get(named) is not None else None
        target = target or previous_field(self.requested, FORM_SLOTS, slots)
        if target is None:
            self.dispatcher.utter_message(response="utter_reg_nothing_before")
            return _ask(self.requested)
        self.dispatcher.utter_message(response="utter_reg_going_back", field=_label(self.tracker, target))
        events = _ask(target)
        if target == "reg_nip":
            events.insert(0, SlotSet("reg_regon", None))
        if self.requested and self.requested != target:
            events.insert(0, SlotSet(self.requested, None))
        return [SlotSet(CONFIRM_SLOT, None)] + events

    # --- "Jan Kowalski" at the first-name question -------------------------------------------------
    def _propose_split(self, first: str, last: str) -> List[EventType]:
        return _confirm(
            NAME_SPLIT, "reg_first_name", [SlotSet(NAME_SPLIT_SLOT, {"first": first, "last": last, "typed": self.text})]
        )

    # --- a confirmation waits -----------------------------------------------------------------------
    async def _answer_confirmation(self) -> List[EventType]:
        kind = self.tracker.get_slot(PENDING_SLOT)
        pending_for = self.tracker.get_slot(PENDING_FOR_SLOT)
        answer = parse_confirmation(self.text)
        if kind == NAME_SPLIT:
            return await self._answer_split(answer, pending_for)
        if answer == YES and kind == CANCEL:
            self.dispatcher.utter_message(response="utter_reg_cancelled")
            return cleared_registration()  # requested_slot None: the form ends
        if answer == YES and kind == RESTART:
            self.dispatcher.utter_message(response="utter_reg_restarted")
            return cleared_registration() + [SlotSet(REQUESTED_SLOT, "reg_first_name")]
        if answer == NO:
            self.dispatcher.utter_message(response="utter_reg_resuming")
            return cleared_pending() + _ask(pending_for)
        request = recognise(self.text)
        if answer is None and request is None and pending_for and not self.text.startswith("/"):
            values = await self.validate(pending_for, self.text, self.dispatcher, self._without_pending())
            if values.get(pending_for) is not None:  # a valid answer to the question asked before
                self.dispatcher.utter_message(response="utter_reg_resuming")
                return cleared_pending() + slot_events(values)
            self.dispatcher.messages.clear()  # not an answer either: just ask the confirmation again
        self.dispatcher.utter_message(response="utter_reg_confirm_unclear")
        return [SlotSet(PENDING_ANSWER_SLOT, None), SlotSet(REQUESTED_SLOT, PENDING_ANSWER_SLOT)]

    async def _answer_split(self, answer: str | None, pending_for: str | None) -> List[EventType]:
        proposal = self.tracker.get_slot(NAME_SPLIT_SLOT) or {}
        if answer == YES and proposal:
            values = await self.validate("reg_first_name", proposal["first"], self.dispatcher, self._without_pending())
            values.update(
                await self.validate("reg_last_name", proposal["last"], self.dispatcher, self._without_pending())
            )
            return cleared_pending() + slot_events(values)
        if answer == NO and proposal:
            values = await self.validate("reg_first_name", proposal["typed"], self.dispatcher, self._without_pending())
            return cleared_pending() + slot_events(values)
        if answer is None and recognise(self.text) is None:
            split = split_full_name(self.text)
            if split:
                return self._propose_split(*split)
            values = await self.validate("reg_first_name", self.text, self.dispatcher, self._without_pending())
            if values.get("reg_first_name") is not None:
                return cleared_pending() + slot_events(values)
            self.dispatcher.messages.clear()
        self.dispatcher.utter_message(response="utter_reg_confirm_unclear")
        return [SlotSet(PENDING_ANSWER_SLOT, None), SlotSet(REQUESTED_SLOT, PENDING_ANSWER_SLOT)]

    async def _as_answer(self, slot: str | None) -> List[EventType] | None:
        if not slot or slot not in FIELDS_BY_SLOT and slot != CONFIRM_SLOT:
            return None
        values = await self.validate(slot, self.text, self.dispatcher, self.tracker)
        return slot_events(values)

    def _without_pending(self) -> Tracker:
        """The tracker as the validators expect it: the confirmation's bookkeeping cleared."""
        tracker = self.tracker.copy()
        for slot in (PENDING_SLOT, PENDING_FOR_SLOT, NAME_SPLIT_SLOT):
            tracker.slots[slot] = None
        return tracker
