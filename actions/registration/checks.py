"""One entry point for validating any form field, and what a new value changes elsewhere.

Used by the form's validation action and by the correction action, so a value typed in
"zmień e-mail na ..." is checked exactly like one typed when the form asked for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Dict, List, Mapping, Tuple

from actions.registration.address import parse_address
from actions.registration.choices import TAX_FORM_OPTIONS, ZUS_OPTIONS, means_same_address, parse_choice
from actions.registration.contact import validate_email, validate_phone
from actions.registration.dates import validate_start_date
from actions.registration.fields import SUGGESTIONS_SLOT
from actions.registration.identity import validate_business_name, validate_name, validate_pesel
from actions.registration.pkd_field import validate_pkd_extra, validate_pkd_main
from actions.registration.results import Choose, Invalid, Result, Valid
from actions.registration.tax_ids import NONE, validate_nip, validate_regon

SAME_FLAG = "same_as_residence"


@dataclass(frozen=True)
class FormState:
    """The slots as they are now, and today's date in Poland."""

    slots: Mapping[str, Any]
    today: date

    def get(self, slot: str) -> Any:
        return self.slots.get(slot)


@dataclass
class Outcome:
    """Slot values to set, and notices (response name, parameters) to tell the user."""

    values: Dict[str, Any] = field(default_factory=dict)
    notices: List[Tuple[str, Dict[str, Any]]] = field(default_factory=list)


def _business_address(value: Any, state: FormState) -> Result:
    if isinstance(value, dict):
        return Valid(value)
    residence = state.get("reg_residence_address")
    if means_same_address(value) and residence:
        return Valid({**residence, SAME_FLAG: True})
    result = parse_address(value)
    return Valid({**result.value, SAME_FLAG: False}) if isinstance(result, Valid) else result


def _choice(options: tuple, code: str) -> Callable[[Any, FormState], Result]:
    def check(value: Any, _state: FormState) -> Result:
        choice = parse_choice(str(value), options)
        return Valid(choice) if choice else Invalid(code)

    return check


_CHECKS: Dict[str, Callable[[Any, FormState], Result]] = {
    "reg_first_name": lambda v, s: validate_name(v, "first_name"),
    "reg_last_name": lambda v, s: validate_name(v, "last_name"),
    "reg_pesel": lambda v, s: validate_pesel(v, s.today),
    "reg_email": lambda v, s: validate_email(v),
    "reg_phone": lambda v, s: validate_phone(v),
    "reg_residence_address": lambda v, s: Valid(v) if isinstance(v, dict) else parse_address(v),
    "reg_business_address": _business_address,
    "reg_business_name": lambda v, s: validate_business_name(v, s.get("reg_first_name"), s.get("reg_last_name")),
    "reg_pkd_main": lambda v, s: validate_pkd_main(v, s.get(SUGGESTIONS_SLOT), s.get("language") or "pl"),
    "reg_pkd_extra": lambda v, s: validate_pkd_extra(
        v, s.get("reg_pkd_main"), s.get(SUGGESTIONS_SLOT), s.get("language") or "pl"
    ),
    "reg_start_date": lambda v, s: validate_start_date(v, s.today),
    "reg_tax_form": _choice(TAX_FORM_OPTIONS, "tax_form_choice"),
    "reg_zus": _choice(ZUS_OPTIONS, "zus_choice"),
    "reg_nip": lambda v, s: validate_nip(v),
    "reg_regon": lambda v, s: validate_regon(v),
}

CHECKED_SLOTS = frozenset(_CHECKS)


def check(slot: str, value: Any, state: FormState) -> Result:
    """Validate `value` for `slot` given the rest of the form."""
    return _CHECKS[slot](value, state)


def _name_changed(values: Dict[str, Any], state: FormState, outcome: Outcome) -> None:
    """A new first or last name may no longer be contained in the business name."""
    business_name = state.get("reg_business_name")
    if not business_name:
        return
    first = values.get("reg_first_name", state.get("reg_first_name"))
    last = values.get("reg_last_name", state.get("reg_last_name"))
    if isinstance(validate_business_name(business_name, first, last), Invalid):
        outcome.values["reg_business_name"] = None
        outcome.notices.append(("utter_reg_business_name_reset", {"first_name": first, "last_name": last}))


def outcome_for(slot: str, result: Result, state: FormState) -> Outcome:
    """The slot updates a validation result leads to (the value itself and its consequences)."""
    outcome = Outcome()
    if isinstance(result, Choose):
        outcome.values[slot] = None
        outcome.values[SUGGESTIONS_SLOT] = [option.value for option in result.options]
        return outcome
    if isinstance(result, Invalid):
        outcome.values[slot] = None
        return outcome
    outcome.values[slot] = result.value
    outcome.values.update(result.also)
    if state.get(SUGGESTIONS_SLOT) and slot in ("reg_pkd_main", "reg_pkd_extra"):
        outcome.values[SUGGESTIONS_SLOT] = None
    if slot in ("reg_first_name", "reg_last_name"):
        _name_changed(outcome.values, state, outcome)
    elif slot == "reg_residence_address":
        business = state.get("reg_business_address")
        if isinstance(business, dict) and business.get(SAME_FLAG):
            outcome.values["reg_business_address"] = {**result.value, SAME_FLAG: True}
    elif slot == "reg_pkd_main":
        extra = outcome.values.get("reg_pkd_extra", state.get("reg_pkd_extra"))
        if isinstance(extra, list) and result.value in extra:
            outcome.values["reg_pkd_extra"] = [code for code in extra if code != result.value]
    elif slot == "reg_nip" and result.value == NONE:
        outcome.values["reg_regon"] = None
    return outcome


def regon_needed(slots: Mapping[str, Any]) -> bool:
    """REGON is asked only of people who already have a NIP (and so, usually, a REGON)."""
    nip = slots.get("reg_nip")
    return bool(nip) and nip != NONE


__all__ = ["CHECKED_SLOTS", "FormState", "Outcome", "SAME_FLAG", "check", "outcome_for", "regon_needed"]
