"""The office's contact details and consultants' hours, read from `office.yml` at the project root.

One source of truth: responses get these values as variables (see `contact_variables`), the knowledge
base fills them in at import time, and the handoff queue uses the same schedule.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parents[2]
OFFICE_FILE = Path(os.environ.get("OFFICE_CONFIG", ROOT / "office.yml"))
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Office:
    name: Dict[str, str]
    phone_main: str
    phone_international: str
    contact_page: str
    timezone: str
    hours: Dict[str, List[str]] = field(default_factory=dict)  # day -> ["09:00-13:00", ...]
    public_holidays: str = "PL"


@functools.lru_cache(maxsize=4)
def load_office(path: Path = OFFICE_FILE) -> Office:
    """The office described by `path` (cached: the file changes with a deployment, not at run time)."""
    data = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    phone = data.get("phone") or {}
    hours = {day: list(data.get("hours", {}).get(day) or []) for day in DAYS}
    return Office(
        name=dict(data.get("name") or {}),
        phone_main=str(phone.get("main", "")),
        phone_international=str(phone.get("international", "")),
        contact_page=str(data.get("contact_page", "")),
        timezone=str(data.get("timezone", "Europe/Warsaw")),
        hours=hours,
        public_holidays=str(data.get("public_holidays", "PL")),
    )


def contact_variables(language: str, office: Office | None = None) -> Dict[str, str]:
    """Variables for responses that mention the office: phone numbers, consultants' hours, page."""
    from services.office.schedule import hours_text

    office = office or load_office()
    return {
        "phone": office.phone_main,
        "phone_international": office.phone_international,
        "hours": hours_text(office, language),
        "contact_page": office.contact_page,
        "office_name": office.name.get(language) or office.name.get("pl", ""),
    }
