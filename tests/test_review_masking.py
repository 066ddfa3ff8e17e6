"""The analysts' masker on tricky inputs: grouped digits, digits inside words, look-alikes left alone."""

from __future__ import annotations

import pytest

from services.review.masking import mask_personal_data

CASES = [
    ("mój pesel to 44051401359", "mój pesel to [PESEL]"),
    ("PESEL: 440-514-013-59, pilne", "PESEL: [PESEL], pilne"),
    ("pesel44051401359", "pesel[PESEL]"),
    ("pesel 4405 1401 359?", "pesel [PESEL]?"),
    ("NIP 123-456-32-18", "NIP [NIP]"),
    ("nip1234563218 firmy", "nip[NIP] firmy"),
    ("regon 123456785", "regon [REGON]"),
    ("zadzwoń 600 123 456", "zadzwoń [PHONE]"),
    ("tel.+48 600-123-456 po 16", "tel.[PHONE] po 16"),
    ("tel600123456a", "tel[PHONE]a"),
    ("0048600123456", "[PHONE]"),
    ("22 123 45 67 to numer biura", "[PHONE] to numer biura"),
    ("konto PL61 1090 1014 0000 0712 1981 2874", "konto [IBAN]"),
    ("konto 61109010140000071219812874", "konto [IBAN]"),
    ("przelew na PL61109010140000071219812874!", "przelew na [IBAN]!"),
    ("dowód ABA300000", "dowód [ID_CARD]"),
    ("dowód aba 300000", "dowód [ID_CARD]"),
    ("dowódaba300000", "dowód[ID_CARD]"),
    ("pisz na jan.kowalski+firma@example.com.pl", "pisz na [EMAIL]"),
    # look-alikes that are not personal: amounts, dates, postal codes, years, short numbers
    ("limit 240 000 zł w 2026 roku", "limit 240 000 zł w 2026 roku"),
    ("termin 2026-12-01, kod 00-950", "termin 2026-12-01, kod 00-950"),
    ("formularz abc123456 nie istnieje", "formularz abc123456 nie istnieje"),
    ("PIT-36L i ZUS DRA", "PIT-36L i ZUS DRA"),
]


@pytest.mark.parametrize(("raw", "masked"), CASES)
def test_masker(raw: str, masked: str) -> None:
    assert mask_personal_data(raw) == masked


def test_names_typed_into_the_registration_form_are_masked_inflected_and_folded() -> None:
    names = ["Zdzisław", "Brzęczyszczykiewicz"]
    text = "Zdzisław Brzeczyszczykiewicz pyta o firmę Brzęczyszczykiewicza; zdzislaw"
    assert mask_personal_data(text, names) == "[NAME] [NAME] pyta o firmę [NAME]; [NAME]"
    assert mask_personal_data("jak założyć firmę", names) == "jak założyć firmę"
