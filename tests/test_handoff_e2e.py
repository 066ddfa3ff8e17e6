"""The handoff over real servers: Rasa pauses, the console takes, replies, hands back; security rules.

The stack's office clock is fixed in working hours (tests/stack.py), so these tests run any day.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any, Callable, Dict, List

import pytest
import requests
from sqlalchemy import create_engine, select, text

from services.handoff.models import HandoffTicket
from tests.console_support import StaffClient
from tests.responses import response_text
from tests.stack import Stack, dump, texts

PASSWORD = "secret for tests 1"
JSON = {"Accept": "application/json"}


def wait_for(check: Callable[[], Any], timeout: float = 20, what: str = "condition") -> Any:
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def ticket_of(stack: Stack, conversation: str) -> HandoffTicket | None:
    engine = create_engine(stack.app_db_url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                select(HandoffTicket.__table__)
                .where(HandoffTicket.conversation_id == conversation)
                .order_by(HandoffTicket.id.desc())
            ).first()
            return row
    finally:
        engine.dispose()


def audit_actions(stack: Stack, actor: str) -> List[str]:
    engine = create_engine(stack.app_db_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT action FROM audit_log WHERE actor = :a ORDER BY id"), {"a": actor}).all()
    engine.dispose()
    return [r[0] for r in rows]


def agent(stack: Stack, role: str = "agent", queues: str | None = None) -> StaffClient:
    username = f"{role[:3]}{uuid.uuid4().hex[:6]}"
    args = ["--queues", queues] if queues else []
    stack.add_staff(username, PASSWORD, role, name=username.capitalize(), extra=args)
    client = StaffClient(stack.console_url)
    assert client.login(username, PASSWORD).status_code == 302
    client.username = username  # type: ignore[attr-defined]
    return client


def request_human(stack: Stack, sender: str, before: str = "ile kosztuje rejestracja firmy") -> Dict[str, Any]:
    stack.say(sender, before)
    reply = stack.say(sender, "czy mogę porozmawiać z człowiekiem?")
    assert texts(reply).startswith(response_text("utter_handoff_queued", "pl").split("{position}")[0]), dump(reply)
    return ticket_of(stack, sender)


def bot_texts(stack: Stack, sender: str) -> List[str]:
    return [e.get("text") or "" for e in stack.tracker(sender)["events"] if e["event"] == "bot"]


def test_take_reply_close_then_the_bot_asks_for_and_stores_the_rating(rasa_stack: Stack, sender: str) -> None:
    ticket = request_human(rasa_stack, sender)
    assert (ticket.status, ticket.queue, ticket.channel) == ("waiting", "general", "rest")
    assert ticket.last_question == "ile kosztuje rejestracja firmy"
    assert rasa_stack.say(sender, "halo, jest tam ktoś?") == []  # paused: the bot stays quiet

    anna = agent(rasa_stack)
    queue = anna.get("/handoff/api/queue", headers=JSON).json()
    assert ticket.id in [t["id"] for t in queue["waiting"]]
    taken = anna.post(f"/handoff/tickets/{ticket.id}/take", headers=JSON)
    assert taken.status_code == 200 and taken.json() == {"taken": True, "ticket": ticket.id}
    joined = response_text("utter_handoff_agent_joined", "pl").replace("{handoff_agent}", anna.username.capitalize())
    assert joined in bot_texts(rasa_stack, sender)

    sent = anna.post(f"/handoff/tickets/{ticket.id}/reply", headers={**JSON, "X-CSRF-Token": anna.csrf})
    assert sent.status_code == 400  # empty message
    sent = anna.request(
        "POST",
        f"/handoff/tickets/{ticket.id}/reply",
        json={"text": "Rejestracja jest bezpłatna."},
        headers={**JSON, "X-CSRF-Token": anna.csrf},
    )
    assert sent.status_code == 200, sent.text
    agent_events = [
        e
        for e in rasa_stack.tracker(sender)["events"]
        if e["event"] == "bot" and e.get("metadata", {}).get("handoff_agent")
    ]
    assert [e["text"] for e in agent_events] == ["Rejestracja jest bezpłatna."]

    page = anna.get(f"/handoff/tickets/{ticket.id}")
    assert page.status_code == 200 and "Registration form so far" in page.text

    closed = anna.post(f"/handoff/tickets/{ticket.id}/close", headers=JSON)
    assert closed.status_code == 200 and closed.json() == {"closed": True}
    tracker = rasa_stack.tracker(sender)
    assert tracker["paused"] is False
    assert bot_texts(rasa_stack, sender)[-2:] == [
        response_text("utter_handoff_bot_back", "pl"),
        response_text("utter_ask_consultant_rating", "pl"),
    ]
    reply = rasa_stack.say(sender, '/rate_service{"rating":"4"}')
    assert texts(reply) == response_text("utter_consultant_rating_thanks", "pl").replace("{rating}", "4"), dump(reply)
    stored = ticket_of(rasa_stack, sender)
    assert (stored.status, stored.rating, stored.assigned_agent) == ("closed", 4, anna.username)
    assert audit_actions(rasa_stack, anna.username) == ["login", "take", "reply", "read", "close"]
    # the bot is back for everything else
    assert texts(rasa_stack.say(sender, "dziękuję")) == response_text("utter_thank", "pl")


def test_two_agents_clicking_take_at_once_exactly_one_wins(rasa_stack: Stack, sender: str) -> None:
    ticket = request_human(rasa_stack, sender)
    first, second = agent(rasa_stack), agent(rasa_stack)
    barrier = threading.Barrier(2)
    statuses: Dict[str, int] = {}

    def take(client: StaffClient) -> None:
        barrier.wait()
        statuses[client.username] = client.post(f"/handoff/tickets/{ticket.id}/take", headers=JSON).status_code

    threads = [threading.Thread(target=take, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses.values()) == [200, 409]
    winner = next(name for name, status in statuses.items() if status == 200)
    assert ticket_of(rasa_stack, sender).assigned_agent == winner


def test_never_mind_while_waiting_cancels_and_the_bot_resumes(rasa_stack: Stack, sender: str) -> None:
    ticket = request_human(rasa_stack, sender)
    assert rasa_stack.say(sender, "jednak nie") == []  # paused; the console's watcher acts on the event
    wait_for(lambda: ticket_of(rasa_stack, sender).status == "abandoned", what="the ticket to be abandoned")
    wait_for(
        lambda: response_text("utter_handoff_cancelled", "pl") in bot_texts(rasa_stack, sender),
        what="the bot to say it is back",
    )
    assert rasa_stack.tracker(sender)["paused"] is False
    assert texts(rasa_stack.say(sender, "dziękuję")) == response_text("utter_thank", "pl")
    assert ticket.id


def test_security_login_roles_queues_and_csrf(rasa_stack: Stack, sender: str) -> None:
    ticket = request_human(rasa_stack, sender, before="mój PESEL to 44051401359, e-mail jan.kowalski@example.com")
    anonymous = StaffClient(rasa_stack.console_url)
    for path in (
        "/handoff",
        "/handoff/api/queue",
        f"/handoff/tickets/{ticket.id}",
        f"/handoff/tickets/{ticket.id}/stream",
    ):
        assert anonymous.get(path).status_code == 401, path
    assert anonymous.post(f"/handoff/tickets/{ticket.id}/take").status_code == 401

    verifier = agent(rasa_stack, "verifier")
    assert verifier.get("/handoff/api/queue", headers=JSON).status_code == 403
    assert verifier.post(f"/handoff/tickets/{ticket.id}/take", headers=JSON).status_code == 403

    english_only = agent(rasa_stack, queues="english")
    assert ticket.id not in [t["id"] for t in english_only.get("/handoff/api/queue", headers=JSON).json()["waiting"]]
    assert english_only.get(f"/handoff/tickets/{ticket.id}").status_code == 403
    assert english_only.post(f"/handoff/tickets/{ticket.id}/take", headers=JSON).status_code == 403

    anna = agent(rasa_stack)
    row = next(t for t in anna.get("/handoff/api/queue", headers=JSON).json()["waiting"] if t["id"] == ticket.id)
    assert "44051401359" not in row["preview"] and "*********59" in row["preview"]
    assert "jan.kowalski@" not in row["preview"] and "j***@example.com" in row["preview"]
    forged = anna.post(f"/handoff/tickets/{ticket.id}/take", csrf="forged", headers=JSON)
    assert forged.status_code == 403 and forged.json() == {"error": "invalid CSRF token"}
    assert ticket_of(rasa_stack, sender).status == "waiting"
    # another agent's session: no replies, no closing
    piotr = agent(rasa_stack)
    assert anna.post(f"/handoff/tickets/{ticket.id}/take", headers=JSON).status_code == 200
    reply = piotr.request(
        "POST", f"/handoff/tickets/{ticket.id}/reply", json={"text": "x"}, headers={**JSON, "X-CSRF-Token": piotr.csrf}
    )
    assert reply.status_code == 403
    assert piotr.post(f"/handoff/tickets/{ticket.id}/close", headers=JSON).status_code == 409
    supervisor = agent(rasa_stack, "supervisor")
    overview = supervisor.get("/handoff/api/overview", headers=JSON).json()
    assert overview["active_by_agent"].get(anna.username) == 1
    assert anna.get("/handoff/api/overview", headers=JSON).status_code == 403


def test_live_stream_shows_the_users_new_messages(rasa_stack: Stack, sender: str) -> None:
    ticket = request_human(rasa_stack, sender)
    anna = agent(rasa_stack)
    anna.post(f"/handoff/tickets/{ticket.id}/take", headers=JSON)
    url = f"{rasa_stack.console_url}/handoff/tickets/{ticket.id}/stream"
    seen: List[str] = []
    with requests.get(url, cookies=anna.cookies, stream=True, timeout=30) as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        rasa_stack.say(sender, "mój NIP to 5260250274")
        deadline = time.time() + 20
        for raw in stream.iter_lines(decode_unicode=True):
            if raw and raw.startswith("data: ") and raw[6:].startswith("["):
                seen += [line["text"] for line in json.loads(raw[6:]) if line["who"] == "user"]
            if "mój NIP to 5260250274" in seen or time.time() > deadline:
                break
    assert "mój NIP to 5260250274" in seen  # the consultant who took it sees it in full
    assert seen[0] == "ile kosztuje rejestracja firmy"


@pytest.mark.parametrize("language", ["en"])
def test_english_user_goes_to_the_english_queue(rasa_stack: Stack, sender: str, language: str) -> None:
    rasa_stack.say(sender, "Hello, I have a question about taxes")
    reply = rasa_stack.say(sender, "I want to talk to a human")
    assert texts(reply).startswith(response_text("utter_handoff_queued", "en").split("{position}")[0]), dump(reply)
    ticket = ticket_of(rasa_stack, sender)
    assert (ticket.queue, ticket.language) == ("english", "en")
