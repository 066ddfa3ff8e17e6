"""The running assistant over real HTTP: languages, core intents, API auth, bad input, persistence."""

from __future__ import annotations

import requests

from channels.limits import MAX_MESSAGE_CHARS
from tests.responses import response_text
from tests.stack import Stack, dump, texts


def test_polish_greeting_gets_polish_welcome(rasa_stack: Stack, sender: str) -> None:
    reply = rasa_stack.say(sender, "Dzień dobry")
    assert reply[0]["text"] == response_text("utter_greet", "pl"), dump(reply)
    assert [b["title"] for b in reply[0]["buttons"]] == ["Zarejestruj firmę", "Rozmowa z konsultantem"]


def test_english_greeting_gets_english_welcome(rasa_stack: Stack, sender: str) -> None:
    reply = rasa_stack.say(sender, "Hello")
    assert reply[0]["text"] == response_text("utter_greet", "en"), dump(reply)


def test_request_human_without_diacritics_is_understood_in_polish(rasa_stack: Stack, sender: str) -> None:
    assert rasa_stack.parse("czy moge porozmawiac z konsultantem")["intent"]["name"] == "request_human"
    reply = rasa_stack.say(sender, "czy moge porozmawiac z konsultantem")
    queued = response_text("utter_handoff_queued", "pl")  # the stack's office clock is in working hours
    assert texts(reply).startswith(queued.split("{position}")[0]), dump(reply)
    assert rasa_stack.tracker(sender)["paused"] is True


def test_short_ambiguous_message_keeps_the_conversation_language(rasa_stack: Stack, sender: str) -> None:
    rasa_stack.say(sender, "Hello, I have a question about taxes")
    rasa_stack.say(sender, "ok")
    assert rasa_stack.tracker(sender)["slots"]["language"] == "en"
    reply = rasa_stack.say(sender, "thanks")
    assert texts(reply) == response_text("utter_thank", "en")


def test_language_follows_the_user_and_the_explicit_switch(rasa_stack: Stack, sender: str) -> None:
    assert texts(rasa_stack.say(sender, "Dziękuję bardzo")) == response_text("utter_thank", "pl")
    assert texts(rasa_stack.say(sender, "mów po angielsku")) == response_text("utter_language_now_en", "en")
    assert rasa_stack.tracker(sender)["slots"]["language"] == "en"
    assert texts(rasa_stack.say(sender, "thank you")) == response_text("utter_thank", "en")
    assert texts(rasa_stack.say(sender, "switch to Polish please")) == response_text("utter_language_now_pl", "pl")
    assert rasa_stack.tracker(sender)["slots"]["language"] == "pl"


def test_page_language_in_metadata_decides_for_ambiguous_messages(rasa_stack: Stack, sender: str) -> None:
    reply = rasa_stack.say(sender, "ok", metadata={"language": "en"})
    assert rasa_stack.tracker(sender)["slots"]["language"] == "en", dump(reply)


def test_core_intents_in_both_languages(rasa_stack: Stack) -> None:
    cases = [
        ("do widzenia", "utter_goodbye", "pl"),
        ("bye", "utter_goodbye", "en"),
        ("czy jesteś botem?", "utter_iamabot", "pl"),
        ("are you a robot?", "utter_iamabot", "en"),
        ("jaka będzie jutro pogoda?", "utter_out_of_scope", "pl"),
        ("tell me a joke", "utter_out_of_scope", "en"),
        ("anuluj", "utter_nothing_to_cancel", "pl"),
        ("cancel", "utter_nothing_to_cancel", "en"),
    ]
    for number, (text, response, language) in enumerate(cases):
        reply = rasa_stack.say(f"core-{number}", text)
        assert texts(reply) == response_text(response, language), f"{text!r}: {dump(reply)}"


def test_rating_is_thanked_and_stored(rasa_stack: Stack, sender: str) -> None:
    from sqlalchemy import create_engine, text

    reply = rasa_stack.say(sender, "oceniam na 4")
    assert texts(reply) == response_text("utter_rating_thanks", "pl").replace("{rating}", "4"), dump(reply)
    with create_engine(rasa_stack.app_db_url).connect() as connection:
        rows = connection.execute(text("select rating, channel from ratings where sender_id = :s"), {"s": sender}).all()
    assert [tuple(r) for r in rows] == [(4, "rest")]


def test_gibberish_gets_no_answer_and_a_consultant_offer(rasa_stack: Stack, sender: str) -> None:
    """Gibberish is never answered with a topic; the user is offered a consultant, twice over."""
    faq_texts = {response_text(name, "pl") for name in _faq_responses()}
    for text in ("xqzt vbnm", "asdkjh qwe"):
        assert rasa_stack.parse(text)["intent"]["name"] in ("nlu_fallback", "not_in_kb"), text
        reply = rasa_stack.say(sender, text)
        assert not faq_texts & {m.get("text") for m in reply}, dump(reply)
        payloads = [b["payload"] for m in reply for b in m.get("buttons") or []]
        assert any(p.startswith("/request_human") for p in payloads), dump(reply)
    assert rasa_stack.tracker(sender)["slots"]["language"] is None  # gibberish decides no language


def _faq_responses() -> list:
    from tests.responses import _responses

    return [name for name in _responses() if name.startswith("utter_faq/")]


def test_suggestion_button_payload_answers_that_topic(rasa_stack: Stack, sender: str) -> None:
    """A "Did you mean" button sends the topic's first question, which must answer that topic."""
    from actions.knowledge import topic_question

    for language in ("pl", "en"):
        payload = topic_question("suspend_business", language)
        answer = rasa_stack.say(f"{sender}-{language}", payload)
        assert texts(answer) == response_text("utter_faq/suspend_business", language), dump(answer)


def test_model_parse_requires_the_token(rasa_stack: Stack) -> None:
    url = f"{rasa_stack.url}/model/parse"
    assert requests.post(url, json={"text": "Hello"}, timeout=30).status_code == 401
    assert requests.post(url, params={"token": "wrong"}, json={"text": "Hello"}, timeout=30).status_code == 401
    parsed = requests.post(url, params={"token": rasa_stack.token}, json={"text": "Hello"}, timeout=30)
    assert parsed.status_code == 200 and parsed.json()["intent"]["name"] == "greet"


def test_bad_input_over_rest_gets_its_exact_error(rasa_stack: Stack, sender: str) -> None:
    """Each malformed request gets its own status and a message saying what to fix; the server keeps serving."""
    webhook = f"{rasa_stack.url}/webhooks/rest/webhook"
    refused = {
        "100 kB message": (
            {"sender": sender, "message": "firma " * 17000},
            413,
            f"The message is too long: at most {MAX_MESSAGE_CHARS} characters.",
        ),
        "missing message": ({"sender": sender}, 400, 'The field "message" must be a string.'),
        "message not a string": ({"sender": sender, "message": {"a": 1}}, 400, 'The field "message" must be a string.'),
        "sender not a string": ({"sender": [1], "message": "hi"}, 400, 'The field "sender" must be a string.'),
        "metadata not an object": (
            {"sender": sender, "message": "hi", "metadata": "en"},
            400,
            'The field "metadata" must be a JSON object.',
        ),
        "body not an object": (
            ["hi"],
            400,
            'The request body must be a JSON object such as {"sender": "id", "message": "text"}.',
        ),
    }
    for name, (body, status, error) in refused.items():
        response = requests.post(webhook, json=body, timeout=120)
        assert (response.status_code, response.json()) == (status, {"error": error}), name
    for raw in (b"{not json", b"\xff\xfe"):
        response = requests.post(webhook, data=raw, headers={"Content-Type": "application/json"}, timeout=30)
        assert (response.status_code, response.json()) == (400, {"error": "The request body is not valid JSON."}), raw
    # accepted however odd: an answer in the conversation's language, never an error
    for text in ("", "😀🎉👍", "Hello, chcę założyć firmę and pay ZUS"):
        response = requests.post(webhook, json={"sender": sender, "message": text}, timeout=120)
        assert response.status_code == 200, text
        assert isinstance(response.json(), list)
        assert all("Traceback" not in message.get("text", "") for message in response.json())
    assert rasa_stack.say(sender, "Dzień dobry")[0]["text"] == response_text("utter_greet", "pl")


def test_conversation_survives_a_server_restart(rasa_stack: Stack, sender: str) -> None:
    rasa_stack.say(sender, "Hello")
    rasa_stack.say(sender, "thanks")
    rasa_stack.restart_rasa()
    tracker = rasa_stack.tracker(sender)
    user_texts = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert user_texts == ["Hello", "thanks"]
    assert tracker["slots"]["language"] == "en"
