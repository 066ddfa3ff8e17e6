"""The compiled action-response check accepts and rejects exactly what Rasa's own check does."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from runtime import action_validation

RASA_CHECK = RemoteAction._validate_action_result  # noqa: SLF001 (captured before any install)

RESPONSES: list[Dict[str, Any]] = [
    {"events": [{"event": "slot", "name": "language", "value": "pl", "timestamp": None}], "responses": []},
    {"events": [], "responses": [{"response": "utter_greet", "text": None, "buttons": []}]},
    {"events": [{"event": "followup", "name": "action_listen"}]},
    {},
    {"events": "not a list"},
    {"events": [{"name": "no event type"}]},
    {"events": [{"event": "slot", "name": "language", "value": "pl"}], "responses": "not a list"},
]


def _outcome(check: Any, response: Dict[str, Any]) -> str:
    try:
        return str(check(RemoteAction("action_x", None), response))
    except ValidationError as error:
        return f"ValidationError: {error.message}"


@pytest.mark.parametrize("response", RESPONSES)
def test_same_verdict_and_message_as_rasa(response: Dict[str, Any]) -> None:
    assert _outcome(action_validation.validate_action_result, response) == _outcome(RASA_CHECK, response)


def test_install_replaces_rasa_check_and_compiles_the_schema_once() -> None:
    try:
        action_validation.install()
        action_validation._validator.cache_clear()  # noqa: SLF001
        action = RemoteAction("action_x", None)
        for _ in range(3):
            assert action._validate_action_result(RESPONSES[0]) is True  # noqa: SLF001
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result(RESPONSES[4])  # noqa: SLF001
        assert action_validation._validator.cache_info().misses == 1  # noqa: SLF001
    finally:
        RemoteAction._validate_action_result = RASA_CHECK  # noqa: SLF001
