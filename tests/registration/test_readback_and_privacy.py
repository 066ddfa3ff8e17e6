"""Reading values back (screen and voice), the summary, and masking personal data in logs."""

from __future__ import annotations

import logging

from actions.registration import readback
from actions.registration.summary import summary_variables
from services.privacy import PersonalDataFilter, mask_email, mask_identifier, redact
from tests.registration.cases import ADULT_PESEL

SLOTS = {
    "reg_first_name": "Jan",
    "reg_last_name": "Kowalski",
    "reg_pesel": ADULT_PESEL,
    "reg_email": "jan@example.com",
    "reg_phone": "+48601234567",
    "reg_residence_address": {"street": "Długa", "number": "5/3", "postal_code": "00-238", "city": "Warszawa"},
    "reg_business_address": {
        "street": "Długa",
        "number": "5/3",
        "postal_code": "00-238",
        "city": "Warszawa",
        "same_as_residence": True,
    },
    "reg_business_name": "Jan Kowalski IT",
    "reg_pkd_main": "62.01.Z",
    "reg_pkd_extra": ["62.02.Z"],
    "reg_start_date": "2026-12-01",
    "reg_tax_form": "flat",
    "reg_zus": "start_relief",
    "reg_nip": "none",
    "reg_regon": None,
}


def test_digits_grouped_on_screen_and_spelled_on_the_phone() -> None:
    assert readback.pesel("44051401359") == "440 514 013 59"
    assert readback.pesel("44051401359", voice=True) == "4 4 0, 5 1 4, 0 1 3, 5 9"
    assert readback.phone("+48601234567") == "+48 601 234 567"
    assert readback.phone("+48601234567", voice=True) == "+48 6 0 1, 2 3 4, 5 6 7"
    assert readback.nip("1234563218") == "123-456-32-18"
    assert readback.reference("REG-2026-4829-1377", voice=True) == "R E G, 2 0 2 6, 4 8 2 9, 1 3 7 7"
    assert readback.day("2026-12-01", "pl") == "1 grudnia 2026"
    assert readback.day("2026-12-01", "en") == "1 December 2026"


def test_summary_in_both_languages() -> None:
    polish, english = summary_variables(SLOTS, "pl"), summary_variables(SLOTS, "en")
    assert polish["business_address"] == "taki sam jak adres zamieszkania"
    assert english["business_address"] == "same as the home address"
    assert polish["tax_form"] == "podatek liniowy (19%)" and english["tax_form"] == "flat tax (19%)"
    assert polish["nip"] == "brak" and english["nip"] == "none"
    assert polish["pkd_main"].startswith("62.01.Z Działalność związana z oprogramowaniem")
    assert polish["start_date"] == "1 grudnia 2026"
    assert summary_variables(SLOTS, "pl", voice=True)["pesel"] == readback.pesel(ADULT_PESEL, voice=True)


def test_masking_helpers() -> None:
    assert mask_identifier("44051401359") == "*********59"
    assert mask_email("jan.kowalski@example.com") == "j***@example.com"
    masked = redact(
        f"PESEL {ADULT_PESEL}, tel +48 601 234 567, NIP 123-456-32-18, jan@example.com, "
        "REG-2026-4829-1377, 2026-12-01, 00-238"
    )
    assert ADULT_PESEL not in masked and "601 234 567" not in masked and "123-456-32-18" not in masked
    assert "jan@example.com" not in masked
    assert "REG-2026-4829-1377" in masked and "2026-12-01" in masked and "00-238" in masked


def test_log_filter_masks_arguments(caplog) -> None:
    logger = logging.getLogger("tests.registration.masked")
    logger.addFilter(PersonalDataFilter())
    with caplog.at_level(logging.INFO, logger=logger.name):
        logger.info("user %s gave %s", "jan@example.com", ADULT_PESEL)
    assert caplog.records and ADULT_PESEL not in caplog.text and "jan@example.com" not in caplog.text
