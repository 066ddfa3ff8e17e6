"""Masking of personal data before it reaches a log.

Logs are read by more people and kept longer than the application database, so identifiers
(PESEL, NIP, phone numbers, e-mail addresses) are shortened to their last characters there.
`redact` masks free text; `PersonalDataFilter` applies it to every record of a logger.
"""

from __future__ import annotations

import logging
import re

_KEEP = 2  # trailing characters kept so that support staff can still tell records apart

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# 9 to 14 digits, optionally grouped by spaces or dashes, optionally with +48/0048: PESEL, NIP,
# REGON, phone numbers. Dates (2026-12-01) and postal codes (00-001) are too short to match, and
# reference numbers (REG-2026-4829-1377) are not personal: digits after a dash are left alone.
_NUMBER_RE = re.compile(r"(?<![\w+\-])(?:\+|00)?(?:\d[ \-]?){8,13}\d(?!\w)")


def mask_identifier(value: str | None, keep: int = _KEEP) -> str:
    """'44051401359' -> '*********59': enough to recognise, not enough to misuse."""
    if not value:
        return ""
    compact = re.sub(r"[\s\-]", "", str(value))
    if len(compact) <= keep:
        return "*" * len(compact)
    return "*" * (len(compact) - keep) + compact[-keep:]


def mask_email(value: str | None) -> str:
    """'jan.kowalski@example.com' -> 'j***@example.com' (the domain is not personal)."""
    if not value:
        return ""
    local, at, domain = str(value).partition("@")
    if not at:
        return mask_identifier(value)
    return f"{local[:1]}***@{domain}"


def redact(text: object) -> str:
    """Free text with every e-mail address and long digit sequence masked."""
    masked = _EMAIL_RE.sub(lambda m: mask_email(m.group(0)), str(text))
    return _NUMBER_RE.sub(lambda m: mask_identifier(m.group(0)), masked)


class PersonalDataFilter(logging.Filter):
    """Logging filter that redacts the formatted message (and drops the raw arguments)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        return True


def get_masked_logger(name: str) -> logging.Logger:
    """A module logger whose records are always redacted, whatever handlers the process has."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, PersonalDataFilter) for f in logger.filters):
        logger.addFilter(PersonalDataFilter())
    return logger
