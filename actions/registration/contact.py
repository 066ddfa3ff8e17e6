"""Contact fields: e-mail (email-validator) and a Polish phone number (phonenumbers, +48 E.164)."""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError
from email_validator import validate_email as check_email

from actions.registration.results import Invalid, Result, Valid
from actions.registration.text_input import strip_lead_in

POLISH_COUNTRY_CODE = 48
POLISH_NATIONAL_LENGTH = 9

_EMAIL_LEAD_INS = (
    "mój e-mail to",
    "mój email to",
    "mój mail to",
    "mój adres e-mail to",
    "adres e-mail",
    "e-mail",
    "email",
    "mail",
    "my e-mail is",
    "my email is",
    "my email address is",
    "it's",
)
_PHONE_LEAD_INS = (
    "mój numer telefonu to",
    "mój numer to",
    "mój telefon to",
    "numer telefonu",
    "telefon",
    "tel.",
    "tel",
    "my phone number is",
    "my number is",
    "my phone is",
    "phone",
    "it's",
)


def validate_email(raw: str) -> Result:
    """A syntactically valid address (no DNS look-up: the office may be offline), lower-cased."""
    text = strip_lead_in(str(raw), _EMAIL_LEAD_INS)
    candidates = [token.strip(".,;:!?<>()\"'") for token in text.split() if "@" in token]
    if not candidates:
        return Invalid("email_missing_at", {"given": text[:60]})
    try:
        result = check_email(candidates[0], check_deliverability=False)
    except EmailNotValidError:
        return Invalid("email_invalid", {"given": candidates[0][:60]})
    return Valid(result.normalized.lower())


def validate_phone(raw: str) -> Result:
    """A valid Polish number, normalised to +48XXXXXXXXX."""
    text = strip_lead_in(str(raw), _PHONE_LEAD_INS)
    candidate = re.sub(r"[\s\-().]", "", text)
    if not re.fullmatch(r"\+?\d+", candidate):
        return Invalid("phone_invalid", {"given": text[:30]})
    if not candidate.startswith("+") and len(candidate) == 11 and candidate.startswith("48"):
        candidate = "+" + candidate
    try:
        number = phonenumbers.parse(candidate, "PL")
    except phonenumbers.NumberParseException:
        return Invalid("phone_invalid", {"given": text[:30]})
    if number.country_code != POLISH_COUNTRY_CODE:
        return Invalid("phone_not_polish", {"given": text[:30]})
    national = str(number.national_number)
    if len(national) != POLISH_NATIONAL_LENGTH:
        return Invalid("phone_length", {"count": len(national)})
    if not phonenumbers.is_valid_number(number):
        return Invalid("phone_invalid", {"given": text[:30]})
    return Valid(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
