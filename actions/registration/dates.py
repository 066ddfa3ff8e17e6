"""The business start date: understood in Polish or English, from today up to one year ahead.

CEIDG accepts the day of the application or a later day, never an earlier one. A year ahead is
the horizon we accept: later plans usually change, and the entry can be filed closer to the date.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import dateparser

from actions.registration.results import Invalid, Result, Valid
from actions.registration.text_input import strip_lead_in, too_long
from lang.text import fold

HORIZON_YEARS = 1
RECENT_PAST_DAYS = 60  # "15 listopada" typed on 22 November means the past date, not next year's

_LEAD_INS = (
    "chcę zacząć",
    "zaczynam",
    "rozpoczynam",
    "rozpoczęcie",
    "data rozpoczęcia",
    "start",
    "starting",
    "start date",
    "i want to start",
    "i'll start",
    "begin",
    "beginning",
    "from",
    "od dnia",
    "od",
    "z dniem",
    "dnia",
    "w dniu",
    "on the",
    "on",
    "as of",
)
_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YEAR_RE = re.compile(r"\b(19|20)\d{2}\b")
_NUMERIC_RE = re.compile(r"^(\d{1,2})[./](\d{1,2})(?:[./](\d{2}|\d{4}))?$")
_WEEKDAY_STEMS = (
    ("poniedzial", "monday"),
    ("wtor", "tuesday"),
    ("srod", "wednesday"),
    ("czwart", "thursday"),
    ("piat", "friday"),
    ("sobot", "saturday"),
    ("niedziel", "sunday"),
)
_TODAY_WORDS = {
    "dzis",
    "dzisiaj",
    "today",
    "now",
    "zaraz",
    "razu",
    "od razu",
    "natychmiast",
    "teraz",
    "right away",
    "immediately",
    "asap",
}
# dateparser does not know these phrasings; rewrite them to ones it does.
_REWRITES = (
    (re.compile(r"\bza tydzien\b"), "za 1 tydzien"),
    (re.compile(r"\bza miesiac\b"), "za 1 miesiac"),
    (re.compile(r"\bjutra\b"), "jutro"),
    (re.compile(r"\bpojutrza\b"), "pojutrze"),
)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def latest_start(today: date) -> date:
    return add_years(today, HORIZON_YEARS)


def _dateparser(text: str, today: date, prefer: str) -> date | None:
    settings = {
        "PREFER_DATES_FROM": prefer,
        "DATE_ORDER": "DMY",
        "RELATIVE_BASE": datetime(today.year, today.month, today.day),
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    parsed = dateparser.parse(text, languages=["pl", "en"], settings=settings)
    return parsed.date() if parsed else None


def _numeric(match: re.Match, today: date) -> date | None:
    """'1.12', '01.12.2026', '1/12/26': day first, as Poles (and the British) write dates."""
    day, month, year = match.groups()
    try:
        if year:
            return date(int(year) + (2000 if len(year) == 2 else 0), int(month), int(day))
        return _nearest_yearless(date(today.year, int(month), int(day)), today)
    except ValueError:
        return None


def _nearest_yearless(this_year: date, today: date) -> date:
    """A day and month without a year: this year's, unless it passed long ago (then next year's)."""
    if this_year < today and (today - this_year).days > RECENT_PAST_DAYS:
        return add_years(this_year, 1)
    return this_year


def _weekday(folded: str, today: date) -> date | None:
    """'w poniedziałek', 'od piątku', 'next Friday': the next such day after today."""
    for index, stems in enumerate(_WEEKDAY_STEMS):
        if any(stem in folded for stem in stems):
            return today + timedelta(days=(index - today.weekday()) % 7 or 7)
    return None


def parse_date(raw: str, today: date) -> date | None:
    """The date meant by `raw` ("od jutra", "1 grudnia", "2026-12-01", "next Monday"), or None."""
    text = strip_lead_in(str(raw), _LEAD_INS).strip(" .!")
    iso = _ISO_RE.match(text)
    if iso:
        try:
            return date(*map(int, iso.groups()))
        except ValueError:
            return None
    numeric = _NUMERIC_RE.match(text)
    if numeric:
        return _numeric(numeric, today)
    folded = fold(text)
    if folded in _TODAY_WORDS or fold(str(raw)).strip(" .!") in _TODAY_WORDS:
        return today
    weekday = _weekday(folded, today)
    if weekday:
        return weekday
    for pattern, replacement in _REWRITES:
        folded = pattern.sub(replacement, folded)
    # dateparser reads Polish month names only with their diacritics: give it the original text
    # unless we rewrote it.
    candidate = text if folded == fold(text) else folded
    if _YEAR_RE.search(text):
        return _dateparser(candidate, today, "future")
    current = _dateparser(candidate, today, "current_period")
    future = _dateparser(candidate, today, "future")
    if current and future and current != future and current.year == today.year:
        return _nearest_yearless(current, today)  # "15 listopada": a day and month without a year
    return future or current


def validate_start_date(raw: str, today: date) -> Result:
    """ISO date of the first day of business, between today and one year ahead."""
    text = str(raw).strip()
    if not text or too_long(text):
        return Invalid("start_date_unparsed", {"given": text[:40]})
    day = parse_date(text, today)
    if day is None:
        return Invalid("start_date_unparsed", {"given": text[:40]})
    if day < today:
        return Invalid("start_date_past", {"date": day, "today": today})
    if day > latest_start(today):
        return Invalid("start_date_too_far", {"date": day, "max_date": latest_start(today)})
    return Valid(day.isoformat())
