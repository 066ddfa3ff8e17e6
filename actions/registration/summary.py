"""The values shown in the summary before submission, formatted for reading (or listening)."""

from __future__ import annotations

from typing import Any, Dict, Mapping

from actions.registration import readback
from actions.registration.checks import SAME_FLAG
from actions.registration.choices import TAX_FORM_OPTIONS, ZUS_OPTIONS, option_label
from actions.registration.pkd_field import option_label as pkd_label
from actions.registration.tax_ids import NONE


def _word(language: str, pl: str, en: str) -> str:
    return en if language == "en" else pl


def summary_variables(slots: Mapping[str, Any], language: str, voice: bool = False) -> Dict[str, str]:
    """Variables of `utter_reg_summary`, one per field."""
    none = _word(language, "brak", "none")
    business = slots["reg_business_address"]
    extra = slots.get("reg_pkd_extra") or []
    nip, regon = slots.get("reg_nip"), slots.get("reg_regon")
    return {
        "first_name": slots["reg_first_name"],
        "last_name": slots["reg_last_name"],
        "pesel": readback.pesel(slots["reg_pesel"], voice),
        "email": slots["reg_email"],
        "phone": readback.phone(slots["reg_phone"], voice),
        "residence_address": readback.address(slots["reg_residence_address"], voice),
        "business_address": (
            _word(language, "taki sam jak adres zamieszkania", "same as the home address")
            if business.get(SAME_FLAG)
            else readback.address(business, voice)
        ),
        "business_name": slots["reg_business_name"],
        "pkd_main": pkd_label(slots["reg_pkd_main"], language),
        "pkd_extra": ", ".join(extra) if extra else none,
        "start_date": readback.day(slots["reg_start_date"], language),
        "tax_form": option_label(TAX_FORM_OPTIONS, slots["reg_tax_form"], language),
        "zus": option_label(ZUS_OPTIONS, slots["reg_zus"], language),
        "nip": readback.nip(nip, voice) if nip and nip != NONE else none,
        "regon": readback.regon(regon, voice) if regon and regon != NONE else none,
    }
