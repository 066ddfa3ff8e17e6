"""The form's fields in the order they are asked: slot names, labels and the words users use for them.

The order here is the order of `required_slots` in domain/registration.yml; the labels name a
field in short messages ("Zmieniono: e-mail"), the keywords find the field in "zmień e-mail" /
"change the e-mail" (compared without diacritics, longest phrase first).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Tuple


@dataclass(frozen=True)
class Field:
    slot: str
    label_pl: str
    label_en: str
    keywords: Tuple[str, ...]

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_pl


FIELDS: Tuple[Field, ...] = (
    Field(
        "reg_first_name", "imię", "first name", ("imie", "imienia", "imiona", "first name", "given name", "forename")
    ),
    Field("reg_last_name", "nazwisko", "last name", ("nazwisko", "nazwiska", "last name", "surname", "family name")),
    Field("reg_pesel", "PESEL", "PESEL", ("pesel", "numer pesel", "pesel number")),
    Field(
        "reg_email",
        "e-mail",
        "e-mail",
        (
            "e-mail",
            "email",
            "mail",
            "maila",
            "e-maila",
            "emaila",
            "adres e-mail",
            "adres mailowy",
            "mailowy",
            "e-mail address",
            "email address",
        ),
    ),
    Field(
        "reg_phone",
        "telefon",
        "phone number",
        (
            "telefon",
            "telefonu",
            "numer telefonu",
            "komorka",
            "komorki",
            "komorkowy",
            "phone",
            "phone number",
            "mobile",
            "telephone",
        ),
    ),
    Field(
        "reg_residence_address",
        "adres zamieszkania",
        "home address",
        (
            "adres zamieszkania",
            "zamieszkania",
            "adres domowy",
            "home address",
            "residence",
            "residence address",
            "residential address",
            "address where i live",
        ),
    ),
    Field(
        "reg_business_address",
        "adres firmy",
        "business address",
        (
            "adres firmy",
            "adres dzialalnosci",
            "adres prowadzenia dzialalnosci",
            "adres wykonywania",
            "miejsce wykonywania",
            "business address",
            "company address",
            "office address",
        ),
    ),
    Field(
        "reg_business_name",
        "nazwa firmy",
        "business name",
        (
            "nazwa firmy",
            "nazwe firmy",
            "nazwy firmy",
            "nazwa",
            "nazwe",
            "business name",
            "company name",
            "firm name",
            "trading name",
            "name of the business",
        ),
    ),
    Field(
        "reg_pkd_main",
        "główny kod PKD",
        "main PKD code",
        (
            "glowny kod",
            "glowny kod pkd",
            "glowny pkd",
            "glownego pkd",
            "kod pkd",
            "pkd",
            "main pkd",
            "main pkd code",
            "main code",
            "main activity",
            "activity code",
        ),
    ),
    Field(
        "reg_pkd_extra",
        "dodatkowe kody PKD",
        "additional PKD codes",
        (
            "dodatkowe kody",
            "dodatkowe kody pkd",
            "dodatkowe pkd",
            "dodatkowych kodow",
            "dodatkowe",
            "additional codes",
            "additional pkd",
            "additional pkd codes",
            "extra codes",
            "extra pkd",
        ),
    ),
    Field(
        "reg_start_date",
        "data rozpoczęcia",
        "start date",
        (
            "data rozpoczecia",
            "date rozpoczecia",
            "daty rozpoczecia",
            "data",
            "date",
            "start date",
            "starting date",
            "date of start",
        ),
    ),
    Field(
        "reg_tax_form",
        "forma opodatkowania",
        "tax form",
        (
            "forma opodatkowania",
            "forme opodatkowania",
            "opodatkowanie",
            "podatek",
            "podatku",
            "tax form",
            "form of taxation",
            "taxation",
            "tax",
        ),
    ),
    Field(
        "reg_zus",
        "składki ZUS",
        "ZUS contributions",
        ("zus", "skladki", "skladek", "skladki zus", "ubezpieczenie", "contributions", "social insurance"),
    ),
    Field("reg_nip", "NIP", "NIP", ("nip", "numer nip", "tax id", "tax number", "tax identification number")),
    Field("reg_regon", "REGON", "REGON", ("regon", "numer regon")),
)

FIELDS_BY_SLOT: Dict[str, Field] = {field.slot: field for field in FIELDS}
CONFIRM_SLOT = "reg_confirmed"
FORM_SLOTS: Tuple[str, ...] = tuple(field.slot for field in FIELDS) + (CONFIRM_SLOT,)
OPTIONAL_SLOTS = frozenset({"reg_regon"})  # asked only when the user already has a NIP
# Bookkeeping slots of the registration, cleared together with the form's fields.
SUGGESTIONS_SLOT = "reg_pkd_suggestions"
# Free-text answers (names, addresses, the business name) cannot be told apart from a question by
# their form, so for them the NLU intent decides: an FAQ question is not taken as the answer and
# the rule "FAQ during the form" answers it (not_intent: faq in domain/registration.yml). Every
# other field has a strict format, so a valid answer is accepted whatever the NLU thought, and a
# message that is not valid but is a question gets its FAQ answer from the validation action.
FREE_TEXT_SLOTS = frozenset(
    {
        "reg_first_name",
        "reg_last_name",
        "reg_residence_address",
        "reg_business_address",
        "reg_business_name",
    }
)
