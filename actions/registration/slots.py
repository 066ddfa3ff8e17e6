"""The registration's bookkeeping slots, and clearing them (after submission or cancellation)."""

from __future__ import annotations

from typing import List

from rasa_sdk.events import EventType, SlotSet

from actions.registration.fields import FORM_SLOTS, SUGGESTIONS_SLOT

REQUESTED_SLOT = "requested_slot"
# A confirmation the form waits for (confirmations.KINDS), the field asked before it, and the
# pseudo-field the form "asks" meanwhile (action_ask_reg_pending_answer asks the confirmation).
PENDING_SLOT = "reg_pending"
PENDING_FOR_SLOT = "reg_pending_for"
PENDING_ANSWER_SLOT = "reg_pending_answer"
NAME_SPLIT_SLOT = "reg_name_split"  # {"first": ..., "last": ...} proposed from "Jan Kowalski"
# The form was left with its answers kept (consultant requested, session expired).
PAUSED_SLOT = "reg_paused"

PENDING_SLOTS = (PENDING_SLOT, PENDING_FOR_SLOT, PENDING_ANSWER_SLOT, NAME_SPLIT_SLOT)


def cleared_pending() -> List[EventType]:
    return [SlotSet(slot, None) for slot in PENDING_SLOTS]


def cleared_registration() -> List[EventType]:
    """Events that forget the application in progress (the tracker store keeps the history)."""
    return (
        [SlotSet(slot, None) for slot in FORM_SLOTS + (SUGGESTIONS_SLOT,)]
        + cleared_pending()
        + [SlotSet(PAUSED_SLOT, False), SlotSet(REQUESTED_SLOT, None)]
    )
