"""The handoff in real browsers: a user in the web widget and a consultant in the console, live.

Two browser contexts (two people), Chromium via Playwright; axe-core on the console's pages.
"""

from __future__ import annotations

import uuid
from typing import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import create_engine, select

from services.handoff.models import HandoffTicket
from tests.responses import response_text
from tests.stack import Stack
from tests.test_browser import AXE, browser  # noqa: F401  (the module's Chromium fixture)

PASSWORD = "secret for tests 1"
INJECTION = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>Pytanie"
# waits for an answer from Rasa or the console (the machine may be busy: the suite shares 2 cores)
ANSWER = 30_000
WCAG = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}"


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list]:  # noqa: F811
    opened: list[BrowserContext] = []

    def new(**options) -> Page:
        # axe-core is injected as an inline script, which the console's CSP rightly refuses
        context = browser.new_context(bypass_csp=True, **options)
        opened.append(context)
        return context.new_page()

    yield new
    for context in opened:
        context.close()


def axe_violations(page: Page) -> list:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(f"async () => await axe.run(document, {WCAG})")
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def log_in(page: Page, stack: Stack, username: str) -> None:
    page.goto(stack.console_url + "/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def bot_messages(page: Page):
    return page.locator("#vo-log .vo-msg.bot")


def ticket_row(stack: Stack, conversation: str):
    engine = create_engine(stack.app_db_url)
    with engine.connect() as connection:
        row = connection.execute(
            select(HandoffTicket.__table__).where(HandoffTicket.conversation_id == conversation)
        ).first()
    engine.dispose()
    return row


def test_user_and_consultant_talk_live_then_the_bot_asks_for_a_rating(contexts, rasa_stack: Stack) -> None:
    username = f"anna{uuid.uuid4().hex[:6]}"
    rasa_stack.add_staff(username, PASSWORD, "agent", name="Anna")
    console = contexts(viewport={"width": 1280, "height": 860})
    log_in(console, rasa_stack, username)
    console.get_by_role("link", name="Handoff queue").first.click()
    expect(console.get_by_role("heading", name="Handoff queue")).to_be_visible(timeout=ANSWER)
    assert axe_violations(console) == []

    user = contexts(viewport={"width": 1280, "height": 860})
    user.goto(rasa_stack.web_url + "/")
    user.get_by_role("button", name="Czat z wirtualnym urzędnikiem").click()
    expect(bot_messages(user).first).to_contain_text("Dzień dobry! Jestem wirtualnym urzędnikiem", timeout=ANSWER)
    user.get_by_label("Twoja wiadomość").fill(INJECTION)
    user.keyboard.press("Enter")
    expect(bot_messages(user)).to_have_count(2, timeout=ANSWER)
    user.get_by_label("Twoja wiadomość").fill("czy mogę porozmawiać z człowiekiem?")
    user.keyboard.press("Enter")
    queued = response_text("utter_handoff_queued", "pl").split("{position}")[0]
    expect(bot_messages(user).nth(2)).to_contain_text(queued, timeout=ANSWER)
    conversation = user.evaluate("JSON.parse(localStorage.getItem('virtualOfficial.v1')).sessionId")
    ticket = ticket_row(rasa_stack, conversation)
    assert ticket.status == "waiting" and ticket.last_question == INJECTION

    # the consultant's queue shows the request without a reload; the user's text stays text
    row = console.locator(f'#waiting tr[data-ticket="{ticket.id}"]')
    expect(row).to_be_visible(timeout=ANSWER)
    expect(row).to_contain_text("Polish")
    expect(row).to_contain_text("asked for a person")
    expect(row).to_contain_text(INJECTION)
    assert console.locator("#waiting img, #waiting script").count() == 0
    row.get_by_role("button", name=f"Take conversation {ticket.id}").click()
    expect(console.get_by_role("heading", name=f"Conversation {ticket.id}")).to_be_visible(timeout=ANSWER)
    transcript = console.locator("#transcript")
    expect(transcript).to_contain_text("czy mogę porozmawiać z człowiekiem?", timeout=ANSWER)
    expect(transcript.locator("li.user", has_text="Pytanie")).to_contain_text(INJECTION, timeout=ANSWER)
    assert transcript.locator("img, script").count() == 0
    assert "pwned" not in console.title()

    joined = response_text("utter_handoff_agent_joined", "pl").replace("{handoff_agent}", "Anna")
    expect(bot_messages(user).nth(3)).to_contain_text(joined, timeout=ANSWER)
    expect(user.locator("#vo-agent")).to_have_text("Rozmawiasz z konsultantem: Anna", timeout=ANSWER)

    console.get_by_label("Your answer to the user").fill("Dzień dobry, tu Anna. W czym mogę pomóc?")
    console.keyboard.press("Enter")
    expect(bot_messages(user).nth(4)).to_have_text(
        "Konsultant Anna: Dzień dobry, tu Anna. W czym mogę pomóc?", timeout=ANSWER
    )
    user.get_by_label("Twoja wiadomość").fill("Jak zarejestrować się do VAT?")
    user.keyboard.press("Enter")
    expect(transcript.locator("li.user").last).to_contain_text("Jak zarejestrować się do VAT?", timeout=ANSWER)
    expect(transcript.locator("li.agent")).to_contain_text("Dzień dobry, tu Anna.", timeout=ANSWER)

    console.get_by_label("Search topics").fill("rejestracja VAT")
    console.get_by_role("button", name="Search").click()
    first_answer = console.locator("#canned-results li").first
    expect(first_answer).to_contain_text("VAT", timeout=ANSWER)
    first_answer.get_by_role("button").click()
    expect(console.get_by_label("Your answer to the user")).not_to_have_value("")
    assert axe_violations(console) == []
    console.keyboard.press("Enter")
    expect(bot_messages(user).nth(5)).to_contain_text("Konsultant Anna:", timeout=ANSWER)

    console.get_by_role("button", name="Close and hand back to the assistant").click()
    expect(console.get_by_role("heading", name="Handoff queue")).to_be_visible(timeout=ANSWER)
    expect(bot_messages(user).nth(6)).to_have_text(
        "Urzędnik: " + response_text("utter_handoff_bot_back", "pl"), timeout=ANSWER
    )
    expect(user.locator("#vo-agent")).to_be_hidden(timeout=ANSWER)
    expect(bot_messages(user).nth(7)).to_contain_text(
        response_text("utter_ask_consultant_rating", "pl"), timeout=ANSWER
    )
    user.locator("#vo-log .vo-buttons").last.get_by_role("button", name="5").click()
    thanks = response_text("utter_consultant_rating_thanks", "pl").replace("{rating}", "5")
    expect(bot_messages(user).nth(8)).to_have_text("Urzędnik: " + thanks, timeout=ANSWER)
    stored = ticket_row(rasa_stack, conversation)
    assert (stored.status, stored.rating, stored.assigned_agent) == ("closed", 5, username)


def test_console_login_and_overview_pass_axe(contexts, rasa_stack: Stack) -> None:
    page = contexts()
    page.goto(rasa_stack.console_url + "/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()  # 401 shows the login form
    assert axe_violations(page) == []
    username = f"boss{uuid.uuid4().hex[:6]}"
    rasa_stack.add_staff(username, PASSWORD, "supervisor")
    log_in(page, rasa_stack, username)
    assert axe_violations(page) == []
    page.get_by_role("link", name="Supervisor overview").first.click()
    expect(page.get_by_role("heading", name="Supervisor overview")).to_be_visible()
    expect(page.locator("#s-waiting")).to_have_text(page.locator("#s-waiting").inner_text())
    assert axe_violations(page) == []


@pytest.mark.parametrize(("width", "height"), [(1280, 860), (390, 760)])
def test_widget_launcher_is_not_drawn_over_the_open_panel(contexts, rasa_stack: Stack, width: int, height: int) -> None:
    page = contexts(viewport={"width": width, "height": height})
    page.goto(rasa_stack.web_url + "/")
    launcher = page.get_by_role("button", name="Czat z wirtualnym urzędnikiem")
    launcher.click()
    panel = page.locator("#vo-panel")
    expect(panel).to_be_visible()
    box = panel.bounding_box()
    if launcher.is_visible():
        other = launcher.bounding_box()
        overlap = not (
            other["x"] + other["width"] <= box["x"]
            or box["x"] + box["width"] <= other["x"]
            or other["y"] + other["height"] <= box["y"]
            or box["y"] + box["height"] <= other["y"]
        )
        assert not overlap, (box, other)
    if width <= 600:  # phone-sized: the panel is the whole screen
        assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, width, height)
    page.get_by_role("button", name="Zamknij czat").click()
    expect(launcher).to_be_visible()
    expect(launcher).to_be_focused()
