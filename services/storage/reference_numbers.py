"""Reference numbers given to applicants: REG-<year>-NNNN-NNNN.

Digits only (after the prefix), so they are easy to dictate on the phone and to type on a keypad;
eight random digits per year make them impractical to guess, and a status check also needs a
second factor (see `applications.check_status`).
"""

from __future__ import annotations

import re
import secrets

PREFIX = "REG"
_REFERENCE_RE = re.compile(r"(?<![0-9A-Za-z])(?:REG\W{0,3})?(\d{4})\W{0,3}(\d{4})\W{0,3}(\d{4})(?!\d)", re.IGNORECASE)


def new_reference(year: int) -> str:
    """A fresh random reference for an application filed in `year`."""
    number = f"{secrets.randbelow(10**8):08d}"
    return f"{PREFIX}-{year:04d}-{number[:4]}-{number[4:]}"


def parse_reference(text: str) -> str | None:
    """The canonical reference found in `text` ("reg 2026 4829 1377" -> "REG-2026-4829-1377")."""
    match = _REFERENCE_RE.search(text or "")
    if not match:
        return None
    year, first, second = match.groups()
    return f"{PREFIX}-{year}-{first}-{second}"
