"""Actions of the channels slice: moving a phone call to WhatsApp.

The phone channel uses the caller's E.164 number as the conversation id, and so does WhatsApp; the
action only asks the phone connector (through a custom message) to send the first WhatsApp message,
and the conversation - slots, form progress, language - carries on there under the same id.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.registration import readback
from services.channels.capabilities import capabilities
from services.channels.numbers import e164_or_none

# The custom message the phone connector acts on (channels/twilio_voice.py).
MOVE_TO_WHATSAPP = {"move_to": "whatsapp"}


class ActionContinueOnWhatsapp(Action):
    def name(self) -> str:
        return "action_continue_on_whatsapp"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        number = e164_or_none(tracker.sender_id)
        if not capabilities(tracker.get_latest_input_channel()).voice or number is None:
            dispatcher.utter_message(response="utter_continue_on_whatsapp_unavailable")
            return []
        spoken = readback.grouped(number.lstrip("+"), (2, 3, 3, 3), voice=True)
        dispatcher.utter_message(response="utter_continue_on_whatsapp_sent", phone=spoken)
        dispatcher.utter_message(json_message=dict(MOVE_TO_WHATSAPP))
        return []
