"""Checking an application's status: reference number plus the last four digits of the PESEL.

The second factor keeps a reference number overheard or found in an e-mail from revealing
anything; wrong digits are counted and lock the reference for a while (see the repository).
A wrong reference and wrong digits get the same answer, so neither can be probed alone.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.applications import tell_rejection_reason
from actions.language import language_of
from actions.registration import readback
from actions.registration.rasa_io import OFFICE_TIMEZONE, latest_text, tell_result, voice
from actions.registration.results import Invalid, Result, Valid
from actions.registration.submit import LAST_REFERENCE_SLOT
from actions.registration.text_input import compact_number, strip_lead_in
from services.office import contact_variables
from services.privacy import get_masked_logger
from services.storage.applications import SECOND_FACTOR_DIGITS, StatusCheckOutcome, check_status
from services.storage.db import session_scope
from services.storage.models import ApplicationStatus
from services.storage.reference_numbers import parse_reference

logger = get_masked_logger(__name__)
REFERENCE_SLOT = "reg_status_reference"
DIGITS_SLOT = "reg_status_pesel_digits"
_DIGITS_LEAD_INS = (
    "ostatnie cztery cyfry to",
    "ostatnie cyfry to",
    "ostatnie cyfry",
    "końcówka",
    "cyfry",
    "the last four digits are",
    "the last digits are",
    "last digits",
    "digits",
    "it's",
)


def validate_reference(raw: str) -> Result:
    reference = parse_reference(str(raw))
    return Valid(reference) if reference else Invalid("reference_format", {"given": str(raw).strip()[:30]})


def validate_pesel_digits(raw: str) -> Result:
    digits = compact_number(strip_lead_in(str(raw), _DIGITS_LEAD_INS))
    if digits is None or len(digits) != SECOND_FACTOR_DIGITS:
        return Invalid("pesel_digits_format", {"count": SECOND_FACTOR_DIGITS})
    return Valid(digits)


class ValidateStatusForm(FormValidationAction):
    """Checks the reference number's format and the four digits (not yet against the database)."""

    def name(self) -> str:
        return "validate_status_form"

    def _apply(self, slot: str, result: Result, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
        tell_result(dispatcher, tracker, result)
        return {slot: result.value if isinstance(result, Valid) else None}

    async def validate_reg_status_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._apply(REFERENCE_SLOT, validate_reference(value), dispatcher, tracker)

    async def validate_reg_status_pesel_digits(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._apply(DIGITS_SLOT, validate_pesel_digits(value), dispatcher, tracker)


class ActionRegStatusStart(Action):
    """Takes the reference from the question itself ("status REG-2026-...") or from this session."""

    def name(self) -> str:
        return "action_reg_status_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        reference = parse_reference(latest_text(tracker)) or tracker.get_slot(LAST_REFERENCE_SLOT)
        return [SlotSet(REFERENCE_SLOT, reference), SlotSet(DIGITS_SLOT, None)]


class ActionRegCheckStatus(Action):
    """Looks the application up and tells its status (rule: after status_form)."""

    def name(self) -> str:
        return "action_reg_check_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        reference, digits = tracker.get_slot(REFERENCE_SLOT), tracker.get_slot(DIGITS_SLOT)
        cleared: List[EventType] = [SlotSet(REFERENCE_SLOT, None), SlotSet(DIGITS_SLOT, None)]
        if not reference or not digits:
            return cleared
        try:
            with session_scope() as session:
                result = check_status(session, reference, digits)
        except (SQLAlchemyError, OSError) as error:
            logger.error("status check %s failed: %s", tracker.sender_id, type(error).__name__)
            dispatcher.utter_message(response="utter_reg_status_unavailable")
            return cleared
        logger.info("status check %s: %s", tracker.sender_id, result.outcome.value)
        shown = readback.reference(reference, voice(tracker))
        if result.outcome is StatusCheckOutcome.FOUND and result.status and result.updated_at:
            updated = readback.day(result.updated_at.astimezone(OFFICE_TIMEZONE).date(), language_of(tracker))
            dispatcher.utter_message(
                response=f"utter_reg_status_{result.status.value}",
                reference=shown,
                updated=updated,
                **contact_variables(language_of(tracker)),  # office.yml: phone and consultants' hours
            )
            if result.status is ApplicationStatus.REJECTED:
                tell_rejection_reason(dispatcher, tracker, reference)  # the back office's reason
        elif result.outcome is StatusCheckOutcome.LOCKED:
            dispatcher.utter_message(response="utter_reg_status_locked")
        else:
            dispatcher.utter_message(response="utter_reg_status_not_found", reference=shown)
        return cleared
