"""Reading values back to the user: digits in groups on screen, digit by digit on the phone.

"440 514 013 59" is easy to check by eye; a speech synthesiser would read it as hundreds, so
voice channels get "4 4 0, 5 1 4, 0 1 3, 5 9" instead.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, Iterable, Mapping, Sequence

from services.channels.capabilities import capabilities

_MONTHS_PL = (
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
)
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def is_voice(channel: str | None) -> bool:
    """Numbers are read back digit by digit on this channel (the capabilities table decides)."""
    return capabilities(channel).digits_one_by_one


def _split(digits: str, sizes: Sequence[int]) -> list:
    groups, start = [], 0
    for size in sizes:
        if start >= len(digits):
            break
        groups.append(digits[start : start + size])
        start += size
    if start < len(digits):
        groups.append(digits[start:])
    return groups


def _join(groups: Iterable[str], voice: bool, separator: str = " ") -> str:
    if voice:
        return ", ".join(" ".join(group) for group in groups)
    return separator.join(groups)


def grouped(digits: str, sizes: Sequence[int], voice: bool = False, separator: str = " ") -> str:
    return _join(_split(digits, sizes), voice, separator)


def pesel(value: str, voice: bool = False) -> str:
    return grouped(value, (3, 3, 3, 2), voice)


def phone(e164: str, voice: bool = False) -> str:
    """+48601234567 -> '+48 601 234 567'."""
    national = e164[3:] if e164.startswith("+48") else e164.lstrip("+")
    return "+48 " + grouped(national, (3, 3, 3), voice)


def nip(value: str, voice: bool = False) -> str:
    """The usual NIP grouping: 123-456-32-18."""
    return grouped(value, (3, 3, 2, 2), voice, separator="-")


def regon(value: str, voice: bool = False) -> str:
    return grouped(value, (3, 3, 3) if len(value) == 9 else (4, 4, 4, 2), voice)


def reference(value: str, voice: bool = False) -> str:
    """REG-2026-4829-1377; spoken: 'R E G, 2 0 2 6, 4 8 2 9, 1 3 7 7'."""
    if not voice:
        return value
    return ", ".join(" ".join(part) for part in value.split("-"))


def postal_code(value: str, voice: bool = False) -> str:
    return " ".join(value.replace("-", "")) if voice else value


def day(value: Any, language: str) -> str:
    """'1 grudnia 2026' / '1 December 2026' (a date or an ISO string)."""
    parsed = value if isinstance(value, date) else date.fromisoformat(str(value))
    months = _MONTHS_EN if language == "en" else _MONTHS_PL
    return f"{parsed.day} {months[parsed.month - 1]} {parsed.year}"


def address(value: Mapping[str, Any], voice: bool = False) -> str:
    return f"{value['street']} {value['number']}, {postal_code(value['postal_code'], voice)} {value['city']}"


def render_params(params: Mapping[str, Any], language: str) -> Dict[str, Any]:
    """Message parameters as text: dates in the conversation's language, the rest unchanged."""
    return {key: day(value, language) if isinstance(value, date) else value for key, value in params.items()}
