"""Handing the conversation to a human consultant, messages for consultants out of hours, ratings.

The logic (queues, tickets, office hours) lives in services/handoff and services/office; these
actions only read the tracker, call those services and choose the responses. The console takes
over from here through Rasa's HTTP API (see console/handoff.py).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.language import language_of
from services.handoff import tickets
from services.handoff.models import REASONS
from services.handoff.queue import choose_queue, meeting_url
from services.office import Office, contact_variables, load_office
from services.office.schedule import is_open, next_opening, office_now, opening_text
from services.privacy import get_masked_logger
from services.storage.db import session_scope
from services.storage.ratings import parse_rating

logger = get_masked_logger(__name__)

REGISTRATION_FORM = "registration_form"
MAX_MESSAGE_CHARS = 2000
# the bot response just before a bare "/request_human" tells why the user asks for a person
REASON_AFTER_RESPONSE = {
    "utter_offer_consultant": "fallback",
    "utter_default": "unknown_answer",
    "utter_rating_sorry": "low_rating",
}


def last_question(tracker: Tracker) -> str | None:
    """The user's last typed message before the current one (button payloads are skipped)."""
    user_texts = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
    for text in reversed(user_texts[:-1]):
        if text and not text.startswith("/"):
            return text
    current = user_texts[-1] if user_texts else ""
    return current if current and not current.startswith("/") else None


def handoff_reason(tracker: Tracker) -> str:
    """Why the user is handed over: the button's entity, else the form or the bot's last response.

    A topic that needs a consultant says so in its button (`kb_topic`); any other answer before a
    typed request is just the conversation so far.
    """
    given = next(tracker.get_latest_entity_values("handoff_reason"), None)
    if given in REASONS:
        return given
    if (tracker.active_loop or {}).get("name") == REGISTRATION_FORM:
        return "registration_form"
    last_bot = next((e for e in reversed(tracker.events) if e.get("event") == "bot"), None)
    response = ((last_bot or {}).get("metadata") or {}).get("utter_action") or ""
    return REASON_AFTER_RESPONSE.get(response, "user_request")


def form_progress(tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
    """The registration-form slots filled so far (for the consultant who takes the conversation)."""
    form = (domain.get("forms") or {}).get(REGISTRATION_FORM) or {}
    names = form.get("required_slots") or []
    if isinstance(names, dict):  # older domain format
        names = list(names)
    progress = {name: tracker.get_slot(name) for name in names if tracker.get_slot(name) not in (None, "", [])}
    return json.loads(json.dumps(progress, default=str, ensure_ascii=False))


def _back(office: Office, now: datetime, language: str) -> str:
    opening = next_opening(office, now)
    return opening_text(opening, language) if opening else contact_variables(language, office)["hours"]


class ActionRequestHuman(Action):
    """Opens a ticket in the right queue and pauses the bot, or out of hours offers a callback / message."""

    def name(self) -> str:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        language = language_of(tracker)
        office = load_office()
        now = office_now(office)
        contact = contact_variables(language, office)
        reason = handoff_reason(tracker)
        if not is_open(office, now):
            dispatcher.utter_message(response="utter_handoff_closed", back=_back(office, now, language), **contact)
            return [SlotSet("handoff_reason", reason)]

        video = (tracker.latest_message.get("intent") or {}).get("name") == "request_video"
        progress = form_progress(tracker, domain)
        queue = choose_queue(language, reason, video=video, registration_in_progress=bool(progress))
        try:
            with session_scope() as session:
                existing = tickets.open_ticket_of(session, tracker.sender_id)
                if existing is not None:
                    dispatcher.utter_message(response="utter_handoff_already_waiting")
                    return [ConversationPaused()]
                ticket = tickets.open_ticket(
                    session,
                    conversation_id=tracker.sender_id,
                    channel=tracker.get_latest_input_channel() or "unknown",
                    language=language,
                    reason=reason,
                    queue=queue,
                    last_question=last_question(tracker),
                    form_progress=progress,
                    meeting_url=meeting_url() if video else None,
                )
                wait = tickets.wait_for(session, ticket)
                ticket_id, room = ticket.id, ticket.meeting_url
        except SQLAlchemyError:
            logger.exception("Could not open a handoff ticket for %s", tracker.sender_id)
            dispatcher.utter_message(response="utter_handoff_unavailable", **contact)
            return []
        logger.info("Handoff ticket %s opened in queue %s (%s)", ticket_id, queue, reason)
        dispatcher.utter_message(response="utter_handoff_queued", position=wait.position, wait=wait.minutes)
        if room:
            dispatcher.utter_message(response="utter_handoff_video", meeting_url=room)
        return [SlotSet("handoff_ticket", str(ticket_id)), SlotSet("handoff_reason", None), ConversationPaused()]


class ActionAskHandoffMessage(Action):
    """The form's question: a phone number for a callback, or a free message."""

    def name(self) -> str:
        return "action_ask_handoff_message"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        callback = tracker.get_slot("handoff_kind") == "callback"
        dispatcher.utter_message(response="utter_ask_handoff_callback" if callback else "utter_ask_handoff_note")
        return []


class ValidateHandoffMessageForm(FormValidationAction):
    def name(self) -> str:
        return "validate_handoff_message_form"

    def validate_handoff_message(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "").strip()
        return {"handoff_message": text[:MAX_MESSAGE_CHARS] if text else None}


class ActionHandoffStoreMessage(Action):
    """Out of hours: the user's message or callback request becomes a ticket in the queue."""

    def name(self) -> str:
        return "action_handoff_store_message"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        language = language_of(tracker)
        office = load_office()
        kind = "callback" if tracker.get_slot("handoff_kind") == "callback" else "message"
        reason = tracker.get_slot("handoff_reason") or "user_request"
        progress = form_progress(tracker, domain)
        reset = [SlotSet("handoff_message", None), SlotSet("handoff_kind", None), SlotSet("handoff_reason", None)]
        try:
            with session_scope() as session:
                ticket = tickets.open_ticket(
                    session,
                    conversation_id=tracker.sender_id,
                    channel=tracker.get_latest_input_channel() or "unknown",
                    language=language,
                    reason=reason,
                    queue=choose_queue(language, reason, registration_in_progress=bool(progress)),
                    kind=kind,
                    last_question=last_question(tracker),
                    form_progress=progress,
                    message=tracker.get_slot("handoff_message"),
                )
                ticket_id = ticket.id
        except SQLAlchemyError:
            logger.exception("Could not store a message for the consultants from %s", tracker.sender_id)
            dispatcher.utter_message(response="utter_handoff_unavailable", **contact_variables(language, office))
            return reset
        back = _back(office, office_now(office), language)
        dispatcher.utter_message(response="utter_handoff_message_stored", ticket=ticket_id, back=back)
        return reset


class ActionRateService(Action):
    """A 1-5 rating: of the consultant right after a handoff (stored on the ticket), else of the service."""

    def name(self) -> str:
        return "action_rate_service"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text", "")
        rating = parse_rating(next(tracker.get_latest_entity_values("rating"), None))
        if rating is None and not text.startswith("/"):
            rating = parse_rating(text)
        if rating is None:
            dispatcher.utter_message(response="utter_ask_rating")
            return [SlotSet("rating", None)]
        ticket = tracker.get_slot("handoff_ticket")
        if ticket and str(ticket).isdigit():
            with session_scope() as session:
                rated = tickets.rate(session, int(ticket), rating)
            if rated:
                dispatcher.utter_message(response="utter_consultant_rating_thanks", rating=rating)
                return [SlotSet("rating", str(rating)), SlotSet("handoff_ticket", None)]
        from services.storage.ratings import save_rating

        save_rating(None, tracker.sender_id, rating, tracker.get_latest_input_channel() or "unknown")
        dispatcher.utter_message(response="utter_rating_thanks", rating=rating)
        if rating <= 2:
            dispatcher.utter_message(response="utter_rating_sorry")
        return [SlotSet("rating", str(rating))]
