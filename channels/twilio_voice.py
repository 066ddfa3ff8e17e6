"""Phone calls over Twilio Voice in Polish and English: `channels.twilio_voice.TwilioVoiceInput`.

Replaces Rasa's `twilio_voice` channel (same name and URL, /webhooks/twilio_voice/webhook) with
what an office line needs:

- every request must carry a valid X-Twilio-Signature (403 otherwise);
- one <Gather input="dtmf speech"> per turn: the caller speaks or types (PESEL, phone number,
  menu choice) and may interrupt the prompt (barge-in); recognition language and voice follow the
  conversation's `language` slot (pl-PL with a Polish voice, en-GB with an English one);
- buttons are read as numbered options and a keypad digit (or a spoken number) picks one;
- silence: the prompt is repeated once, then the caller is offered a consultant - transferred with
  <Dial> in office hours (office.yml), told the office's number otherwise; the same happens when
  the caller asks for a consultant in office hours;
- "continue on WhatsApp": when the action `action_continue_on_whatsapp` asks for it, the caller's
  number gets a WhatsApp message (an approved template outside the 24-hour window); the
  conversation id is the caller's E.164 number on both channels, so slots and form progress carry on.

The silence counter travels in the Gather's action URL (which Twilio signs), so any Rasa
instance can answer the next request.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.twiml.voice_response import Gather, VoiceResponse

from channels import conversation
from channels.twilio_webhook import verified_form
from services.channels import inbound
from services.channels.capabilities import capabilities, split_text
from services.channels.numbers import e164_or_none
from services.channels.settings import TwilioSettings, WhatsAppSettings
from services.channels.whatsapp_api import (
    CONTINUE_PAYLOAD,
    GraphApiError,
    GraphClient,
    template_payload,
    text_payloads,
)
from services.office import load_office
from services.office.schedule import is_open, office_now

logger = logging.getLogger(__name__)

CHANNEL = "twilio_voice"
SPEECH_LANGUAGE = {"pl": "pl-PL"}  # English: TwilioSettings.language_en (en-GB by default)
HANDOFF_INTENTS = ("request_human",)
GOODBYE_INTENTS = ("goodbye",)
LANGUAGE_KEY = "9"  # keypad: switch between Polish and English (announced with the greeting)
GATHER_TIMEOUT = 6  # seconds of silence before the Gather reports an empty result
_SPOKEN_NUMBERS = {
    word: number
    for number, words in enumerate(
        [
            ("jeden", "jedynka", "one"),
            ("dwa", "dwójka", "two"),
            ("trzy", "trójka", "three"),
            ("cztery", "czwórka", "four"),
            ("pięć", "piec", "five"),
            ("sześć", "szesc", "six"),
            ("siedem", "seven"),
            ("osiem", "eight"),
            ("dziewięć", "dziewiec", "nine"),
        ],
        1,
    )
    for word in words
}
_MARKUP = re.compile(r"\*\*|__|`")


class TwilioVoiceCollectingOutputChannel(CollectingOutputChannel):
    """Collects the turn's messages; the input channel turns them into TwiML."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL


def spoken(text: str) -> str:
    """Text for the speech synthesiser: no Markdown, no emphasis characters."""
    return " ".join(_MARKUP.sub("", text or "").split())


def keyed_choice(text: str) -> str:
    """'2', '2#' or a spoken 'dwa' / 'two' as the digit string; other text unchanged."""
    cleaned = text.strip().rstrip("#").strip(" .").lower()
    if cleaned in _SPOKEN_NUMBERS:
        return str(_SPOKEN_NUMBERS[cleaned])
    return cleaned if cleaned.isdigit() else text.strip()


class TwilioVoiceInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(TwilioSettings.load(credentials), WhatsAppSettings.load(credentials.get("whatsapp")))

    def __init__(self, settings: TwilioSettings, whatsapp: WhatsAppSettings) -> None:
        self.settings = settings
        self.whatsapp = whatsapp
        if not settings.auth_token:
            logger.warning("Twilio Voice: no auth token (TWILIO_AUTH_TOKEN): every webhook request is refused.")

    # --- language and voice ----------------------------------------------------------------------
    def speech_language(self, language: str) -> str:
        return self.settings.language_en if language == "en" else SPEECH_LANGUAGE["pl"]

    def voice(self, language: str) -> str:
        return self.settings.voice_en if language == "en" else self.settings.voice_pl

    def transfer_number(self) -> str | None:
        office = load_office()
        return e164_or_none(self.settings.transfer_number or office.phone_international)

    # --- webhook ---------------------------------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("twilio_voice_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            form, refused = verified_form(self.settings, request)
            if refused is not None:
                return refused
            call_sid = form.get("CallSid", "")
            if not call_sid:
                return response.json({"error": "CallSid is required."}, status=400)
            sender = e164_or_none(form.get("From")) or f"call-{call_sid[-32:]}"
            twiml = await self._turn(request, sender, form, on_new_message)
            return response.text(str(twiml), content_type="text/xml; charset=utf-8")

        return hook

    async def _turn(
        self,
        request: Request,
        sender: str,
        form: Dict[str, str],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> VoiceResponse:
        in_call = request.args.get("turn") is not None
        try:
            silences = int(request.args.get("silence") or 0)
        except ValueError:
            silences = 0
        heard = (form.get("Digits") or form.get("SpeechResult") or "").strip()
        if not in_call:
            return await self._say_to_rasa(request, sender, "/greet", on_new_message, greeting=True)
        if not heard:
            return await self._silence(request, sender, silences)
        tracker = await conversation.tracker_of(request, sender)
        buttons = conversation.last_buttons(tracker)
        chosen = conversation.option_payload(keyed_choice(heard), buttons)
        if chosen:
            text = chosen[0]
        elif buttons and heard.rstrip("#") == LANGUAGE_KEY:  # the keypad's language switch in a menu
            other = "pl" if conversation.language_of(tracker) == "en" else "en"
            text = "/change_language" + json.dumps({"language": other})
        elif form.get("Digits"):
            text = heard.rstrip("#")
        else:
            text = heard
        return await self._say_to_rasa(request, sender, text, on_new_message)

    async def _say_to_rasa(
        self,
        request: Request,
        sender: str,
        text: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        greeting: bool = False,
    ) -> VoiceResponse:
        collector = TwilioVoiceCollectingOutputChannel()
        limit = capabilities(CHANNEL).max_message_chars
        await on_new_message(
            UserMessage(split_text(text, limit)[0] if text else text, collector, sender, input_channel=CHANNEL)
        )
        tracker = await conversation.tracker_of(request, sender)
        language = conversation.language_of(tracker)
        intent = (tracker.latest_message.intent or {}).get("name") if tracker and tracker.latest_message else None
        customs = [m["custom"] for m in collector.messages if isinstance(m.get("custom"), dict)]
        if any(c.get("move_to") == "whatsapp" for c in customs):
            await self._continue_on_whatsapp(request, sender, language)
        wants_consultant = intent in HANDOFF_INTENTS or any(c.get("handoff") for c in customs)
        if wants_consultant and await self._consultants_available():
            return await self._transfer(request, sender, language, "utter_voice_transfer")
        prompts = await self._prompts(request, sender, collector.messages)
        if greeting:
            prompts.append(await self._render_text(request, sender, "utter_voice_language_hint"))
        if intent in GOODBYE_INTENTS:
            twiml = VoiceResponse()
            for prompt in prompts:
                twiml.say(prompt, voice=self.voice(language), language=self.speech_language(language))
            twiml.hangup()
            return twiml
        return self._gather(prompts, language, hints=self._hints(collector.messages), silences=0)

    async def _prompts(self, request: Request, sender: str, messages: List[Dict[str, Any]]) -> List[str]:
        """What to say for the bot's messages: texts, and buttons as numbered options."""
        prompts: List[str] = []
        for message in messages:
            if message.get("text"):
                prompts.append(spoken(message["text"]))
            buttons = message.get("buttons") or message.get("quick_replies") or []
            if buttons:
                prompts.extend(await self._options(request, sender, buttons))
        return [p for p in prompts if p]

    async def _options(self, request: Request, sender: str, buttons: List[Dict[str, Any]]) -> List[str]:
        lines = [await self._render_text(request, sender, "utter_voice_choose_option")]
        for number, button in enumerate(buttons, 1):
            lines.append(
                await self._render_text(
                    request, sender, "utter_voice_option", number=number, title=spoken(str(button.get("title") or ""))
                )
            )
        return lines

    async def _render_text(self, request: Request, sender: str, name: str, **variables: Any) -> str:
        rendered = await conversation.render(request, sender, name, CHANNEL, **variables)
        return spoken((rendered or {}).get("text") or "")

    @staticmethod
    def _hints(messages: List[Dict[str, Any]]) -> str:
        titles = [
            spoken(str(b.get("title") or ""))
            for m in messages
            for b in (m.get("buttons") or m.get("quick_replies") or [])
        ]
        return ", ".join(t for t in titles if t)[:1000]

    def _gather(self, prompts: List[str], language: str, hints: str, silences: int) -> VoiceResponse:
        twiml = VoiceResponse()
        gather = Gather(
            input="dtmf speech",
            action=f"/webhooks/{CHANNEL}/webhook?turn=1&silence={silences}",
            method="POST",
            language=self.speech_language(language),
            speech_timeout="auto",
            timeout=GATHER_TIMEOUT,
            finish_on_key="#",
            barge_in=True,
            action_on_empty_result=True,
            profanity_filter=False,
            **({"hints": hints} if hints else {}),
        )
        for prompt in prompts:
            gather.say(prompt, voice=self.voice(language), language=self.speech_language(language))
        twiml.append(gather)
        return twiml

    async def _silence(self, request: Request, sender: str, silences: int) -> VoiceResponse:
        """Nothing heard: repeat the last prompt once, then offer a consultant."""
        tracker = await conversation.tracker_of(request, sender)
        language = conversation.language_of(tracker)
        if silences == 0:
            repeated = await self._prompts(request, sender, conversation.last_bot_turn(tracker))
            prompts = [await self._render_text(request, sender, "utter_voice_no_input"), *repeated]
            hints = self._hints(conversation.last_bot_turn(tracker))
            return self._gather(prompts, language, hints=hints, silences=1)
        if await self._consultants_available():
            return await self._transfer(request, sender, language, "utter_voice_still_no_input_open")
        office = load_office()
        goodbye = await self._render_text(request, sender, "utter_voice_still_no_input_closed", phone=office.phone_main)
        twiml = VoiceResponse()
        twiml.say(goodbye, voice=self.voice(language), language=self.speech_language(language))
        twiml.hangup()
        return twiml

    async def _consultants_available(self) -> bool:
        office = load_office()
        return is_open(office, office_now(office))  # office.yml hours, Polish holidays, OFFICE_CLOCK

    async def _transfer(self, request: Request, sender: str, language: str, announcement: str) -> VoiceResponse:
        twiml = VoiceResponse()
        twiml.say(
            await self._render_text(request, sender, announcement),
            voice=self.voice(language),
            language=self.speech_language(language),
        )
        number = self.transfer_number()
        if number:
            twiml.dial(number, timeout=30)
        else:
            logger.error("No consultants' number to transfer to (TWILIO_TRANSFER_NUMBER / office.yml phone).")
            twiml.hangup()
        return twiml

    async def _continue_on_whatsapp(self, request: Request, sender: str, language: str) -> None:
        """The first WhatsApp message to the caller: a template, or free text inside the 24-hour window."""
        if not self.whatsapp.can_send or not e164_or_none(sender):
            logger.error("Continue on WhatsApp: WhatsApp sending is not configured (WHATSAPP_ACCESS_TOKEN).")
            return
        client = GraphClient(self.whatsapp)
        try:
            if await asyncio.to_thread(inbound.window_open, "whatsapp", sender):
                welcome = await conversation.render(request, sender, "utter_continue_on_whatsapp_welcome", "whatsapp")
                for payload in text_payloads(sender, (welcome or {}).get("text") or ""):
                    await client.send(payload)
            else:
                payload = template_payload(
                    sender, self.whatsapp.continue_template, language, quick_reply_payloads=[CONTINUE_PAYLOAD]
                )
                await client.send(payload)
        except (GraphApiError, aiohttp.ClientError, OSError, asyncio.TimeoutError) as error:
            logger.error("Continue on WhatsApp: message not sent: %s", error)
