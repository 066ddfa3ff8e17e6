"""The CEIDG-1 data of an application: one catalogue of fields, documents and rejection reasons.

Each field has the key the console and the decision records use, the registration form's slot
(so "needs information" reopens the form for exactly that slot), an English label for staff, and
its name in the export (following the official form's rubric names, see docs/BACKOFFICE.md).
Short Polish/English labels for the applicant are here too; sentences live in domain responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

from services.storage.models import Application


@dataclass(frozen=True)
class FieldInfo:
    key: str
    slot: str  # the registration form's slot (actions/registration/fields.py)
    label: str  # for staff
    label_pl: str  # for the applicant
    label_en: str

    def applicant_label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_pl


FIELDS: Tuple[FieldInfo, ...] = (
    FieldInfo("first_name", "reg_first_name", "First name", "imię", "first name"),
    FieldInfo("last_name", "reg_last_name", "Last name", "nazwisko", "last name"),
    FieldInfo("pesel", "reg_pesel", "PESEL", "PESEL", "PESEL"),
    FieldInfo("nip", "reg_nip", "NIP", "NIP", "NIP"),
    FieldInfo("regon", "reg_regon", "REGON", "REGON", "REGON"),
    FieldInfo("email", "reg_email", "E-mail", "e-mail", "e-mail"),
    FieldInfo("phone", "reg_phone", "Phone", "telefon", "phone number"),
    FieldInfo("residence_address", "reg_residence_address", "Home address", "adres zamieszkania", "home address"),
    FieldInfo("business_address", "reg_business_address", "Business address", "adres firmy", "business address"),
    FieldInfo("business_name", "reg_business_name", "Business name", "nazwa firmy", "business name"),
    FieldInfo("pkd_main", "reg_pkd_main", "Main PKD code", "główny kod PKD", "main PKD code"),
    FieldInfo("pkd_extra", "reg_pkd_extra", "Other PKD codes", "dodatkowe kody PKD", "additional PKD codes"),
    FieldInfo("start_date", "reg_start_date", "Start date", "data rozpoczęcia", "start date"),
    FieldInfo("tax_form", "reg_tax_form", "Form of taxation", "forma opodatkowania", "tax form"),
    FieldInfo("zus_option", "reg_zus", "ZUS contributions", "składki ZUS", "ZUS contributions"),
)
FIELDS_BY_KEY: Dict[str, FieldInfo] = {f.key: f for f in FIELDS}


@dataclass(frozen=True)
class DocumentInfo:
    key: str
    label: str
    label_pl: str
    label_en: str

    def applicant_label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_pl


DOCUMENTS: Tuple[DocumentInfo, ...] = (
    DocumentInfo("identity_document", "Identity document", "dowód osobisty lub paszport", "ID card or passport"),
    DocumentInfo("signed_application", "Signed application", "podpisany wniosek", "signed application"),
    DocumentInfo("power_of_attorney", "Power of attorney", "pełnomocnictwo", "power of attorney"),
    DocumentInfo("premises_title", "Title to the premises", "tytuł prawny do lokalu", "title to the premises"),
    DocumentInfo("permit", "Permit or licence", "zezwolenie lub licencja", "permit or licence"),
)
DOCUMENTS_BY_KEY: Dict[str, DocumentInfo] = {d.key: d for d in DOCUMENTS}


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    label_pl: str
    label_en: str

    def applicant_label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_pl


REJECTION_REASONS: Tuple[Reason, ...] = (
    Reason(
        "identity_mismatch",
        "Identity data do not match",
        "dane osobowe niezgodne z rejestrem PESEL",
        "the personal data do not match the PESEL register",
    ),
    Reason(
        "activity_not_allowed",
        "Activity not allowed as a sole proprietorship",
        "tej działalności nie można prowadzić jako jednoosobowej firmy",
        "this activity cannot be run as a sole proprietorship",
    ),
    Reason(
        "already_registered",
        "Already registered in CEIDG",
        "firma jest już wpisana do CEIDG",
        "the business is already registered in CEIDG",
    ),
    Reason(
        "information_not_provided",
        "Missing information not provided",
        "brakujące informacje nie zostały uzupełnione",
        "the missing information was not provided",
    ),
    Reason(
        "invalid_documents",
        "Documents invalid or illegible",
        "dokumenty są nieważne lub nieczytelne",
        "the documents are invalid or illegible",
    ),
    Reason("other", "Other (see the note)", "inny powód", "another reason"),
)
REASONS_BY_CODE: Dict[str, Reason] = {r.code: r for r in REJECTION_REASONS}


def _address(application: Application, prefix: str) -> Dict[str, str]:
    return {part: getattr(application, f"{prefix}_{part}") for part in ("street", "number", "postal_code", "city")}


def address_text(address: Dict[str, Any]) -> str:
    if not address or not address.get("street"):
        return ""
    return f"{address['street']} {address['number']}, {address['postal_code']} {address['city']}"


def field_values(application: Application) -> Dict[str, Any]:
    """Every field as stored (addresses as dicts, codes as lists), by catalogue key."""
    business = _address(application, "business")
    return {
        "first_name": application.first_name,
        "last_name": application.last_name,
        "pesel": application.pesel,
        "nip": application.nip,
        "regon": application.regon,
        "email": application.email,
        "phone": application.phone,
        "residence_address": _address(application, "residence"),
        "business_address": {**business, "same_as_residence": bool(application.business_same_as_residence)},
        "business_name": application.business_name,
        "pkd_main": application.pkd_main,
        "pkd_extra": list(application.pkd_extra),
        "start_date": application.start_date.isoformat() if application.start_date else None,
        "tax_form": application.tax_form.value if application.tax_form else None,
        "zus_option": application.zus_option.value if application.zus_option else None,
    }


def display_values(application: Application) -> List[Tuple[FieldInfo, str]]:
    """(field, text as the user gave it) for the application view."""
    values = field_values(application)
    shown = []
    for info in FIELDS:
        value = values[info.key]
        if info.key in ("residence_address", "business_address"):
            text = address_text(value)
            if info.key == "business_address" and value.get("same_as_residence"):
                text += " (same as home)"
        elif isinstance(value, list):
            text = ", ".join(value) or "—"
        else:
            text = "—" if value in (None, "", "none") else str(value)
        shown.append((info, text))
    return shown


# PKD 2007 sections by division (the first two digits of a code), as in the classification's tables.
_SECTIONS: Tuple[Tuple[int, int, str], ...] = (
    (1, 3, "A"),
    (5, 9, "B"),
    (10, 33, "C"),
    (35, 35, "D"),
    (36, 39, "E"),
    (41, 43, "F"),
    (45, 47, "G"),
    (49, 53, "H"),
    (55, 56, "I"),
    (58, 63, "J"),
    (64, 66, "K"),
    (68, 68, "L"),
    (69, 75, "M"),
    (77, 82, "N"),
    (84, 84, "O"),
    (85, 85, "P"),
    (86, 88, "Q"),
    (90, 93, "R"),
    (94, 96, "S"),
    (97, 98, "T"),
    (99, 99, "U"),
)
PKD_SECTIONS: Tuple[str, ...] = tuple(section for _, _, section in _SECTIONS)


def pkd_section(code: str | None) -> str | None:
    """'62.01.Z' -> 'J' (the section of the code's division)."""
    if not code or not code[:2].isdigit():
        return None
    division = int(code[:2])
    return next((section for low, high, section in _SECTIONS if low <= division <= high), None)
