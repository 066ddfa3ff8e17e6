"""Tax identifiers a returning entrepreneur may already have: NIP and REGON (python-stdnum)."""

from __future__ import annotations

from typing import Callable, Tuple

from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.pl import nip as stdnum_nip
from stdnum.pl import regon as stdnum_regon

from actions.registration.results import Invalid, Result, Valid
from actions.registration.text_input import compact_number, is_none_answer, strip_lead_in

NONE = "none"  # slot value for "I have none" (a filled slot must not be None)
NIP_LENGTH = 10
REGON_LENGTHS = (9, 14)

_NIP_LEAD_INS = ("mój nip to", "mam nip", "numer nip", "nip", "my nip is", "my tax id is", "tax id", "it's")
_REGON_LEAD_INS = ("mój regon to", "mam regon", "numer regon", "regon", "my regon is", "it's")


def _validate_number(
    raw: str,
    lead_ins: Tuple[str, ...],
    name: str,
    lengths: Tuple[int, ...],
    validate: Callable[[str], str],
    strip_prefix: str | None = None,
) -> Result:
    text = strip_lead_in(str(raw), lead_ins)
    if is_none_answer(text):
        return Valid(NONE)
    if strip_prefix and text.upper().startswith(strip_prefix):
        text = text[len(strip_prefix) :]
    digits = compact_number(text)
    if digits is None:
        return Invalid(f"{name}_chars", {"given": text[:40]})
    if len(digits) not in lengths:
        return Invalid(f"{name}_length", {"count": len(digits)})
    try:
        return Valid(validate(digits))
    except InvalidChecksum:
        return Invalid(f"{name}_checksum")
    except (InvalidFormat, InvalidLength):
        return Invalid(f"{name}_chars", {"given": text[:40]})


def validate_nip(raw: str) -> Result:
    """A NIP (10 digits, checksum; "PL" prefix and dashes accepted) or NONE."""
    return _validate_number(raw, _NIP_LEAD_INS, "nip", (NIP_LENGTH,), stdnum_nip.validate, strip_prefix="PL")


def validate_regon(raw: str) -> Result:
    """A REGON (9 or 14 digits, checksum) or NONE."""
    return _validate_number(raw, _REGON_LEAD_INS, "regon", REGON_LENGTHS, stdnum_regon.validate)
