"""Corrections ("zmień e-mail") and what a changed answer changes elsewhere in the form."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from actions.registration.checks import FormState, check, outcome_for
from actions.registration.corrections import Correction, parse_correction, slot_for
from tests.registration.cases import STATE, TODAY


@pytest.mark.parametrize(
    "text, expected",
    [
        ("zmień e-mail", Correction("reg_email")),
        ("zmien mail", Correction("reg_email")),
        ("change the e-mail", Correction("reg_email")),
        ("Zmień e-mail na Jan@Example.com", Correction("reg_email", "Jan@Example.com")),
        ("change my phone number to 601 234 567", Correction("reg_phone", "601 234 567")),
        ("popraw datę rozpoczęcia na 1 grudnia", Correction("reg_start_date", "1 grudnia")),
        ("zmień adres firmy", Correction("reg_business_address")),
        ("zmień nazwę firmy", Correction("reg_business_name")),
        ("zmień dodatkowe kody PKD", Correction("reg_pkd_extra")),
        ("zmień kod PKD na 62.01.Z", Correction("reg_pkd_main", "62.01.Z")),
        ("change the tax form to flat tax", Correction("reg_tax_form", "flat tax")),
    ],
)
def test_correction_requests(text: str, expected: Correction) -> None:
    assert parse_correction(text) == expected


def test_ambiguous_correction_names_no_field() -> None:
    assert parse_correction("zmień adres") is None
    assert parse_correction("chcę coś zmienić") is None


# training examples of `correct_field` that name no field on purpose (the action asks which one)
GENERIC_CORRECTIONS = {
    "chcę coś zmienić",
    "chcę poprawić dane",
    "muszę coś poprawić we wniosku",
    "zmień dane",
    "I want to change something",
    "I need to correct my details",
    "edit the application",
}


def test_every_correction_example_names_a_field_the_action_reads() -> None:
    """DIET tags no entity (config.yml), so the action reads the field from the text alone: a new
    training example must use a wording `parse_correction` knows, or be listed as generic above."""
    nlu = yaml.safe_load((Path(__file__).parents[2] / "data" / "nlu" / "registration.yml").read_text("utf-8"))["nlu"]
    examples = [
        line[2:].strip()
        for block in nlu
        if block.get("intent") == "correct_field"
        for line in block["examples"].splitlines()
        if line.startswith("- ")
    ]
    assert len(examples) > 40
    unread = [text for text in examples if parse_correction(text) is None and text not in GENERIC_CORRECTIONS]
    assert unread == []
    assert all(parse_correction(text) is None for text in GENERIC_CORRECTIONS)


def test_entity_values_map_to_slots() -> None:
    assert slot_for("reg_email") == slot_for("mail") == slot_for("E-mail") == "reg_email"
    assert slot_for(None) is None and slot_for("coś") is None


def test_same_business_address_copies_the_home_address() -> None:
    result = check("reg_business_address", "taki sam", STATE)
    assert result.value == {**STATE.get("reg_residence_address"), "same_as_residence": True}


def test_new_home_address_moves_a_same_business_address_along() -> None:
    business = {**STATE.get("reg_residence_address"), "same_as_residence": True}
    state = FormState({**STATE.slots, "reg_business_address": business}, TODAY)
    result = check("reg_residence_address", "Krótka 1, 00-100 Warszawa", state)
    values = outcome_for("reg_residence_address", result, state).values
    assert values["reg_business_address"]["street"] == "Krótka"
    assert values["reg_business_address"]["same_as_residence"] is True


def test_new_last_name_invalidates_the_business_name() -> None:
    state = FormState({**STATE.slots, "reg_business_name": "Jan Kowalski IT"}, TODAY)
    outcome = outcome_for("reg_last_name", check("reg_last_name", "Nowak", state), state)
    assert outcome.values == {"reg_last_name": "Nowak", "reg_business_name": None}
    assert outcome.notices == [("utter_reg_business_name_reset", {"first_name": "Jan", "last_name": "Nowak"})]


def test_main_code_removed_from_extras() -> None:
    state = FormState({**STATE.slots, "reg_pkd_extra": ["62.01.Z", "47.71.Z"]}, TODAY)
    values = outcome_for("reg_pkd_main", check("reg_pkd_main", "62.01.Z", state), state).values
    assert values == {"reg_pkd_main": "62.01.Z", "reg_pkd_extra": ["47.71.Z"]}


def test_no_nip_clears_regon_and_suggestions_are_remembered() -> None:
    state = FormState({**STATE.slots, "reg_regon": "123456785"}, TODAY)
    assert outcome_for("reg_nip", check("reg_nip", "nie mam", state), state).values == {
        "reg_nip": "none",
        "reg_regon": None,
    }
    values = outcome_for("reg_pkd_main", check("reg_pkd_main", "fryzjer", state), state).values
    assert values["reg_pkd_main"] is None and values["reg_pkd_suggestions"][0] == "96.02.Z"
