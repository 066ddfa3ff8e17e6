"""The registration domain agrees with the code: slots, mappings, responses in both languages."""

from __future__ import annotations

from pathlib import Path

import yaml

from actions.registration.fields import FORM_SLOTS, FREE_TEXT_SLOTS
from tests.responses import DOMAIN

REGISTRATION = yaml.safe_load((Path(DOMAIN) / "registration.yml").read_text("utf-8"))


def test_form_fields_match_the_code() -> None:
    assert tuple(REGISTRATION["forms"]["registration_form"]["required_slots"]) == FORM_SLOTS


def test_slots_are_prefixed() -> None:
    assert all(name.startswith("reg_") for name in REGISTRATION["slots"])


def test_faq_interrupts_free_text_fields_only() -> None:
    for slot in FORM_SLOTS:
        text_mappings = [m for m in REGISTRATION["slots"][slot]["mappings"] if m["type"] == "from_text"]
        assert len(text_mappings) == 1, slot
        mapping = text_mappings[0]
        assert ("faq" in mapping["not_intent"]) == (slot in FREE_TEXT_SLOTS), slot
        assert {"cancel", "request_human", "change_language", "correct_field"} <= set(mapping["not_intent"])
        assert mapping["conditions"] == [{"active_loop": "registration_form", "requested_slot": slot}]


def test_every_form_slot_has_a_question() -> None:
    for slot in FORM_SLOTS:
        assert f"utter_ask_{slot}" in REGISTRATION["responses"] or f"action_ask_{slot}" in REGISTRATION["actions"]


def test_every_response_has_polish_default_and_english_variation() -> None:
    for name, variations in REGISTRATION["responses"].items():
        defaults = [v for v in variations if not v.get("condition")]
        english = [v for v in variations if v.get("condition") == [{"type": "slot", "name": "language", "value": "en"}]]
        assert len(defaults) == 1 and len(english) == 1, name
        assert bool(defaults[0].get("buttons")) == bool(english[0].get("buttons")), name
