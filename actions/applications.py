"""The back office's decisions in the conversation (issue 13): telling the applicant, and completing
an application the office sent back for information.

The seam with the registration form (actions/registration/) is small on purpose:
- `action_application_amend_start` fills the form's own slots from the stored application, leaves
  exactly the requested fields empty and marks the summary as confirmed, so the unchanged
  `registration_form` and `validate_registration_form` ask for and check only those fields;
- the rule "resubmit the amended application" (data/rules/applications.yml), more specific than
  the form's submit rule thanks to `application_amend_pending`, runs `action_application_resubmit`,
  which reuses `application_from_slots` and updates the stored application instead of filing a new one.
Workflow and wording choices live in services/applications/ and domain/applications.yml.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.language import language_of
from actions.registration.fields import CONFIRM_SLOT, SUGGESTIONS_SLOT
from actions.registration.slots import cleared_registration
from actions.registration.submit import application_from_slots, is_complete
from actions.registration.tax_ids import NONE
from services.applications.catalogue import FIELDS, field_values
from services.applications.notices import items_text, notice_for, rejection_reason
from services.applications.workflow import Conflict, open_request, resubmit, waiting_for_applicant
from services.privacy import get_masked_logger
from services.storage.applications import find_by_reference
from services.storage.db import session_scope
from services.storage.models import CLOSED_STATUSES, Application

logger = get_masked_logger(__name__)
REFERENCE_SLOT = "application_reference"
PENDING_SLOT = "application_amend_pending"
UNSEEN_SLOT = "application_decision_unseen"
FINAL = frozenset(status.value for status in CLOSED_STATUSES)
CONFIRMED = "yes"  # the form's value of a confirmed summary (actions.registration.choices.YES)


def _reference(tracker: Tracker) -> str | None:
    return next(tracker.get_latest_entity_values(REFERENCE_SLOT), None) or tracker.get_slot(REFERENCE_SLOT)


class ActionApplicationNotify(Action):
    """Tells the applicant the office's latest decision: when the console triggers `application_decided`,
    and once more on the applicant's next greeting after an accepted or rejected decision, since
    nobody can tell whether the web widget was open when it was first sent."""

    def name(self) -> str:
        return "action_application_notify"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        # (not get_intent_of_latest_message: a triggered intent has no intent_ranking)
        repeating = (tracker.latest_message.get("intent") or {}).get("name") != "application_decided"
        reference = _reference(tracker)
        try:
            with session_scope() as session:
                application = find_by_reference(session, reference or "")
                notice = notice_for(session, application, language_of(tracker)) if application else None
        except (SQLAlchemyError, OSError) as error:
            logger.error("decision notice %s failed: %s", tracker.sender_id, type(error).__name__)
            return []
        # the reminder is due only after a final decision told by the console, and only once
        unseen = notice is not None and notice.status in FINAL and not repeating
        pending = notice is not None and notice.status == "needs_information"
        flags: List[EventType] = [SlotSet(PENDING_SLOT, pending), SlotSet(UNSEEN_SLOT, unseen)]
        if notice is None:
            return flags
        if repeating:
            dispatcher.utter_message(response="utter_application_welcome_back")
        dispatcher.utter_message(response=notice.response, **notice.params)
        if notice.note:
            dispatcher.utter_message(response="utter_application_officer_note", note=notice.note)
        return [SlotSet(REFERENCE_SLOT, reference)] + flags


def form_slots(application: Application, empty: List[str]) -> Dict[str, Any]:
    """The registration form's slots as the stored application has them; `empty` field keys left None."""
    values = field_values(application)
    slots: Dict[str, Any] = {}
    for info in FIELDS:
        value = values[info.key]
        if info.key == "nip" and value in (None, ""):
            value = NONE
        slots[info.slot] = None if info.key in empty else value
    return slots


class ActionApplicationAmendStart(Action):
    """Reopens the registration form for exactly the fields the office asked for."""

    def name(self) -> str:
        return "action_application_amend_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        language = language_of(tracker)
        try:
            with session_scope() as session:
                application = waiting_for_applicant(session, tracker.sender_id)
                request = open_request(session, application) if application else None
                if request is not None:
                    slots = form_slots(application, request.fields)
                    reference, note = application.reference, request.note
                    fields, documents = request.fields, request.documents
        except (SQLAlchemyError, OSError) as error:
            logger.error("amendment %s failed: %s", tracker.sender_id, type(error).__name__)
            dispatcher.utter_message(response="utter_application_unavailable")
            return [FollowupAction("action_listen")]
        if request is None:
            dispatcher.utter_message(response="utter_application_amend_nothing")
            return [SlotSet(PENDING_SLOT, False), FollowupAction("action_listen")]
        dispatcher.utter_message(
            response="utter_application_amend_intro", reference=reference, items=items_text(fields, documents, language)
        )
        if documents:
            dispatcher.utter_message(
                response="utter_application_amend_documents", documents=items_text([], documents, language)
            )
        if note:
            dispatcher.utter_message(response="utter_application_officer_note", note=note)
        logger.info("amendment %s: reopening %s for %s", tracker.sender_id, reference, ",".join(fields))
        events: List[EventType] = [SlotSet(slot, value) for slot, value in slots.items()]
        return events + [
            SlotSet(SUGGESTIONS_SLOT, None),
            SlotSet(CONFIRM_SLOT, CONFIRMED),
            SlotSet(REFERENCE_SLOT, reference),
            SlotSet(PENDING_SLOT, True),
        ]


class ActionApplicationResubmit(Action):
    """Stores the answers in the application the office sent back and returns it for review."""

    def name(self) -> str:
        return "action_application_resubmit"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        slots = tracker.current_slot_values()
        done = cleared_registration() + [SlotSet(PENDING_SLOT, False)]
        if not is_complete(slots):
            return done
        data = application_from_slots(
            slots, language_of(tracker), tracker.get_latest_input_channel(), tracker.sender_id
        )
        try:
            with session_scope() as session:
                application = waiting_for_applicant(session, tracker.sender_id)
                if application is None:
                    raise Conflict("nothing to resubmit")
                reference = resubmit(session, application.id, data).reference
        except Conflict:
            dispatcher.utter_message(response="utter_application_amend_nothing")
            return done
        except (SQLAlchemyError, OSError) as error:
            logger.error("resubmission %s failed: %s", tracker.sender_id, type(error).__name__)
            dispatcher.utter_message(response="utter_application_unavailable")
            return [SlotSet(CONFIRM_SLOT, CONFIRMED)]
        logger.info("amendment %s: %s resubmitted", tracker.sender_id, reference)
        dispatcher.utter_message(response="utter_application_resubmitted", reference=reference)
        return done


def tell_rejection_reason(dispatcher: CollectingDispatcher, tracker: Tracker, reference: str) -> None:
    """For the status check: the reason of a rejected application (nothing if it has none)."""
    try:
        with session_scope() as session:
            application = find_by_reference(session, reference)
            reason = rejection_reason(session, application, language_of(tracker)) if application else None
    except (SQLAlchemyError, OSError):
        return
    if reason:
        dispatcher.utter_message(response="utter_application_rejection_reason", reason=reason)
