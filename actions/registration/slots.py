"""Clearing the registration's slots (after submission or cancellation)."""

from __future__ import annotations

from typing import List

from rasa_sdk.events import EventType, SlotSet

from actions.registration.fields import FORM_SLOTS, SUGGESTIONS_SLOT

CANCEL_PENDING_SLOT = "reg_cancel_pending"


def cleared_registration() -> List[EventType]:
    """Events that forget the application in progress (the tracker store keeps the history)."""
    return [SlotSet(slot, None) for slot in FORM_SLOTS + (SUGGESTIONS_SLOT,)] + [
        SlotSet(CANCEL_PENDING_SLOT, False),
        SlotSet("requested_slot", None),
    ]
