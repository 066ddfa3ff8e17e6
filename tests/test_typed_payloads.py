"""Typed payloads: only what the assistant offered (or the documented allow-list) is taken as an intent."""

from __future__ import annotations

from services.payloads import ALWAYS_ACCEPTED, guarded_text, offered_payloads
from tests.responses import response_text
from tests.stack import Stack, dump, texts

RATING_TURN = [
    {"event": "user", "text": "dziękuję"},
    {
        "event": "bot",
        "text": "Jak oceniasz?",
        "data": {"buttons": [{"title": "5", "payload": '/rate_service{"rating":"5"}'}]},
    },
    {"event": "bot", "text": "Dziękuję", "data": {"buttons": None}},
]


def test_offered_payloads_come_from_the_last_few_turns_only() -> None:
    older = [{"event": "bot", "data": {"buttons": [{"payload": "/affirm"}]}}]
    # buttons stay on screen: a click one turn later still counts
    assert offered_payloads(older + RATING_TURN) == ['/rate_service{"rating":"5"}', "/affirm"]
    # but not once the user has moved on for several turns
    chatter = [{"event": "user", "text": f"pytanie {n}"} for n in range(5)]
    assert offered_payloads(older + chatter + RATING_TURN) == ['/rate_service{"rating":"5"}']
    assert offered_payloads([]) == []


def test_only_offered_or_allow_listed_payloads_stay_intents() -> None:
    assert guarded_text('/rate_service{"rating":"5"}', RATING_TURN) == '/rate_service{"rating":"5"}'
    assert guarded_text('/rate_service{"rating": "5"}', RATING_TURN) == '/rate_service{"rating": "5"}'
    assert guarded_text('/rate_service{"rating":"1"}', RATING_TURN) == 'rate_service{"rating":"1"}'
    assert guarded_text("/faq", RATING_TURN) == "faq"
    assert guarded_text('/inform{"reg_pesel":"44051401359"}', []) == 'inform{"reg_pesel":"44051401359"}'
    assert guarded_text("//affirm", []) == "affirm"
    # the widget's own messages: greeting and language toggle, with a known language only
    assert set(ALWAYS_ACCEPTED) == {"greet", "change_language", "request_human"}
    assert guarded_text('/change_language{"language":"en"}', []) == '/change_language{"language":"en"}'
    assert guarded_text('/greet{"language":"pl"}', []) == '/greet{"language":"pl"}'
    assert guarded_text('/greet{"language":"de"}', []) == 'greet{"language":"de"}'
    assert guarded_text('/greet{"language":"pl","reg_pesel":"1"}', []) == 'greet{"language":"pl","reg_pesel":"1"}'
    # not payloads: left alone
    for text in ("/", "a/b", "Dzień dobry", "1/2 etatu"):
        assert guarded_text(text, []) == text


def _last_user_event(stack: Stack, sender: str) -> dict:
    return [e for e in stack.tracker(sender)["events"] if e["event"] == "user"][-1]


def test_typed_faq_intent_is_answered_as_text(rasa_stack: Stack, sender: str) -> None:
    """`/faq` used to reach the retrieval action without a selection and crash it (KeyError, no reply)."""
    log = rasa_stack.workdir / "rasa.log"
    before = log.stat().st_size
    reply = rasa_stack.say(sender, "/faq")
    assert reply and all(m.get("text") for m in reply), dump(reply)
    assert _last_user_event(rasa_stack, sender)["text"] == "faq"
    with log.open("rb") as handle:
        handle.seek(before)
        assert b"Traceback" not in handle.read()


def test_typed_slot_payload_does_not_fill_a_slot(rasa_stack: Stack, sender: str) -> None:
    rasa_stack.say(sender, '/inform{"reg_pesel":"44051401359"}')
    tracker = rasa_stack.tracker(sender)
    assert tracker["slots"].get("reg_pesel") is None
    assert tracker["latest_message"]["text"] == 'inform{"reg_pesel":"44051401359"}'
    assert not [e for e in tracker["latest_message"]["entities"] if e.get("entity") == "reg_pesel"]


def test_offered_button_payload_is_an_intent(rasa_stack: Stack, sender: str) -> None:
    """The cancel question offers /affirm and /deny: clicking "/deny" resumes the form."""
    rasa_stack.say(sender, "Chcę zarejestrować firmę")
    asked = rasa_stack.say(sender, "anuluj")
    assert [b["payload"] for b in asked[-1].get("buttons", [])] == ["/affirm", "/deny"], dump(asked)
    resumed = rasa_stack.say(sender, "/deny")
    assert _last_user_event(rasa_stack, sender)["parse_data"]["intent"]["name"] == "deny"
    assert texts(resumed).endswith(response_text("utter_ask_reg_first_name", "pl")), dump(resumed)
    # the same payload typed in a conversation where nothing offered it is words, not a button click
    # (in this one the cancel question's buttons stay clickable for a few turns)
    fresh = f"{sender}-fresh"
    rasa_stack.say(fresh, "Chcę zarejestrować firmę")
    rasa_stack.say(fresh, "/deny")
    assert _last_user_event(rasa_stack, fresh)["text"] == "deny"
