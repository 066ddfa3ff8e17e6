"""Polish postal addresses typed on one line: "ul. Długa 5/3, 00-238 Warszawa".

The street part may come before or after the number ("12 Long St" is how English speakers type
it); villages without streets are written as "Zalesie 12, 05-500 Piaseczno" and stored with the
village in the street field, as CEIDG prints them. Postal codes are NN-NNN ("00238" is accepted).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Dict

from actions.registration.results import Invalid, Result, Valid
from actions.registration.text_input import strip_lead_in, too_long

_POSTAL_RE = re.compile(r"(?<![\d/\-])(\d{2})\s?[-–—]\s?(\d{3})(?![\d/\-])")
_POSTAL_COMPACT_RE = re.compile(r"(?<![\d/\-])(\d{2})(\d{3})(?![\d/\-])")
# A code typed wrongly: digits-dash-digits that are not NN-NNN ("0-001", "00-01", "000-001").
_POSTAL_ATTEMPT_RE = re.compile(r"(?<![\d/])(\d{1,4}\s?[-–—]\s?\d{1,4})(?![\d/])")
_FLAT_MARK = r"\s*(?:[/\\]|\bm\.?|\blok\.?|\bapt\.?|\bflat)\s*"
_NUMBER = r"\d+\s?[A-Za-z]?(?:-\d+[A-Za-z]?)?(?:" + _FLAT_MARK + r"\d+\s?[A-Za-z]?)?"
_STREET_THEN_NUMBER_RE = re.compile(r"^(?P<street>.*?[^\W\d_].*?)\s*(?P<number>" + _NUMBER + r")$")
_NUMBER_THEN_STREET_RE = re.compile(r"^(?P<number>" + _NUMBER + r")\s+(?P<street>.*[^\W\d_].*)$")
_STREET_PREFIX_RE = re.compile(r"^(?:ul\.?|ulica|street|st\.)\s*", re.IGNORECASE)
_COUNTRY_SUFFIX_RE = re.compile(r"[,\s]+(?:polska|poland|pl)$", re.IGNORECASE)
_LEAD_INS = (
    "mieszkam przy",
    "mieszkam na",
    "mieszkam w",
    "mieszkam",
    "mój adres to",
    "adres zamieszkania",
    "adres firmy",
    "adres",
    "firma będzie pod adresem",
    "pod adresem",
    "my address is",
    "i live at",
    "i live in",
    "address",
    "it's",
)
_SEPARATORS = " ,;"


@dataclass(frozen=True)
class Address:
    street: str
    number: str
    postal_code: str
    city: str

    def as_slot(self) -> Dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_slot(cls, value: Dict[str, Any]) -> Address:
        return cls(value["street"], value["number"], value["postal_code"], value["city"])


def _tidy_name(text: str) -> str:
    """'warszawa' -> 'Warszawa'; names typed with capitals are kept."""
    text = re.sub(r"\s+", " ", text).strip(_SEPARATORS + ".")
    return text[:1].upper() + text[1:] if text == text.lower() else text


def _find_postal_code(text: str) -> re.Match | None:
    return _POSTAL_RE.search(text) or _POSTAL_COMPACT_RE.search(text)


def parse_address(raw: str) -> Result:
    """An Address, or the first thing missing or malformed in it."""
    text = re.sub(r"\s+", " ", strip_lead_in(str(raw), _LEAD_INS)).strip(_SEPARATORS)
    if too_long(text):
        return Invalid("too_long")
    text = _COUNTRY_SUFFIX_RE.sub("", text)
    match = _find_postal_code(text)
    if match is None:
        attempt = _POSTAL_ATTEMPT_RE.search(text)
        if attempt:
            return Invalid("address_postal_code_format", {"given": attempt.group(1)})
        return Invalid("address_postal_code_missing")
    postal_code = f"{match.group(1)}-{match.group(2)}"
    before = text[: match.start()].strip(_SEPARATORS)
    after = text[match.end() :].strip(_SEPARATORS)
    if after:
        city, street_part = after, before
    else:  # "Długa 5, Warszawa 00-238": the city is the last segment before the code
        head, _, last = before.rpartition(",")
        city, street_part = (last, head) if head else ("", before)
    city = _tidy_name(city.split(",")[0])
    if not re.search(r"[^\W\d_]", city):
        return Invalid("address_city_missing")
    street_part = _STREET_PREFIX_RE.sub("", street_part.strip(_SEPARATORS))
    parsed = _STREET_THEN_NUMBER_RE.match(street_part) or _NUMBER_THEN_STREET_RE.match(street_part)
    if parsed is None:
        if re.search(r"[^\W\d_]", street_part):
            return Invalid("address_number_missing")
        return Invalid("address_street_missing")
    number = re.sub(r"\s+", "", re.sub(_FLAT_MARK, "/", parsed.group("number")))  # "10 m. 5" -> "10/5"
    return Valid(Address(_tidy_name(parsed.group("street")), number, postal_code, city).as_slot())
