"""Checks re-run whenever a verifier opens an application: the data may have aged since submission.

PESEL, NIP and REGON checksums come from python-stdnum; PKD codes must exist in the shipped
classification; the start date must not be in the past nor more than a year ahead (the form's rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import List
from zoneinfo import ZoneInfo

from stdnum.exceptions import ValidationError
from stdnum.pl import nip as stdnum_nip
from stdnum.pl import pesel as stdnum_pesel
from stdnum.pl import regon as stdnum_regon

from services.pkd.codes import classification
from services.storage.models import Application

OFFICE_TIMEZONE = ZoneInfo("Europe/Warsaw")
NONE = "none"  # the form's value for "I have no NIP/REGON yet"


@dataclass(frozen=True)
class CheckResult:
    field: str  # catalogue key
    ok: bool
    message: str


def _number(field: str, value: str | None, module, name: str, optional: bool) -> CheckResult:
    if value in (None, "", NONE):
        return CheckResult(field, optional, f"no {name} given" + (" (allowed)" if optional else ""))
    try:
        module.validate(value)
    except ValidationError as error:
        return CheckResult(field, False, f"{name} invalid: {error.message}")
    return CheckResult(field, True, f"{name} checksum correct")


def latest_start(today: date) -> date:
    """A year from today (29 February -> 28 February), the form's latest start date."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def office_today() -> date:
    return datetime.now(OFFICE_TIMEZONE).date()


def run_checks(application: Application, today: date | None = None) -> List[CheckResult]:
    """Every check, passed or not, in the order of the form."""
    today = today or office_today()
    results = [_number("pesel", application.pesel, stdnum_pesel, "PESEL", False)]
    results.append(_number("nip", application.nip, stdnum_nip, "NIP", True))
    results.append(_number("regon", application.regon, stdnum_regon, "REGON", True))
    table = classification()
    for index, code in enumerate([application.pkd_main, *application.pkd_extra]):
        key = "pkd_main" if index == 0 else "pkd_extra"
        entry = table.get(code or "")
        results.append(
            CheckResult(key, True, f"PKD {code}: {entry.name}")
            if entry
            else CheckResult(key, False, f"PKD {code} does not exist in {table.name}")
        )
    start = application.start_date
    limit = latest_start(today)
    if start is None:
        results.append(CheckResult("start_date", False, "no start date"))
    elif start < today:
        results.append(CheckResult("start_date", False, f"start date {start.isoformat()} is in the past"))
    elif start > limit:
        results.append(CheckResult("start_date", False, f"start date {start.isoformat()} is more than a year ahead"))
    else:
        results.append(CheckResult("start_date", True, f"start date {start.isoformat()} still valid"))
    return results
