"""Are consultants at work right now? (office.yml: weekly hours, time zone, public holidays.)

A small stand-in kept in the channels slice: the phone channel needs the answer to decide between a
transfer and "call us in office hours". When services.office gains its own schedule logic, this
module should call it instead.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import holidays

from services.office import DAYS, Office


def _range(text: str) -> tuple[time, time]:
    start, end = text.split("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def consultants_available(office: Office, now: datetime | None = None) -> bool:
    """True within the office's hours on a working day that is not a public holiday."""
    local = (now or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(office.timezone))
    if office.public_holidays and local.date() in holidays.country_holidays(office.public_holidays):
        return False
    for period in office.hours.get(DAYS[local.weekday()], []):
        start, end = _range(period)
        if start <= local.time() < end:
            return True
    return False
