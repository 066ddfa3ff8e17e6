"""Identity fields: first and last name, PESEL (checksum, birth date, adult), business name."""

from __future__ import annotations

import re
from datetime import date

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.pl import pesel as stdnum_pesel

from actions.registration.results import Invalid, Result, Valid
from actions.registration.text_input import compact_number, strip_lead_in, too_long
from lang.text import fold

ADULT_AGE = 18
NAME_MAX_LENGTH = 60
BUSINESS_NAME_MAX_LENGTH = 512  # CEIDG's limit
PESEL_LENGTH = 11

_NAME_RE = re.compile(r"^[^\W\d_]+(?:(?:[ \-]|['’] ?)[^\W\d_]+)*$")
_NAME_LEAD_INS = (
    "mam na imię",
    "na imię mam",
    "moje imię to",
    "imię",
    "imiona",
    "nazywam się",
    "moje nazwisko to",
    "nazwisko",
    "jestem",
    "my name is",
    "my first name is",
    "my last name is",
    "my surname is",
    "first name",
    "last name",
    "surname",
    "i am",
    "i'm",
    "it's",
    "it is",
)
_PESEL_LEAD_INS = (
    "mój pesel to",
    "mój numer pesel to",
    "numer pesel",
    "pesel",
    "my pesel is",
    "my pesel number is",
    "it's",
    "it is",
)


def _capitalise(name: str) -> str:
    """'jan' / 'JAN' -> 'Jan', 'kowalska-nowak' -> 'Kowalska-Nowak'; mixed case is kept as typed."""
    if name != name.lower() and name != name.upper():
        return name
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), name.lower())


def validate_name(raw: str, field: str) -> Result:
    """A first or last name (`field` is "first_name" or "last_name", used in the error code)."""
    text = strip_lead_in(str(raw), _NAME_LEAD_INS).strip(" .,!")
    text = re.sub(r"\s+", " ", text)
    if not text or too_long(text) or len(text) > NAME_MAX_LENGTH:
        return Invalid(f"{field}_length", {"max": NAME_MAX_LENGTH})
    if not _NAME_RE.match(text) or sum(ch.isalpha() for ch in text) < 2:
        return Invalid(f"{field}_chars", {"given": text})
    return Valid(_capitalise(text))


def birth_date(pesel: str) -> date:
    return stdnum_pesel.get_birth_date(pesel)


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def validate_pesel(raw: str, today: date) -> Result:
    """11 digits, a valid checksum, a real birth date, and an adult (CEIDG needs full legal capacity)."""
    text = strip_lead_in(str(raw), _PESEL_LEAD_INS)
    digits = compact_number(text)
    if digits is None:
        return Invalid("pesel_chars", {"given": text[:40]})
    if len(digits) != PESEL_LENGTH:
        return Invalid("pesel_length", {"count": len(digits)})
    try:
        stdnum_pesel.validate(digits)
    except InvalidChecksum:
        return Invalid("pesel_checksum")
    except (InvalidComponent, InvalidFormat, InvalidLength):
        return Invalid("pesel_birth_date")
    born = birth_date(digits)
    if born > today:
        return Invalid("pesel_birth_date")
    age = age_on(born, today)
    if age < ADULT_AGE:
        return Invalid("pesel_minor", {"age": age, "adult_age": ADULT_AGE})
    return Valid(digits)


def _contains_word_sequence(haystack: str, needle: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", haystack) is not None


def validate_business_name(raw: str, first_name: str | None, last_name: str | None) -> Result:
    """The firm of a sole proprietor must contain the owner's first and last name (art. 43^4 KC).

    Compared without case and diacritics, so "jan kowalski usługi IT" is accepted for Jan Kowalski.
    """
    text = re.sub(r"\s+", " ", str(raw)).strip(" .")
    if not text or len(text) > BUSINESS_NAME_MAX_LENGTH:
        return Invalid("business_name_length", {"max": BUSINESS_NAME_MAX_LENGTH})
    folded = fold(text)
    missing = [name for name in (first_name, last_name) if name and not _contains_word_sequence(folded, fold(name))]
    if missing:
        return Invalid("business_name_owner", {"first_name": first_name or "", "last_name": last_name or ""})
    return Valid(text)


_FULL_NAME_LEAD_INS = (
    "nazywam się",
    "moje imię i nazwisko to",
    "imię i nazwisko",
    "my name is",
    "my full name is",
    "i am",
    "i'm",
    "jestem",
)
_FIRST_NAMES_LEAD_INS = (
    "mam na imię",
    "na imię mam",
    "moje imię to",
    "imiona",
    "imię",
    "my first name is",
    "first name",
)


def split_full_name(raw: str) -> tuple[str, str] | None:
    """("Jan", "Kowalski") for "Jan Kowalski" or "nazywam się Jan Kowalski", typed at the first-name
    question; None for one word or a text that names first names only ("mam na imię Anna Maria").

    The split is only a proposal: "Anna Maria" is two first names, so the user confirms it.
    """
    text = str(raw).strip()
    if strip_lead_in(text, _FIRST_NAMES_LEAD_INS) != text:
        return None
    result = validate_name(strip_lead_in(text, _FULL_NAME_LEAD_INS), "first_name")
    if not isinstance(result, Valid):
        return None
    parts = result.value.split(" ")
    if len(parts) < 2 or len(parts) > 4:
        return None
    return " ".join(parts[:-1]), parts[-1]
