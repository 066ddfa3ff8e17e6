"""`python -m kb_import --report`: what needs a person's attention in the knowledge base.

Lists entries due for review (last checked longer ago than `review_after_months`, from
kb/review.yml or --review-months), entries citing a homepage instead of the page with the rule,
drafts and retired entries, and figures that have no value for the year being prepared.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from typing import List

from kb_import.model import KnowledgeBase
from kb_import.placeholders import used_figures
from kb_import.sources import is_homepage


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def report_lines(kb: KnowledgeBase, as_of: dt.date, review_after_months: int) -> List[str]:
    cutoff = months_before(as_of, review_after_months)
    entries = sorted(kb.entries, key=lambda e: (e.category, e.id))
    statuses = Counter(entry.status for entry in entries)
    lines = [
        f"Knowledge-base report as of {as_of.isoformat()} (review due after {review_after_months} months)",
        f"entries: {len(entries)} ({', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))})",
    ]

    def section(title: str, items: List[str]) -> None:
        lines.append(f"{title}: {len(items)}")
        lines.extend(f"  - {item}" for item in items)

    active = [entry for entry in entries if entry.status != "retired"]
    section(
        f"due for review (last_review before {cutoff.isoformat()})",
        [
            f"{e.id} [{e.owner or 'no owner'}] last_review {e.last_review or 'never'} ({e.location})"
            for e in active
            if not e.last_review or e.last_review < cutoff.isoformat()
        ],
    )
    section(
        "citing a homepage instead of a specific page",
        [f"{e.id} [{e.owner}]: {link}" for e in active for link in e.sources if is_homepage(link)],
    )
    section("drafts (not trained)", [f"{e.id} [{e.owner}] ({e.location})" for e in entries if e.status == "draft"])
    section("retired (not trained)", [f"{e.id} [{e.owner}] ({e.location})" for e in entries if e.status == "retired"])
    stale = []
    for name, figure in sorted(kb.figures.items()):
        value = figure.value_at(as_of)
        if value is None:
            stale.append(f"{name}: no value valid on {as_of.isoformat()}")
        elif figure.yearly and value.valid_from.year < as_of.year:
            stale.append(f"{name}: newest value {value.valid_from.isoformat()} - enter {as_of.year}'s when published")
    section(f"figures not yet updated for {as_of.year}", stale)
    unused = sorted(set(kb.figures) - used_figures(active))
    section("figures no answer refers to", unused)
    owners = Counter(entry.owner or "no owner" for entry in active)
    lines.append("entries per owner: " + ", ".join(f"{owner} {count}" for owner, count in sorted(owners.items())))
    return lines
