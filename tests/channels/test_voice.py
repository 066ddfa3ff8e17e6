"""Phone calls over Twilio Voice: TwiML checked as XML, a whole registration by voice and keypad in
Polish, silence handling, transfers, and the move of a call to WhatsApp."""

from __future__ import annotations

import time
import uuid
import xml.etree.ElementTree as ET
from datetime import date
from typing import List

import requests
from sqlalchemy import select

from actions.registration import readback
from services.documents.models import Document
from services.storage.db import session_scope
from services.storage.models import Application, TaxForm, ZusOption
from tests.channels import payloads as wa
from tests.channels.conftest import CONSULTANTS
from tests.channels.support import matches, pdf, texts_sent, to
from tests.registration.support import make_pesel
from tests.responses import response_text

PESEL = make_pesel(date(1988, 3, 9), serial=5123)
VOICE_URL = "/webhooks/twilio_voice/webhook"


class Call:
    """One phone call as Twilio makes it: signed webhook requests, following each Gather's action."""

    def __init__(self, stack, caller: str) -> None:
        self.stack = stack
        self.caller = caller
        self.sid = "CA" + uuid.uuid4().hex
        self.next_url = stack.url + VOICE_URL
        self.twiml: ET.Element | None = None

    def _post(self, **params: str) -> ET.Element:
        response = wa.post_twilio(self.next_url, wa.twilio_call(self.caller, self.sid, **params))
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith("text/xml")
        self.twiml = ET.fromstring(response.content)
        assert self.twiml.tag == "Response"
        gather = self.twiml.find("Gather")
        if gather is not None:
            self.next_url = self.stack.url + gather.get("action")
        return self.twiml

    def start(self) -> ET.Element:
        return self._post(CallStatus="ringing")

    def speak(self, text: str) -> ET.Element:
        return self._post(SpeechResult=text, Confidence="0.92")

    def press(self, digits: str) -> ET.Element:
        return self._post(Digits=digits)

    def stay_silent(self) -> ET.Element:
        return self._post()

    def says(self) -> List[str]:
        assert self.twiml is not None
        return [say.text or "" for say in self.twiml.iter("Say")]

    def last_said(self) -> str:
        return self.says()[-1]


def said(call: Call, name: str, language: str = "pl") -> bool:
    return any(matches(text, name, language) for text in call.says())


def option_lines(call: Call) -> List[str]:
    return [text for text in call.says() if text[:1].isdigit() and ": " in text]


def assert_gather(call: Call, language: str, voice: str) -> ET.Element:
    gather = call.twiml.find("Gather")
    assert gather is not None, ET.tostring(call.twiml, encoding="unicode")
    assert gather.get("input") == "dtmf speech"
    assert gather.get("language") == language
    assert gather.get("bargeIn") == "true" and gather.get("actionOnEmptyResult") == "true"
    assert gather.get("speechTimeout") == "auto" and gather.get("finishOnKey") == "#"
    assert gather.get("method") == "POST" and gather.get("action").startswith(VOICE_URL + "?turn=1")
    for say in gather.iter("Say"):
        assert say.get("voice") == voice and say.get("language") == language
    return gather


def test_greeting_twiml_in_polish_with_numbered_options(channel_stack, caller) -> None:
    call = Call(channel_stack, caller)
    call.start()
    gather = assert_gather(call, "pl-PL", "Polly.Ewa")
    assert gather.get("hints") == "Zarejestruj firmę, Rozmowa z konsultantem"
    assert said(call, "utter_greet") and said(call, "utter_voice_choose_option")
    assert option_lines(call) == ["1: Zarejestruj firmę.", "2: Rozmowa z konsultantem."]
    assert call.twiml.find("Dial") is None


def test_keypad_9_switches_to_english_recognition_and_voice(channel_stack, caller) -> None:
    call = Call(channel_stack, caller)
    call.start()
    assert said(call, "utter_voice_language_hint")
    call.press("9")
    assert said(call, "utter_language_now_en", "en")
    assert_gather(call, "en-GB", "Polly.Amy")
    call.speak("What are the ZUS contributions for a new business?")
    assert_gather(call, "en-GB", "Polly.Amy")
    assert channel_stack.tracker(caller)["slots"]["language"] == "en"


def test_request_signature_is_checked(channel_stack, caller) -> None:
    url = channel_stack.url + VOICE_URL
    params = wa.twilio_call(caller, "CA" + uuid.uuid4().hex)
    assert wa.post_twilio(url, params, token="wrong-token").status_code == 403
    assert requests.post(url, data=params).status_code == 403
    # a signature for other parameters does not validate these
    signed = wa.post_twilio(url, {**params, "Digits": "1"})
    assert signed.status_code == 200
    forged = requests.post(url, data={**params, "Digits": "2"}, headers={"X-Twilio-Signature": "AAAA"})
    assert forged.status_code == 403


def test_silence_is_repeated_once_then_the_caller_is_transferred(channel_stack, caller) -> None:
    call = Call(channel_stack, caller)
    call.start()
    call.stay_silent()
    assert said(call, "utter_voice_no_input") and said(call, "utter_greet")
    assert call.twiml.find("Gather").get("action").endswith("silence=1")
    call.stay_silent()
    assert said(call, "utter_voice_still_no_input_open")
    assert call.twiml.find("Gather") is None
    assert (call.twiml.find("Dial").text or "").strip() == CONSULTANTS


def test_asking_for_a_consultant_in_office_hours_is_a_transfer(channel_stack, caller) -> None:
    call = Call(channel_stack, caller)
    call.start()
    call.press("2")  # "Rozmowa z konsultantem"
    assert said(call, "utter_voice_transfer")
    dial = call.twiml.find("Dial")
    assert dial is not None and dial.text.strip() == CONSULTANTS


def test_whole_registration_by_phone_in_polish_with_the_keypad(channel_stack, caller, graph_api) -> None:
    call = Call(channel_stack, caller)
    call.start()
    steps = [
        (call.press, "1", "utter_ask_reg_first_name"),  # menu: register a business
        (call.speak, "Jan", "utter_ask_reg_last_name"),
        (call.speak, "Kowalski", "utter_ask_reg_pesel"),
        (call.press, PESEL + "#", "utter_ask_reg_email"),  # PESEL on the keypad
        (call.speak, "jan.kowalski@example.com", "utter_ask_reg_phone"),
        (call.press, "601234567#", "utter_ask_reg_residence_address"),  # phone number on the keypad
        (call.speak, "ul. Długa 5/3, 00-238 Warszawa", "utter_ask_reg_business_address"),
        (call.press, "1", "utter_ask_reg_business_name"),  # "Taki sam jak zamieszkania"
        (call.press, "1", "utter_ask_reg_pkd_main"),  # the suggested name "Jan Kowalski"
        (call.speak, "sprzedaż ubrań przez internet", "utter_reg_pkd_suggestions"),
        (call.press, "1", "utter_ask_reg_pkd_extra"),
        (call.press, "1", "utter_ask_reg_start_date"),  # "Bez dodatkowych kodów"
        (call.speak, "od jutra", "utter_ask_reg_tax_form"),
        (call.press, "3", "utter_ask_reg_zus"),  # ryczałt
        (call.press, "1", "utter_ask_reg_nip"),  # ulga na start
        (call.speak, "nie mam", "utter_reg_summary"),
    ]
    for act, value, expected in steps:
        act(value)
        assert said(call, expected), f"after {value!r} expected {expected}, heard {call.says()}"
        assert_gather(call, "pl-PL", "Polly.Ewa")
    summary = " ".join(call.says())
    assert readback.pesel(PESEL, voice=True) in summary  # digit by digit on the phone
    assert readback.phone("+48601234567", voice=True) in summary
    call.press("1")  # "Tak, wysyłam"
    assert said(call, "utter_reg_submitted")
    with session_scope(channel_stack.app_db_url) as session:
        application = session.scalars(select(Application).where(Application.sender_id == caller)).one()
        assert (application.channel, application.language) == ("twilio_voice", "pl")
        assert (application.first_name, application.last_name, application.pesel) == ("Jan", "Kowalski", PESEL)
        assert application.phone == "+48601234567" and application.business_same_as_residence
        assert application.tax_form is TaxForm.LUMP_SUM and application.zus_option is ZusOption.START_RELIEF
        reference = application.reference
    assert readback.reference(reference, voice=True) in " ".join(call.says())

    # later the caller sends the signed form as a PDF over WhatsApp: it joins the application
    graph_api.media["signed-form"] = (pdf(), "application/pdf")
    wa.post_whatsapp(channel_stack.url, wa.notification([wa.document(to(caller), "signed-form", "wniosek.pdf")]))
    graph_api.wait_for(lambda r: r["kind"] == "message" and r["body"]["to"] == to(caller))
    [answer] = texts_sent(graph_api.messages_to(to(caller)))
    assert matches(answer, "utter_document_attached", "pl") and reference in answer
    with session_scope(channel_stack.app_db_url) as session:
        document = session.scalars(select(Document).where(Document.sender_id == caller)).one()
        assert document.application_id is not None and document.status == "attached"


def test_a_call_moves_to_whatsapp_and_the_conversation_carries_on(channel_stack, caller, graph_api) -> None:
    call = Call(channel_stack, caller)
    call.start()
    call.press("9")  # English
    call.speak("I want to register my business")
    assert said(call, "utter_ask_reg_first_name", "en")
    assert_gather(call, "en-GB", "Polly.Amy")
    call.speak("John")
    call.speak("Smith")
    assert said(call, "utter_ask_reg_pesel", "en")
    call.speak("Can we continue on WhatsApp?")
    assert said(call, "utter_continue_on_whatsapp_sent", "en"), call.says()
    assert said(call, "utter_ask_reg_pesel", "en"), call.says()  # the form goes on while on the phone
    spoken_number = readback.grouped(caller.lstrip("+"), (2, 3, 3, 3), voice=True)
    assert spoken_number in " ".join(call.says())

    # the caller never wrote on WhatsApp: the first message is the approved template, in English
    [template] = graph_api.wait_for(lambda r: r["kind"] == "message" and r["body"]["to"] == to(caller))
    body = template["body"]
    assert body["type"] == "template" and body["template"]["name"] == "continue_conversation"
    assert body["template"]["language"] == {"code": "en"}
    button = body["template"]["components"][0]
    assert button["sub_type"] == "quick_reply" and button["parameters"][0]["payload"] == "continue_conversation"

    # the caller taps "Continue" on WhatsApp: the pending question comes again, in English
    tap = wa.message(to(caller), "button", {"payload": "continue_conversation", "text": "Continue"})
    wa.post_whatsapp(channel_stack.url, wa.notification([tap]))
    _wait_for_text(graph_api, caller, "utter_ask_reg_pesel", "en")
    wa.post_whatsapp(channel_stack.url, wa.notification([wa.text(to(caller), PESEL)]))
    _wait_for_text(graph_api, caller, "utter_ask_reg_email", "en")
    tracker = channel_stack.tracker(caller)
    slots = tracker["slots"]
    assert (slots["reg_first_name"], slots["reg_last_name"], slots["language"]) == ("John", "Smith", "en")
    assert tracker["active_loop"]["name"] == "registration_form"
    channels = [e["input_channel"] for e in tracker["events"] if e["event"] == "user"]
    assert channels[0] == "twilio_voice" and channels[-1] == "whatsapp"


def _wait_for_text(graph_api, number: str, name: str, language: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if any(matches(text, name, language) for text in texts_sent(graph_api.messages_to(to(number)))):
            return
        time.sleep(0.3)
    raise AssertionError(f"no {name} on WhatsApp; sent: {graph_api.messages_to(to(number))}")


def test_a_phone_caller_gets_the_short_faq_answer(channel_stack, caller) -> None:
    """Knowledge-base answers on the phone are the short ones (channel variation from the table)."""
    call = Call(channel_stack, caller)
    call.start()
    call.speak("W jakim formacie mogę przesłać skan wniosku?")
    short = response_text("utter_faq/send_documents", "pl", channel="twilio_voice")
    long = response_text("utter_faq/send_documents", "pl")
    assert len(short) < len(long) / 2
    assert call.says()[0] == short, call.says()
