"""What a field validator returns: a normalised value, an error, or options to choose from.

Errors carry a code (the response `utter_reg_invalid_<code>` explains it to the user) and the
parameters that response needs, so validators stay free of language and of Rasa.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Union


@dataclass(frozen=True)
class Valid:
    value: Any
    # Other slots the same answer filled (e.g. extra PKD codes typed together with the main one).
    also: Dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Invalid:
    code: str
    params: Dict[str, Any] = field(default_factory=dict)

    @property
    def response(self) -> str:
        return f"utter_reg_invalid_{self.code}"


@dataclass(frozen=True)
class ChoiceOption:
    value: str
    label: str


@dataclass(frozen=True)
class Choose:
    """The answer was understood as a search; the user picks one of `options`."""

    query: str
    options: List[ChoiceOption]


Result = Union[Valid, Invalid, Choose]
