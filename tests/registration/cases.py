"""One bad answer per error code, shared by the validator tests and the response-rendering tests."""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Dict, List, Tuple

from actions.registration.checks import FormState, check
from actions.registration.results import Invalid, Result
from actions.registration.status import validate_pesel_digits, validate_reference
from tests.registration.support import broken_checksum, make_pesel, with_check_digit

TODAY = date(2026, 11, 22)
ADULT_PESEL = make_pesel(date(1985, 3, 12))
STATE = FormState(
    {
        "reg_first_name": "Jan",
        "reg_last_name": "Kowalski",
        "reg_residence_address": {"street": "Długa", "number": "5/3", "postal_code": "00-238", "city": "Warszawa"},
        "reg_pkd_main": "47.91.Z",
    },
    TODAY,
)


def field(slot: str) -> Callable[[Any], Result]:
    return lambda value: check(slot, value, STATE)


# (validator, bad input, expected error code)
ERROR_CASES: List[Tuple[Callable[[Any], Result], Any, str]] = [
    (field("reg_first_name"), "J4n", "first_name_chars"),
    (field("reg_first_name"), "A" * 61, "first_name_length"),
    (field("reg_last_name"), "Kowal$ki", "last_name_chars"),
    (field("reg_last_name"), "", "last_name_length"),
    (field("reg_pesel"), "4405140135O", "pesel_chars"),
    (field("reg_pesel"), ADULT_PESEL[:10], "pesel_length"),
    (field("reg_pesel"), broken_checksum(ADULT_PESEL), "pesel_checksum"),
    (field("reg_pesel"), with_check_digit("8513311234"), "pesel_birth_date"),  # 31st of a 13th month
    (field("reg_pesel"), make_pesel(date(2010, 5, 1)), "pesel_minor"),
    (field("reg_email"), "jan.kowalski.example.com", "email_missing_at"),
    (field("reg_email"), "jan@example", "email_invalid"),
    (field("reg_phone"), "60123456", "phone_length"),
    (field("reg_phone"), "tel. 60x", "phone_invalid"),
    (field("reg_phone"), "+49 30 1234567", "phone_not_polish"),
    (field("reg_residence_address"), "ul. Długa 5, Warszawa", "address_postal_code_missing"),
    (field("reg_residence_address"), "ul. Długa 5, 0-238 Warszawa", "address_postal_code_format"),
    (field("reg_residence_address"), "ul. Długa, 00-238 Warszawa", "address_number_missing"),
    (field("reg_residence_address"), "5, 00-238 Warszawa", "address_street_missing"),
    (field("reg_residence_address"), "ul. Długa 5, 00-238", "address_city_missing"),
    (field("reg_residence_address"), "ul. Długa 5, 00-238 Warszawa " + "x" * 300, "too_long"),
    (field("reg_business_name"), "Usługi Informatyczne", "business_name_owner"),
    (field("reg_business_name"), "Jan Kowalski " + "x" * 600, "business_name_length"),
    (field("reg_pkd_main"), "47.9", "pkd_format"),
    (field("reg_pkd_main"), "99.99.Z", "pkd_unknown"),
    (field("reg_pkd_main"), "qwerty zxcvb", "pkd_no_match"),
    (field("reg_start_date"), "kiedyś", "start_date_unparsed"),
    (field("reg_start_date"), "2026-11-01", "start_date_past"),
    (field("reg_start_date"), "2028-01-01", "start_date_too_far"),
    (field("reg_tax_form"), "nie wiem", "tax_form_choice"),
    (field("reg_zus"), "coś innego", "zus_choice"),
    (field("reg_nip"), "NIP12345ABC", "nip_chars"),
    (field("reg_nip"), "123456321", "nip_length"),
    (field("reg_nip"), "1234563219", "nip_checksum"),
    (field("reg_regon"), "12345678X", "regon_chars"),
    (field("reg_regon"), "1234567", "regon_length"),
    (field("reg_regon"), "123456786", "regon_checksum"),
    (validate_reference, "ABC-123", "reference_format"),
    (validate_pesel_digits, "12", "pesel_digits_format"),
]

# Codes produced outside the field validators (the summary's yes/no question).
OTHER_CODES = {"confirm_choice"}


def error_result(case: Tuple[Callable[[Any], Result], Any, str]) -> Invalid:
    validator, value, _ = case
    result = validator(value)
    assert isinstance(result, Invalid), f"{value!r} was accepted: {result}"
    return result


def case_id(case: Tuple[Callable[[Any], Result], Any, str]) -> str:
    return case[2]


def params_of(code: str) -> Dict[str, Any]:
    """The parameters the validator gives for `code` (from its case)."""
    for case in ERROR_CASES:
        if case[2] == code:
            return dict(error_result(case).params)
    return {}
