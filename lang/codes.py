"""The languages the assistant speaks: the one definition every module uses."""

from __future__ import annotations

LANGUAGES = ("pl", "en")
DEFAULT_LANGUAGE = "pl"  # the office's language; an unset conversation language means Polish
LANGUAGE_NAMES = {"pl": "Polish", "en": "English"}


def known(value: object) -> str | None:
    """`value` if it is a language code the assistant speaks, else None."""
    return value if isinstance(value, str) and value in LANGUAGES else None


def or_default(value: object) -> str:
    """`value` if it is a known language code, else the office's language."""
    return known(value) or DEFAULT_LANGUAGE
