"""The widget's document upload in a real Chromium: reachable by keyboard, labelled, answers shown."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.channels.support import png
from tests.responses import response_text
from tests.test_browser import AXE, CHROMIUM_FLAGS


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


def test_upload_by_keyboard_with_confirmation_and_refusal(page: Page, channel_stack, tmp_path: Path) -> None:
    photo = tmp_path / "formularz.png"
    photo.write_bytes(png())
    fake = tmp_path / "skan.jpg"
    fake.write_bytes(b"GIF89a" + b"\x00" * 64)  # named .jpg, really a GIF

    page.goto(channel_stack.web_url + "/")
    launcher = page.get_by_role("button", name="Czat z wirtualnym urzędnikiem")
    launcher.focus()
    page.keyboard.press("Enter")
    bots = page.locator("#vo-log .vo-msg.bot")
    expect(bots.first).to_contain_text("Dzień dobry!")

    upload = page.get_by_label("Dołącz dokument (JPEG, PNG lub PDF)")
    expect(upload).to_be_visible()
    page.locator("#vo-send").focus()
    for _ in range(6):  # Tab from the send button reaches the file input
        if page.evaluate("document.activeElement && document.activeElement.id") == "vo-file":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "vo-file"

    upload.set_input_files(str(photo))
    expect(bots.nth(1)).to_contain_text("PNG")
    expected = response_text("utter_document_for_consultant", "pl").split("(")[0].strip()
    expect(bots.nth(1)).to_contain_text(expected)
    upload.set_input_files(str(fake))
    expect(bots.nth(2)).to_contain_text(response_text("utter_document_wrong_type", "pl"))

    page.add_script_tag(path=str(AXE))
    wcag = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}"
    violations = page.evaluate(f"async () => (await axe.run(document, {wcag})).violations.map(v => v.id)")
    assert violations == []  # the same WCAG 2.1 AA check as tests/test_browser.py, with the upload added
