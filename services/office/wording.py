"""The office's contact details as words for generated texts (knowledge-base answers).

`kb_import` fills `[[office.phone_main]]`, `[[office.hours]]` ... from `office.yml` when it
generates the answers, so the phone number and the consultants' hours are written in one place.
Read-only; the live schedule (is a consultant available now?) is another module's concern.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Tuple

from services.office import DAYS, Office

# "od poniedziałku do piątku": genitive after od/do; "w poniedziałek": a single day
_PL_GENITIVE = ("poniedziałku", "wtorku", "środy", "czwartku", "piątku", "soboty", "niedzieli")
_PL_SINGLE = ("w poniedziałek", "we wtorek", "w środę", "w czwartek", "w piątek", "w sobotę", "w niedzielę")
_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _time(text: str) -> str:
    """'09:00' -> '9:00' (how times are written in running text)."""
    hours, _, minutes = text.strip().partition(":")
    return f"{int(hours)}:{minutes or '00'}"


def _interval(text: str) -> str:
    start, _, end = text.partition("-")
    return f"{_time(start)}–{_time(end)}"


def _groups(office: Office) -> List[Tuple[int, int, Tuple[str, ...]]]:
    """Runs of consecutive open days with the same intervals: (first day, last day, intervals)."""
    groups: List[Tuple[int, int, Tuple[str, ...]]] = []
    for index, day in enumerate(DAYS):
        intervals = tuple(office.hours.get(day) or ())
        if not intervals:
            continue
        if groups and groups[-1][1] == index - 1 and groups[-1][2] == intervals:
            groups[-1] = (groups[-1][0], index, intervals)
        else:
            groups.append((index, index, intervals))
    return groups


def hours_text(office: Office, lang: str) -> str:
    """'od poniedziałku do piątku w godz. 9:00–13:00 i 13:30–17:00' / 'Monday to Friday, 9:00–13:00 and 13:30–17:00'."""
    parts = []
    for first, last, intervals in _groups(office):
        times = [_interval(interval) for interval in intervals]
        if lang == "pl":
            days = _PL_SINGLE[first] if first == last else f"od {_PL_GENITIVE[first]} do {_PL_GENITIVE[last]}"
            parts.append(f"{days} w godz. {_join(times, 'i')}")
        else:
            days = _EN_DAYS[first] if first == last else f"{_EN_DAYS[first]} to {_EN_DAYS[last]}"
            parts.append(f"{days}, {_join(times, 'and')}")
    return "; ".join(parts)


def opening_time(office: Office) -> str:
    """The earliest time consultants start on any day ('9:00')."""
    starts = [interval.split("-")[0].strip() for intervals in office.hours.values() for interval in intervals or ()]
    return _time(min(starts)) if starts else ""


def _join(items: List[str], conjunction: str) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


# placeholder name after "office." -> text in a language
FIELDS: Dict[str, Callable[[Office, str], str]] = {
    "name": lambda office, lang: office.name.get(lang) or office.name.get("pl", ""),
    "phone_main": lambda office, lang: office.phone_main,
    "phone_international": lambda office, lang: office.phone_international,
    "contact_page": lambda office, lang: office.contact_page,
    "hours": hours_text,
    "opening_time": lambda office, lang: opening_time(office),
}


def office_text(office: Office, field_name: str, lang: str) -> str | None:
    """The text for `[[office.<field_name>]]`, or None if there is no such field."""
    render = FIELDS.get(field_name)
    return render(office, lang) if render else None
