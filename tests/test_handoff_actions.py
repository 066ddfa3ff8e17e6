"""The handoff's custom actions on realistic trackers, with a fixed office clock and a real database."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.handoff import (
    ActionHandoffStoreMessage,
    ActionRateService,
    ActionRequestHuman,
    handoff_reason,
    last_question,
)
from services.handoff import tickets
from services.handoff.models import HandoffTicket
from services.storage.db import session_scope
from services.storage.migrate import upgrade_to_head

OPEN = "2026-11-25T10:00:00+01:00"  # a Wednesday
HOLIDAY = "2026-11-11T10:00:00+01:00"  # Independence Day
DOMAIN = {"forms": {"registration_form": {"required_slots": ["reg_first_name", "reg_last_name", "reg_pesel"]}}}


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("APP_DATABASE_URL", url)
    upgrade_to_head(url)
    return url


def tracker(
    texts: List[str],
    intent: str = "request_human",
    slots: Dict[str, Any] | None = None,
    entities: List[Dict[str, Any]] | None = None,
    active_loop: str | None = None,
    bot_before: str | None = None,
) -> Tracker:
    events: List[Dict[str, Any]] = []
    for text in texts[:-1]:
        events.append({"event": "user", "text": text, "input_channel": "socketio", "parse_data": {"intent": {}}})
    if bot_before:
        events.append({"event": "bot", "text": "…", "metadata": {"utter_action": bot_before}})
    latest = {"intent": {"name": intent}, "entities": entities or [], "text": texts[-1]}
    events.append({"event": "user", "text": texts[-1], "input_channel": "socketio", "parse_data": latest})
    return Tracker(
        "conv-1",
        slots or {},
        latest,
        events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def run(action, tracker_: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, DOMAIN))
    return dispatcher.messages, events


def all_tickets(url: str) -> List[HandoffTicket]:
    with session_scope(url) as session:
        return list(session.execute(select(HandoffTicket).order_by(HandoffTicket.id)).scalars())


def test_in_hours_opens_a_ticket_tells_the_place_in_queue_and_pauses(monkeypatch, database) -> None:
    monkeypatch.setenv("OFFICE_CLOCK", OPEN)
    messages, events = run(ActionRequestHuman(), tracker(["ile kosztuje vat 600 100 200", "daj mi człowieka"]))
    assert [m["response"] for m in messages] == ["utter_handoff_queued"]
    assert messages[0]["position"] == 1 and messages[0]["wait"] >= 1
    assert {"event": "pause", "timestamp": None} in events
    [ticket] = all_tickets(database)
    assert (ticket.status, ticket.queue, ticket.reason, ticket.channel) == (
        "waiting",
        "general",
        "user_request",
        "socketio",
    )
    assert ticket.last_question == "ile kosztuje vat 600 100 200"
    assert {"event": "slot", "timestamp": None, "name": "handoff_ticket", "value": str(ticket.id)} in events

    messages, _ = run(ActionRequestHuman(), tracker(["inna osoba", "konsultant"], slots={}))
    assert messages[0]["response"] == "utter_handoff_already_waiting"  # same conversation id


def test_second_person_is_second_in_the_queue_and_english_goes_to_the_english_queue(monkeypatch, database) -> None:
    monkeypatch.setenv("OFFICE_CLOCK", OPEN)
    with session_scope(database) as session:
        tickets.open_ticket(session, "someone-else", "rest", "en", "user_request", "english")
    messages, _ = run(ActionRequestHuman(), tracker(["human please"], slots={"language": "en"}))
    assert messages[0]["position"] == 2
    assert all_tickets(database)[-1].queue == "english"


def test_registration_progress_goes_with_the_ticket(monkeypatch, database) -> None:
    monkeypatch.setenv("OFFICE_CLOCK", OPEN)
    slots = {"reg_first_name": "Jan", "reg_last_name": "Kowalski", "reg_pesel": None}
    run(ActionRequestHuman(), tracker(["potrzebuję pomocy"], slots=slots, active_loop="registration_form"))
    [ticket] = all_tickets(database)
    assert ticket.queue == "registration" and ticket.reason == "registration_form"
    assert tickets.form_progress(ticket) == {"reg_first_name": "Jan", "reg_last_name": "Kowalski"}


def test_video_request_gets_an_unguessable_meeting_room(monkeypatch, database) -> None:
    monkeypatch.setenv("OFFICE_CLOCK", OPEN)
    monkeypatch.setenv("JITSI_BASE_URL", "https://meet.example.org/")
    messages, _ = run(ActionRequestHuman(), tracker(["PJM proszę"], intent="request_video"))
    [ticket] = all_tickets(database)
    assert ticket.queue == "video"
    prefix = "https://meet.example.org/VirtualOfficial-"
    assert ticket.meeting_url.startswith(prefix) and len(ticket.meeting_url) - len(prefix) >= 20
    assert messages[1] == {**messages[1], "response": "utter_handoff_video", "meeting_url": ticket.meeting_url}


def test_out_of_hours_on_a_polish_holiday_offers_callback_and_keeps_the_bot(monkeypatch, database) -> None:
    monkeypatch.setenv("OFFICE_CLOCK", HOLIDAY)
    messages, events = run(ActionRequestHuman(), tracker(["czy mogę porozmawiać z człowiekiem?"]))
    [message] = messages
    assert message["response"] == "utter_handoff_closed"
    assert message["back"] == "czwartek 12.11.2026, 9:00"
    assert message["phone"] == "801 055 088" and message["hours"] == "pon.–pt. 9:00–13:00, 13:30–17:00"
    assert not any(e["event"] == "pause" for e in events)
    assert all_tickets(database) == []

    slots = {"handoff_kind": "callback", "handoff_message": "600 100 200, pytanie o VAT", "handoff_reason": "fallback"}
    messages, events = run(ActionHandoffStoreMessage(), tracker(["600 100 200, pytanie o VAT"], slots=slots))
    [ticket] = all_tickets(database)
    assert (ticket.kind, ticket.status, ticket.reason, ticket.message) == (
        "callback",
        "waiting",
        "fallback",
        "600 100 200, pytanie o VAT",
    )
    assert messages == [{**messages[0], "response": "utter_handoff_message_stored", "ticket": ticket.id}]
    assert messages[0]["back"] == "czwartek 12.11.2026, 9:00"


def test_reason_comes_from_the_button_or_the_previous_response() -> None:
    entity = [{"entity": "handoff_reason", "value": "low_rating"}]
    assert handoff_reason(tracker(["/request_human"], entities=entity)) == "low_rating"
    assert handoff_reason(tracker(["xx", "/request_human"], bot_before="utter_offer_consultant")) == "fallback"
    kb_button = [{"entity": "handoff_reason", "value": "kb_topic"}]
    assert handoff_reason(tracker(["q", "/request_human"], entities=kb_button, bot_before="utter_faq/x")) == "kb_topic"
    assert handoff_reason(tracker(["q", "konsultant"], bot_before="utter_faq/registration_cost")) == "user_request"
    assert handoff_reason(tracker(["q", "/request_human"], bot_before="utter_default")) == "unknown_answer"
    assert handoff_reason(tracker(["konsultant"])) == "user_request"
    assert last_question(tracker(["jak zamknąć firmę", "/request_human"])) == "jak zamknąć firmę"


def test_rating_after_a_consultant_is_stored_on_the_ticket(database) -> None:
    with session_scope(database) as session:
        ticket = tickets.open_ticket(session, "conv-1", "socketio", "pl", "user_request", "general")
        tickets.take(session, ticket.id, "anna")
        tickets.close(session, ticket.id, "anna")
        ticket_id = ticket.id
    rating = [{"entity": "rating", "value": "5"}]
    messages, events = run(
        ActionRateService(),
        tracker(['/rate_service{"rating":"5"}'], "rate_service", {"handoff_ticket": str(ticket_id)}, rating),
    )
    assert messages[0]["response"] == "utter_consultant_rating_thanks"
    assert all_tickets(database)[0].rating == 5
    # a second rating is a rating of the service, not a change of the consultant's
    messages, _ = run(ActionRateService(), tracker(["2"], "rate_service", {"handoff_ticket": str(ticket_id)}))
    assert [m["response"] for m in messages] == ["utter_rating_thanks", "utter_rating_sorry"]
    assert all_tickets(database)[0].rating == 5
