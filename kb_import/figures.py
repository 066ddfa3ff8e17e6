"""Amounts that change every year (minimum wage, ZUS bases, limits), kept as data in `kb/figures.yml`.

Answers name a figure (`[[minimum_wage]]`) instead of writing its amount, so a new year's amounts
are entered once, with the date they apply from and their source, and every answer follows.
`python -m kb_import --as-of 2027-01-01` prepares the answers for a future date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Dict, List

import yaml

from kb_import.errors import Problem
from kb_import.sources import is_allowed_host, is_well_formed

FIGURES_FILE = "figures.yml"
NAME_PATTERN_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")
UNITS = ("PLN", "EUR", "percent", "number")


@dataclass(frozen=True)
class FigureValue:
    value: Decimal
    valid_from: dt.date
    source: str


@dataclass
class Figure:
    name: str
    description: str
    unit: str
    decimals: int
    location: str
    values: List[FigureValue] = field(default_factory=list)  # sorted by valid_from
    yearly: bool = True  # False: fixed in an act until it is amended (the report does not expect a new value)

    def value_at(self, day: dt.date) -> FigureValue | None:
        """The value in force on `day`: the latest one whose valid_from is not after it."""
        current = None
        for value in self.values:
            if value.valid_from <= day:
                current = value
        return current

    def format(self, value: Decimal, lang: str) -> str:
        return format_amount(value, self.unit, self.decimals, lang)


def _group(digits: str, separator: str, min_length: int) -> str:
    if len(digits) < min_length:
        return digits
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return separator.join(groups)


def format_number(value: Decimal, decimals: int, lang: str) -> str:
    """Polish: 4806,00 / 10 813,50 (groups from five digits on); English: 4,806.00."""
    text = f"{value:.{decimals}f}"
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    if lang == "pl":
        number = _group(whole, " ", 5) + ("," + fraction if fraction else "")
    else:
        number = _group(whole, ",", 4) + ("." + fraction if fraction else "")
    return sign + number


def format_amount(value: Decimal, unit: str, decimals: int, lang: str) -> str:
    number = format_number(value, decimals, lang)
    if unit == "PLN":
        return f"{number} zł" if lang == "pl" else f"PLN {number}"
    if unit == "EUR":
        return f"{number} euro" if lang == "pl" else f"EUR {number}"
    if unit == "percent":
        return f"{number}%"
    return number


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _figure(data: Any, where: str, problems: List[Problem]) -> Figure | None:
    if not isinstance(data, dict) or not data.get("name"):
        problems.append(Problem(where, "a figure needs `name:`, `unit:` and a list `values:`"))
        return None
    name = str(data["name"]).strip()
    where = f"{where} ('{name}')"
    if not name or name[0].isdigit() or not set(name) <= NAME_PATTERN_CHARS or name == "office":
        problems.append(Problem(where, f"bad figure name '{name}': use lowercase letters, digits and _"))
    unit = str(data.get("unit") or "")
    if unit not in UNITS:
        problems.append(Problem(where, f"bad unit '{unit}': use one of {', '.join(UNITS)}"))
    decimals = data.get("decimals", 2 if unit == "PLN" else 0)
    if not isinstance(decimals, int) or not 0 <= decimals <= 4:
        problems.append(Problem(where, "`decimals` must be a whole number from 0 to 4"))
        decimals = 2
    values: List[FigureValue] = []
    raw_values = data.get("values")
    if not isinstance(raw_values, list) or not raw_values:
        problems.append(Problem(where, "needs a non-empty list `values:` (value, valid_from, source)"))
        raw_values = []
    for number, item in enumerate(raw_values, start=1):
        label = f"{where}, value {number}"
        if not isinstance(item, dict):
            problems.append(Problem(label, "must have `value:`, `valid_from:` and `source:`"))
            continue
        try:
            amount = Decimal(str(item.get("value")))
        except InvalidOperation:
            problems.append(Problem(label, f"value {item.get('value')!r} is not a number"))
            continue
        valid_from = _date(item.get("valid_from"))
        if valid_from is None:
            problems.append(Problem(label, "`valid_from` must be a date YYYY-MM-DD"))
            continue
        source = str(item.get("source") or "").strip()
        if not is_well_formed(source) or not is_allowed_host(source):
            problems.append(Problem(label, f"source '{source}' must be an https link to an official page"))
        values.append(FigureValue(amount, valid_from, source))
    dates = [value.valid_from for value in values]
    if len(set(dates)) != len(dates):
        problems.append(Problem(where, "two values have the same valid_from date"))
    values.sort(key=lambda value: value.valid_from)
    yearly = data.get("yearly", True)
    if not isinstance(yearly, bool):
        problems.append(Problem(where, "`yearly` must be true or false"))
        yearly = True
    return Figure(name, str(data.get("description") or "").strip(), unit, decimals, where, values, yearly)


def load_figures(path: Path, label: str, problems: List[Problem]) -> Dict[str, Figure]:
    """Every figure in `path` by name; a missing file means no figures."""
    if not path.exists():
        return {}
    try:
        document = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as error:
        problems.append(Problem(label, f"not valid YAML: {error}"))
        return {}
    items = document.get("figures") if isinstance(document, dict) else None
    if not isinstance(items, list):
        problems.append(Problem(label, "expected a list `figures:`"))
        return {}
    figures: Dict[str, Figure] = {}
    for number, data in enumerate(items, start=1):
        figure = _figure(data, f"{label}, figure {number}", problems)
        if figure is None:
            continue
        if figure.name in figures:
            problems.append(Problem(figure.location, f"duplicate figure name '{figure.name}'"))
        figures[figure.name] = figure
    return figures
