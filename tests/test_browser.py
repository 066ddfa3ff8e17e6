"""The office page and its chat widget in a real headless Chromium (Playwright), with axe-core."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.responses import response_text
from tests.stack import Stack

AXE = Path(__file__).resolve().parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Chromium is required (scripts/test.sh installs Debian's chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def shown(text: str) -> str:
    """What the widget displays: **bold** markers become <strong> elements."""
    return text.replace("**", "")


def bot_messages(page: Page):
    return page.locator("#vo-log .vo-msg.bot")


def test_chat_in_polish_then_english_and_survives_reload(page: Page, rasa_stack: Stack) -> None:
    page.goto(rasa_stack.web_url + "/")
    launcher = page.get_by_role("button", name="Czat z wirtualnym urzędnikiem")
    launcher.focus()
    page.keyboard.press("Enter")  # keyboard only
    # the open panel replaces the launcher (never drawn over it); the panel's × and Escape close it
    expect(page.locator("#vo-launcher")).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#vo-launcher")).to_be_hidden()
    expect(page.locator("#vo-input")).to_be_focused()
    expect(bot_messages(page).first).to_contain_text("Dzień dobry! Jestem wirtualnym urzędnikiem")
    expect(page.locator("#vo-log .vo-buttons button").first).to_have_text("Zarejestruj firmę")

    page.get_by_label("Twoja wiadomość").fill("ile kosztuje rejestracja jdg")
    page.keyboard.press("Enter")
    expect(bot_messages(page).nth(1)).to_contain_text(shown(response_text("utter_faq/registration_cost", "pl"))[:60])

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    expect(bot_messages(page).nth(2)).to_have_text("Official: " + response_text("utter_language_now_en", "en"))
    page.get_by_label("Your message").fill("how much does registration cost")
    page.get_by_role("button", name="Send").click()
    expect(bot_messages(page).nth(3)).to_contain_text(shown(response_text("utter_faq/registration_cost", "en"))[:60])

    page.reload()
    expect(bot_messages(page)).to_have_count(4)
    expect(page.get_by_label("Your message")).to_be_visible()
    page.get_by_label("Your message").fill("thanks")
    page.keyboard.press("Enter")
    expect(bot_messages(page).nth(4)).to_have_text("Official: " + response_text("utter_thank", "en"))

    page.keyboard.press("Escape")
    expect(page.locator("#vo-panel")).to_be_hidden()
    expect(launcher.or_(page.get_by_role("button", name="Chat with the virtual official"))).to_be_focused()


def test_page_and_open_widget_pass_axe_wcag_aa(page: Page, rasa_stack: Stack) -> None:
    page.goto(rasa_stack.web_url + "/")
    page.get_by_role("button", name="Czat z wirtualnym urzędnikiem").click()
    expect(bot_messages(page).first).to_be_visible()
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    assert violations == []
    assert len(result["passes"]) > 10
