"""Knowledge-base topics marked `needs_consultant` end with an offer to talk to a consultant."""

from __future__ import annotations

from pathlib import Path

import yaml

from kb_import import load_knowledge_base
from kb_import.entries import entry_from_mapping
from kb_import.generate import render_domain

ROOT = Path(__file__).resolve().parent.parent


def test_marked_topics_get_a_consultant_button_in_both_languages() -> None:
    kb = load_knowledge_base(ROOT / "kb")
    marked = [e.id for e in kb.published() if e.needs_consultant]
    assert "business_succession" in marked
    responses = yaml.safe_load(render_domain(kb))["responses"]
    polish, english = responses["utter_faq/business_succession"][:2]
    assert polish["buttons"] == [
        {"title": "Rozmowa z konsultantem", "payload": '/request_human{{"handoff_reason":"kb_topic"}}'}
    ]
    assert english["buttons"][0]["title"] == "Talk to a consultant"
    assert "buttons" not in responses["utter_faq/registration_cost"][0]
    generated = yaml.safe_load((ROOT / "domain" / "faq.generated.yml").read_text("utf-8"))["responses"]
    assert generated["utter_faq/business_succession"][0]["buttons"] == polish["buttons"]


def test_the_flag_is_optional_and_checked() -> None:
    problems: list = []
    base = {"id": "x_topic", "title": {"pl": "a", "en": "b"}}
    assert entry_from_mapping(base, "start", "here", problems).needs_consultant is False
    assert entry_from_mapping({**base, "needs_consultant": "tak"}, "start", "here", problems).needs_consultant is True
    assert problems == []
    entry_from_mapping({**base, "needs_consultant": "maybe"}, "start", "here", problems)
    assert [p.message for p in problems] == ["`needs_consultant` must be true or false, got 'maybe'"]
