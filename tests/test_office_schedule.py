"""Consultants' hours from office.yml with Polish public holidays, at fixed clocks."""

from __future__ import annotations

from datetime import datetime

import pytest

from services.office import contact_variables, load_office
from services.office.schedule import (
    hours_text,
    is_open,
    minutes_until_close,
    next_opening,
    office_now,
    opening_text,
)

OFFICE = load_office()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        ("2026-11-25T10:00:00+01:00", True),  # Wednesday morning
        ("2026-11-25T13:15:00+01:00", False),  # lunch break 13:00-13:30
        ("2026-11-25T16:59:00+01:00", True),
        ("2026-11-25T17:00:00+01:00", False),
        ("2026-11-28T10:00:00+01:00", False),  # Saturday
        ("2026-11-11T10:00:00+01:00", False),  # Independence Day, a Wednesday
        ("2026-12-24T10:00:00+01:00", False),  # Christmas Eve, a public holiday in Poland since 2025
        ("2026-11-25T09:00:00+00:00", True),  # 10:00 in Warsaw
    ],
)
def test_open_only_in_the_weekly_schedule_and_not_on_holidays(moment: str, open_: bool) -> None:
    assert is_open(OFFICE, at(moment)) is open_


def test_next_opening_skips_holidays_and_weekends() -> None:
    assert next_opening(OFFICE, at("2026-11-11T10:00:00+01:00")) == at("2026-11-12T09:00:00+01:00")
    assert next_opening(OFFICE, at("2026-11-27T17:30:00+01:00")) == at("2026-11-30T09:00:00+01:00")
    # 24, 25, 26 December are holidays, 27-28 a weekend
    assert next_opening(OFFICE, at("2026-12-23T18:00:00+01:00")) == at("2026-12-28T09:00:00+01:00")
    assert next_opening(OFFICE, at("2026-11-25T13:10:00+01:00")) == at("2026-11-25T13:30:00+01:00")


def test_texts_for_responses_in_both_languages() -> None:
    assert hours_text(OFFICE, "pl") == "pon.–pt. 9:00–13:00, 13:30–17:00"
    assert hours_text(OFFICE, "en") == "Mon–Fri 9:00–13:00, 13:30–17:00"
    assert opening_text(at("2026-11-12T09:00:00+01:00"), "pl") == "czwartek 12.11.2026, 9:00"
    assert opening_text(at("2026-11-12T09:00:00+01:00"), "en") == "Thursday 12.11.2026, 9:00"
    variables = contact_variables("pl")
    assert variables["phone"] == OFFICE.phone_main and variables["phone"] != "+48 22 123 45 67"
    assert variables["hours"] == hours_text(OFFICE, "pl")


def test_fixed_clock_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFICE_CLOCK", "2026-11-11T12:00:00+01:00")
    assert office_now(OFFICE) == at("2026-11-11T12:00:00+01:00")
    assert minutes_until_close(OFFICE, at("2026-11-25T12:30:00+01:00")) == 30
    assert minutes_until_close(OFFICE, office_now(OFFICE)) is None  # a holiday
