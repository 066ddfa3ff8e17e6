"""When consultants are at work: the weekly schedule of `office.yml` minus public holidays.

The clock can be fixed with the environment variable OFFICE_CLOCK (an ISO date-time with offset,
e.g. "2026-11-11T10:00:00+01:00"): tests and demonstrations then see the same office every day.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import List, Tuple
from zoneinfo import ZoneInfo

import holidays

from services.office import DAYS, Office

CLOCK_VARIABLE = "OFFICE_CLOCK"
_LOOKAHEAD_DAYS = 21  # longer than any run of holidays and weekends


@dataclass(frozen=True)
class Period:
    start: time
    end: time


def parse_period(text: str) -> Period:
    """'09:00-13:00' -> Period(9:00, 13:00); a clear error for anything else."""
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise ValueError(f"office.yml: opening hours must look like '09:00-13:00', got {text!r}") from None
    if end <= start:
        raise ValueError(f"office.yml: opening hours end before they start: {text!r}")
    return Period(start, end)


def office_now(office: Office) -> datetime:
    """The office's local time: OFFICE_CLOCK when set, else the real clock."""
    zone = ZoneInfo(office.timezone)
    fixed = os.environ.get(CLOCK_VARIABLE)
    if fixed:
        moment = datetime.fromisoformat(fixed)
        return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(zone)
    return datetime.now(zone)


@functools.lru_cache(maxsize=8)
def _holidays(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year)


def holiday_name(office: Office, day: date) -> str | None:
    if not office.public_holidays:
        return None
    return _holidays(office.public_holidays, day.year).get(day)


def periods_on(office: Office, day: date) -> List[Period]:
    """Opening periods of one calendar day (none on a public holiday)."""
    if holiday_name(office, day):
        return []
    return [parse_period(p) for p in office.hours.get(DAYS[day.weekday()], [])]


def is_open(office: Office, at: datetime) -> bool:
    local = at.astimezone(ZoneInfo(office.timezone))
    return any(p.start <= local.time() < p.end for p in periods_on(office, local.date()))


def next_opening(office: Office, at: datetime) -> datetime | None:
    """The next moment consultants start work after `at` (None if the schedule is empty)."""
    zone = ZoneInfo(office.timezone)
    local = at.astimezone(zone)
    for offset in range(_LOOKAHEAD_DAYS):
        day = local.date() + timedelta(days=offset)
        for period in periods_on(office, day):
            start = datetime.combine(day, period.start, tzinfo=zone)
            if start > local:
                return start
    return None


def minutes_until_close(office: Office, at: datetime) -> int | None:
    """Minutes left in the current opening period, or None when closed."""
    zone = ZoneInfo(office.timezone)
    local = at.astimezone(zone)
    for period in periods_on(office, local.date()):
        if period.start <= local.time() < period.end:
            end = datetime.combine(local.date(), period.end, tzinfo=zone)
            return int((end - local).total_seconds() // 60)
    return None


# Short labels for the variables of responses (the sentences themselves are domain responses).
_DAY_NAMES = {
    "pl": ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_DAY_SHORT = {
    "pl": ("pon.", "wt.", "śr.", "czw.", "pt.", "sob.", "niedz."),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def _clock(value: time) -> str:
    return f"{value.hour}:{value.minute:02d}"


def hours_text(office: Office, language: str) -> str:
    """The weekly schedule in a few words: 'pon.–pt. 9:00–13:00, 13:30–17:00'."""
    lang = language if language in _DAY_SHORT else "pl"
    groups: List[Tuple[int, int, Tuple[str, ...]]] = []  # (first day, last day, periods)
    for index, day in enumerate(DAYS):
        periods = tuple(office.hours.get(day, []))
        if not periods:
            continue
        if groups and groups[-1][1] == index - 1 and groups[-1][2] == periods:
            groups[-1] = (groups[-1][0], index, periods)
        else:
            groups.append((index, index, periods))
    parts = []
    for first, last, periods in groups:
        days = _DAY_SHORT[lang][first] + ("" if first == last else "–" + _DAY_SHORT[lang][last])
        times = ", ".join(f"{_clock(p.start)}–{_clock(p.end)}" for p in map(parse_period, periods))
        parts.append(f"{days} {times}")
    return "; ".join(parts)


def opening_text(moment: datetime, language: str) -> str:
    """'środa 2.12.2026, 9:00' / 'Wednesday 2.12.2026, 9:00': when consultants are back."""
    lang = language if language in _DAY_NAMES else "pl"
    return (
        f"{_DAY_NAMES[lang][moment.weekday()]} {moment.day}.{moment.month:02d}.{moment.year}, {_clock(moment.time())}"
    )
