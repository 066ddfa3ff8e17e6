"""`action_reg_submit`: stores the confirmed application and gives the reference number."""

from __future__ import annotations

from datetime import date
from typing import Any, List, Mapping

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.language import language_of
from actions.registration import readback
from actions.registration.address import Address
from actions.registration.checks import SAME_FLAG, regon_needed
from actions.registration.fields import CONFIRM_SLOT, FORM_SLOTS, OPTIONAL_SLOTS
from actions.registration.rasa_io import voice
from actions.registration.slots import cleared_registration
from actions.registration.tax_ids import NONE
from services.privacy import get_masked_logger
from services.storage.applications import AddressData, ApplicationData, submit_application
from services.storage.db import session_scope
from services.storage.models import TaxForm, ZusOption

logger = get_masked_logger(__name__)
LAST_REFERENCE_SLOT = "reg_last_reference"


def _address(value: Mapping[str, Any]) -> AddressData:
    address = Address.from_slot(value)
    return AddressData(address.street, address.number, address.postal_code, address.city)


def _optional(value: Any) -> Any:
    return None if value in (None, NONE) else value


def application_from_slots(
    slots: Mapping[str, Any], language: str, channel: str | None, sender_id: str
) -> ApplicationData:
    """The validated slots as the storage layer's input."""
    return ApplicationData(
        first_name=slots["reg_first_name"],
        last_name=slots["reg_last_name"],
        pesel=slots["reg_pesel"],
        email=slots["reg_email"],
        phone=slots["reg_phone"],
        residence=_address(slots["reg_residence_address"]),
        business=_address(slots["reg_business_address"]),
        business_same_as_residence=bool(slots["reg_business_address"].get(SAME_FLAG)),
        business_name=slots["reg_business_name"],
        pkd_main=slots["reg_pkd_main"],
        pkd_extra=tuple(slots.get("reg_pkd_extra") or ()),
        start_date=date.fromisoformat(slots["reg_start_date"]),
        tax_form=TaxForm(slots["reg_tax_form"]),
        zus_option=ZusOption(slots["reg_zus"]),
        nip=_optional(slots.get("reg_nip")),
        regon=_optional(slots.get("reg_regon")),
        language=language,
        channel=channel,
        sender_id=sender_id,
    )


def is_complete(slots: Mapping[str, Any]) -> bool:
    """Every required field is filled and the summary was confirmed."""
    required = [slot for slot in FORM_SLOTS if slot not in OPTIONAL_SLOTS or regon_needed(slots)]
    return all(slots.get(slot) is not None for slot in required) and slots.get(CONFIRM_SLOT) is not None


class ActionRegSubmit(Action):
    """Runs when the form completes with a "yes" at the summary."""

    def name(self) -> str:
        return "action_reg_submit"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        slots = tracker.current_slot_values()
        if not is_complete(slots):
            return []  # the form ended without a confirmed, complete application: nothing to store
        data = application_from_slots(
            slots, language_of(tracker), tracker.get_latest_input_channel(), tracker.sender_id
        )
        try:
            with session_scope() as session:
                reference = submit_application(session, data).reference
        except (SQLAlchemyError, OSError) as error:
            logger.error("registration %s: storing the application failed: %s", tracker.sender_id, type(error).__name__)
            dispatcher.utter_message(response="utter_reg_storage_error")
            return [SlotSet(CONFIRM_SLOT, None)]  # keep the answers; "zarejestruj firmę" shows the summary again
        logger.info("registration %s: application %s stored", tracker.sender_id, reference)
        dispatcher.utter_message(
            response="utter_reg_submitted", reference=readback.reference(reference, voice(tracker))
        )
        return cleared_registration() + [SlotSet(LAST_REFERENCE_SLOT, reference)]
