"""Out of office hours, on a Polish public holiday (fixed clock): no queue, a callback request instead.

The session's stack with its action server and console restarted on an office clock that says
11 November 2026, 10:00 (Independence Day, a Wednesday); Rasa keeps running (a chat's office-hours
decisions are the action server's).
"""

from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy import create_engine, select

from services.handoff.models import HandoffTicket
from services.office import contact_variables
from tests.console_support import StaffClient
from tests.responses import response_text
from tests.stack import Stack, dump, texts

HOLIDAY = "2026-11-11T10:00:00+01:00"


@pytest.fixture(scope="module")
def holiday_stack(rasa_stack: Stack) -> Iterator[Stack]:
    with rasa_stack.office_clock_at(HOLIDAY) as stack:
        yield stack


def fill(template: str, **values: object) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", str(value))
    return template


def test_on_a_holiday_the_assistant_takes_a_callback_request_and_keeps_answering(
    holiday_stack: Stack, sender: str
) -> None:
    reply = holiday_stack.say(sender, "czy mogę porozmawiać z człowiekiem?")
    closed = fill(
        response_text("utter_handoff_closed", "pl"), back="czwartek 12.11.2026, 9:00", **contact_variables("pl")
    )
    assert texts(reply) == closed, dump(reply)
    assert "+48 22 123 45 67" not in texts(reply)
    assert [b["title"] for b in reply[0]["buttons"]] == ["Proszę o oddzwonienie", "Zostawię wiadomość"]
    assert holiday_stack.tracker(sender)["paused"] is False

    answer = holiday_stack.say(sender, "ile kosztuje rejestracja jdg")
    assert texts(answer) == response_text("utter_faq/registration_cost", "pl"), dump(answer)

    ask = holiday_stack.say(sender, reply[0]["buttons"][0]["payload"])
    assert texts(ask) == response_text("utter_ask_handoff_callback", "pl"), dump(ask)
    stored = holiday_stack.say(sender, "600 100 200, pytanie o VAT")
    engine = create_engine(holiday_stack.app_db_url)
    with engine.connect() as connection:
        ticket = connection.execute(
            select(HandoffTicket.__table__).where(HandoffTicket.conversation_id == sender)
        ).one()
    engine.dispose()
    assert (ticket.kind, ticket.status, ticket.message) == ("callback", "waiting", "600 100 200, pytanie o VAT")
    expected = fill(
        response_text("utter_handoff_message_stored", "pl"), ticket=ticket.id, back="czwartek 12.11.2026, 9:00"
    )
    assert texts(stored) == expected, dump(stored)

    holiday_stack.add_staff("dyzurny", "secret for tests 1", "agent")
    agent = StaffClient(holiday_stack.console_url)
    agent.login("dyzurny", "secret for tests 1")
    queue = agent.get("/handoff/api/queue", headers={"Accept": "application/json"}).json()
    [message] = [t for t in queue["messages"] if t["id"] == ticket.id]
    assert message["kind"] == "callback" and message["message"] == "*******00, pytanie o VAT"
    assert ticket.id not in [t["id"] for t in queue["waiting"]]
    done = agent.post(f"/handoff/tickets/{ticket.id}/close", headers={"Accept": "application/json"})
    assert done.json() == {"closed": True}


def test_english_out_of_hours_answer(holiday_stack: Stack, sender: str) -> None:
    holiday_stack.say(sender, "Hello, I have a question about taxes")
    reply = holiday_stack.say(sender, "I want to talk to a human")
    closed = fill(
        response_text("utter_handoff_closed", "en"), back="Thursday 12.11.2026, 9:00", **contact_variables("en")
    )
    assert texts(reply) == closed, dump(reply)
