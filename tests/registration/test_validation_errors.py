"""Every error code: produced by its bad input, and explained by its response in both languages."""

from __future__ import annotations

import asyncio
from typing import Any, Dict

import pytest
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from actions.registration.readback import render_params
from tests.registration.cases import ERROR_CASES, OTHER_CODES, case_id, error_result, params_of
from tests.registration.support import domain

PREFIX = "utter_reg_invalid_"


@pytest.mark.parametrize("case", ERROR_CASES, ids=case_id)
def test_bad_input_gets_its_specific_error(case: Any) -> None:
    assert error_result(case).code == case[2]


def test_every_error_response_has_a_case_and_every_case_a_response() -> None:
    responses = {name[len(PREFIX) :] for name in domain().responses if name.startswith(PREFIX)}
    codes = {case[2] for case in ERROR_CASES} | OTHER_CODES
    assert responses == codes


def render(response: str, language: str, variables: Dict[str, Any]) -> str:
    tracker = DialogueStateTracker.from_events("t", [SlotSet("language", language)], slots=domain().slots)
    nlg = TemplatedNaturalLanguageGenerator(domain().responses)
    message = asyncio.run(nlg.generate(response, tracker, "rest", **variables))
    assert message is not None, response
    return message["text"]


@pytest.mark.parametrize("code", sorted({case[2] for case in ERROR_CASES} | OTHER_CODES))
def test_error_message_renders_in_polish_and_english(code: str) -> None:
    params = params_of(code)
    polish = render(PREFIX + code, "pl", render_params(params, "pl"))
    english = render(PREFIX + code, "en", render_params(params, "en"))
    assert polish != english
    for text in (polish, english):
        assert "{" not in text and "}" not in text, text
    for value in render_params(params, "pl").values():
        assert str(value) in polish


def test_pesel_length_message_says_how_many_digits_were_given() -> None:
    params = params_of("pesel_length")
    assert params == {"count": 10}
    assert render(PREFIX + "pesel_length", "pl", params) == "PESEL ma 11 cyfr, a podano 10."
