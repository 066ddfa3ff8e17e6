"""Rasa's check of every action server response, with its JSON schema compiled once.

Rasa 3.6 (`RemoteAction._validate_action_result`) calls `jsonschema.validate(response, spec)` for
each custom action it runs. `jsonschema.validate` first checks the *schema itself* against the JSON
Schema 2020-12 meta-schema, every time: about 24 ms per call on this machine, on the server's event
loop (reports/per_message_costs.md), and every message runs at least one custom action
(`action_validate_slot_mappings`). Under load it was the largest single cost per message (py-spy of
`python -m benchmarks.load`, docs/SCALING.md).

`install()` gives `RemoteAction` a method that checks responses against the same schema, with the
same result: `True`, or Rasa's `ValidationError` (the best match, as `jsonschema.validate` raises)
with Rasa's hint appended. Only the meta-schema check moves to the first call (about 0.3 ms per
call after).
"""

from __future__ import annotations

import functools
from typing import Any, Dict

from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_RASA_HINT = (
    ". Failed to validate Action server response from API, make sure your response from the Action "
    f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
)


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    spec = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(spec)
    validator_class.check_schema(spec)  # once per process, as jsonschema.validate does every time
    return validator_class(spec)


def validate_action_result(_action: RemoteAction, result: Dict[str, Any]) -> bool:
    """`RemoteAction._validate_action_result` with the compiled validator."""
    error = exceptions.best_match(_validator().iter_errors(result))
    if error is not None:
        error.message += _RASA_HINT
        raise error
    return True


def install() -> None:
    """Used by `channels.gate.MessageGate` when the server starts (idempotent)."""
    RemoteAction._validate_action_result = validate_action_result  # noqa: SLF001
