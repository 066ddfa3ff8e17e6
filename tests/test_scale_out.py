"""Fault tolerance of the scaled profile against real PostgreSQL, Redis and RabbitMQ servers.

Two Rasa instances started with `endpoints.scaled.yml` share a throwaway PostgreSQL (tracker store
and application DB), Redis (lock store, socket.io rooms, rate limits) and RabbitMQ (event broker),
all started by the test on free ports (tests/scaled.py), so killing or restarting one disturbs no
other test or person on the machine. The tests run in file order; the `kill -9` one is last.
"""

from __future__ import annotations

import random
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator, List

import pytest
import requests
from sqlalchemy import create_engine, text

from services.privacy import redact
from tests.concurrency import at_once
from tests.registration.support import template_pattern
from tests.registration.test_e2e_registration import PESEL, PL_UNTIL_SUMMARY
from tests.responses import response_text
from tests.scaled import ScaledStack
from tests.stack import ROOT, dump, texts

A, B = 0, 1


@pytest.fixture(scope="module")
def scaled(model_path: Path) -> Iterator[ScaledStack]:
    workdir = ROOT / "var" / f"test-scaled-{uuid.uuid4().hex[:8]}"
    stack = ScaledStack(model=model_path, workdir=workdir)
    try:
        yield stack.start()
    finally:
        stack.stop()


def _user_texts(events: List[dict]) -> List[str]:
    return [e["text"] for e in events if e["event"] == "user"]


def _expect(stack: ScaledStack, instance: int, sender: str, said: str, response: str, language: str = "pl") -> list:
    reply = stack.say(instance, sender, said)
    assert reply and template_pattern(response, language).fullmatch(reply[-1].get("text") or ""), (
        f"instance {instance}, after {said!r} expected {response}:\n{dump(reply)}"
    )
    return reply


def test_a_conversation_alternating_between_instances_keeps_state_and_order(scaled: ScaledStack) -> None:
    sender = f"alt-{uuid.uuid4().hex[:8]}"
    turns = PL_UNTIL_SUMMARY[:6]
    for number, (said, response) in enumerate(turns):
        _expect(scaled, number % 2, sender, said, response)
    tracker = scaled.tracker(B, sender)
    assert tracker["slots"]["reg_first_name"] == "Jan" and tracker["slots"]["reg_pesel"] == PESEL
    assert tracker["active_loop"]["name"] == "registration_form"
    stored = scaled.events(sender)
    # the stored order is the conversation's order; personal data is not readable in the store
    assert _user_texts(stored) == [redact(said) for said, _ in turns]
    assert "*********" + PESEL[-2:] in _user_texts(stored)
    assert PESEL not in str(stored)


def test_concurrent_conversations_on_both_instances_lose_and_reorder_nothing(scaled: ScaledStack) -> None:
    script = ["Dzień dobry", "Ile kosztuje rejestracja firmy w CEIDG?", "dziękuję", "Hello", "thanks", "do widzenia"]
    senders = [f"load-{number}-{uuid.uuid4().hex[:6]}" for number in range(20)]
    failures: List[str] = []

    def converse(sender: str) -> None:
        rng = random.Random(sender)
        for said in script:
            try:
                if not scaled.say(rng.choice((A, B)), sender, said):
                    failures.append(f"{sender}: no reply to {said!r}")
            except requests.RequestException as error:
                failures.append(f"{sender}: {said!r}: {error}")

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(converse, senders))
    assert not failures, failures
    for sender in senders:
        events = scaled.events(sender)
        assert _user_texts(events) == script, (sender, _user_texts(events))
        # every user message is answered before the next one is read: no interleaving
        kinds = [e["event"] for e in events if e["event"] in ("user", "bot")]
        for position, kind in enumerate(kinds):
            if kind == "user" and position + 1 < len(kinds):
                assert kinds[position + 1] == "bot", (sender, kinds)


def test_simultaneous_messages_of_one_sender_on_two_instances_are_serialised(scaled: ScaledStack) -> None:
    """The Redis lock store: two messages at the same moment, one per instance, are handled one after the other."""
    sender = f"race-{uuid.uuid4().hex[:8]}"
    scaled.say(A, sender, "Dzień dobry")
    replies = at_once([lambda: scaled.say(A, sender, "dziękuję"), lambda: scaled.say(B, sender, "Hello")])
    assert all(replies), replies
    kinds = [e["event"] for e in scaled.events(sender) if e["event"] in ("user", "bot")]
    assert kinds.count("user") == 3 and sorted(_user_texts(scaled.events(sender))[1:]) == ["Hello", "dziękuję"]
    assert "user,user" not in ",".join(kinds), kinds


def test_a_reply_emitted_by_one_instance_reaches_a_browser_on_the_other(scaled: ScaledStack) -> None:
    import socketio

    session = f"sio-{uuid.uuid4().hex[:8]}"
    received: List[dict] = []
    client = socketio.Client(reconnection=False)
    client.on("bot_uttered", received.append)
    client.connect(scaled.url(B), transports=["websocket"], socketio_path="/socket.io")
    try:
        client.emit("session_request", {"session_id": session})
        time.sleep(1.0)
        response = requests.post(
            f"{scaled.url(A)}/conversations/{session}/trigger_intent",
            params={"token": scaled.token, "output_channel": "socketio"},
            json={"name": "greet"},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        deadline = time.time() + 20
        while not received and time.time() < deadline:
            time.sleep(0.2)
    finally:
        client.disconnect()
    assert [m.get("text") for m in received] == [response_text("utter_greet", "pl")], received


def test_action_server_down_apologises_with_a_consultant_and_recovers(scaled: ScaledStack) -> None:
    from services.office import load_office

    office = load_office()
    sender = f"noactions-{uuid.uuid4().hex[:8]}"
    english = f"noactions-en-{uuid.uuid4().hex[:8]}"
    scaled.say(A, english, "Hello")
    scaled.stop_actions()
    try:
        for instance, who, said, language in ((A, sender, "oceniam na 4", "pl"), (B, english, "my rating is 4", "en")):
            reply = scaled.say(instance, who, said)
            expected = (
                response_text("utter_service_unavailable", language)
                .replace("{phone_main}", office.phone_main)
                .replace("{phone_international}", office.phone_international)
            )
            assert texts(reply) == expected, dump(reply)
            assert reply[0]["buttons"][0]["payload"] == "/request_human"
        assert requests.get(f"{scaled.url(A)}/version", timeout=10).status_code == 200
    finally:
        scaled.start_actions()
    reply = scaled.say(B, sender, "oceniam na 5")
    assert texts(reply) == response_text("utter_rating_thanks", "pl").replace("{rating}", "5"), dump(reply)
    assert _user_texts(scaled.events(sender)) == ["oceniam na 4", "oceniam na 5"]


@pytest.mark.parametrize("service", ["redis", "postgres"])
def test_a_restarted_service_is_recovered_without_manual_steps(scaled: ScaledStack, service: str) -> None:
    sender = f"restart-{service}-{uuid.uuid4().hex[:8]}"
    assert texts(scaled.say(A, sender, "Dzień dobry")) == response_text("utter_greet", "pl")
    getattr(scaled, service).restart()
    answered = []
    for instance, said in ((B, "dziękuję"), (A, "Hello"), (B, "do widzenia")):
        answered.append(scaled.say(instance, sender, said))
    assert all(answered), answered
    assert _user_texts(scaled.events(sender)) == ["Dzień dobry", "dziękuję", "Hello", "do widzenia"]


def test_events_published_while_rabbitmq_is_down_are_delivered_after_it_returns(scaled: ScaledStack) -> None:
    scaled.rabbit.drain(scaled.queue, timeout=3)
    sender = f"broker-{uuid.uuid4().hex[:8]}"
    scaled.rabbit.stop()
    try:
        for instance, said in ((A, "Dzień dobry"), (A, "dziękuję")):
            assert scaled.say(instance, sender, said)
    finally:
        scaled.rabbit.start()
    time.sleep(8)  # aio-pika's robust connection reconnects, then Rasa sends what it kept
    scaled.say(A, sender, "do widzenia")
    published = [e for e in scaled.rabbit.drain(scaled.queue, timeout=30) if e.get("sender_id") == sender]
    assert [e["text"] for e in published if e["event"] == "user"] == ["Dzień dobry", "dziękuję", "do widzenia"]
    assert len(published) == len(scaled.events(sender))


def test_kill_9_mid_registration_continues_on_the_other_instance_and_stores_once(scaled: ScaledStack) -> None:
    sender = f"kill-{uuid.uuid4().hex[:8]}"
    for said, response in PL_UNTIL_SUMMARY[:4]:
        _expect(scaled, A, sender, said, response)
    scaled.kill_rasa(A)
    for said, response in PL_UNTIL_SUMMARY[4:]:
        _expect(scaled, B, sender, said, response)
    reply = scaled.say(B, sender, "tak")
    assert template_pattern("utter_reg_submitted", "pl").fullmatch(reply[-1]["text"]), dump(reply)
    engine = create_engine(scaled.env["APP_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("select pesel, first_name from applications where sender_id = :s"), {"s": sender}
            ).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in rows] == [(PESEL, "Jan")]
    # after a full scripted registration: no PESEL in the tracker store (anonymised) nor in any log
    assert PESEL not in str(scaled.events(sender))
    for log in scaled.workdir.glob("*.log"):
        assert PESEL not in log.read_text(errors="replace"), log.name


def test_the_http_api_needs_the_token_on_every_instance(scaled: ScaledStack) -> None:
    for instance in (B,):  # instance A was killed by the previous test
        url = f"{scaled.url(instance)}/conversations/anyone/tracker"
        assert requests.get(url, timeout=30).status_code == 401
        assert requests.get(url, params={"token": "wrong"}, timeout=30).status_code == 401
        assert requests.get(url, params={"token": scaled.token}, timeout=30).status_code == 200
