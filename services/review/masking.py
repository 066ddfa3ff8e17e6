"""Masks personal data in logged questions before an analyst (or a spreadsheet) sees them.

`services.privacy.redact` shortens identifiers for logs, keeping their last digits; analysts need
none of them, so here every identifier is replaced by a label saying what it was ("[PESEL]").
Digits are found even inside words ("pesel44051401359", "tel.600-123-456") and across the
spaces and dashes people type; checksums (python-stdnum) tell PESEL, NIP and REGON apart, and any
other long number is masked anyway: over-masking a question costs nothing, leaking one costs a lot.
"""

from __future__ import annotations

import re
from typing import Iterable

from stdnum.pl import nip, pesel, regon

from lang.text import fold

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# an IBAN: two letters, two check digits, then 11-30 letters/digits, optionally grouped
IBAN_RE = re.compile(r"(?<![A-Za-z])[A-Z]{2}\d{2}(?:[ \-]?[A-Z0-9]){11,30}(?![A-Za-z0-9])", re.IGNORECASE)
# a Polish ID card: three letters and six digits (the first digit a check digit), e.g. ABA 300000
ID_CARD_RE = re.compile(r"([A-Za-z]{3})[ \-]?(\d{6})(?!\d)")
# any run of 9+ digits, single spaces/dashes/dots allowed between them, optionally +48 / 0048 first
DIGITS_RE = re.compile(r"(?:\+|00)?\d(?:[ \-.\u2013/]?\d){8,}")
_ID_CARD_WEIGHTS = (7, 3, 1, 9, 7, 3, 1, 7, 3)


def _id_card_valid(letters: str, digits: str) -> bool:
    values = [ord(ch) - 55 for ch in letters.upper()] + [int(d) for d in digits]
    check = values.pop(3)
    weights = _ID_CARD_WEIGHTS[:3] + _ID_CARD_WEIGHTS[4:]
    return sum(v * w for v, w in zip(values, weights, strict=True)) % 10 == check


def _number_label(raw: str) -> str:
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+") or (raw.startswith("00") and len(digits) > 11):
        return "[PHONE]"
    if len(digits) == 11 and pesel.is_valid(digits):
        return "[PESEL]"
    if len(digits) == 10 and nip.is_valid(digits):
        return "[NIP]"
    if len(digits) in (9, 14) and regon.is_valid(digits):
        return "[REGON]"
    if len(digits) == 9 or (len(digits) == 11 and digits.startswith("48")):
        return "[PHONE]"
    if len(digits) == 26:
        return "[IBAN]"
    return "[NUMBER]"


def _mask_names(text: str, names: Iterable[str]) -> str:
    """Names typed into the registration form, also inflected ("Kowalskiego") and without diacritics."""
    for name in {n.strip() for n in names if n and len(n.strip()) >= 2}:
        folded = fold(name)
        stem = folded if len(folded) <= 4 else folded[: len(folded) - 2]
        pattern = re.compile(r"\w+", re.UNICODE)
        text = pattern.sub(lambda m, s=stem: "[NAME]" if fold(m.group(0)).startswith(s) else m.group(0), text)
    return text


def mask_personal_data(text: str, names: Iterable[str] = ()) -> str:
    """`text` with e-mails, IBANs, ID-card numbers, PESEL/NIP/REGON, phone numbers and `names` replaced."""
    masked = EMAIL_RE.sub("[EMAIL]", text)
    masked = IBAN_RE.sub(lambda m: "[IBAN]" if sum(c.isdigit() for c in m.group(0)) >= 12 else m.group(0), masked)
    masked = DIGITS_RE.sub(lambda m: _number_label(m.group(0)), masked)
    masked = ID_CARD_RE.sub(
        lambda m: "[ID_CARD]" if m.group(1).isupper() or _id_card_valid(m.group(1), m.group(2)) else m.group(0),
        masked,
    )
    return _mask_names(masked, names)
