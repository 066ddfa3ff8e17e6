"""Fills `[[...]]` placeholders in answers: yearly figures and the office's contact details.

- `[[minimum_wage]]`: the figure's value in force on the chosen date, formatted for the language
  ("4806,00 zł" / "PLN 4,806.00");
- `[[minimum_wage.year]]`: the year that value applies from ("W [[minimum_wage.year]] r. ...");
- `[[office.phone_main]]`, `[[office.hours]]`, ...: from `office.yml` (see services/office/wording.py).
An unknown name is an error naming the file and entry; nothing is generated then.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Dict, List, Set, Tuple

from kb_import.errors import Problem
from kb_import.figures import Figure
from kb_import.model import Entry, KnowledgeBase
from services.office import Office
from services.office.wording import FIELDS, office_text

PLACEHOLDER = re.compile(r"\[\[\s*([^\[\]]*?)\s*\]\]")
FIGURE_ATTRIBUTES = ("year", "valid_from")
# texts that may hold placeholders; questions and keywords are training data, and titles are read
# straight from kb/ for "Did you mean ...?" buttons (actions/knowledge.py), so they may not
FILLED_FIELDS = ("answer", "short_answer")
PLAIN_FIELDS = ("questions", "keywords")


@dataclasses.dataclass
class Context:
    figures: Dict[str, Figure]
    office: Office
    as_of: dt.date


def _value(name: str, lang: str, context: Context) -> str:
    """The text for one placeholder; raises KeyError(message) when it cannot be filled."""
    head, _, attribute = name.partition(".")
    if head == "office":
        text = office_text(context.office, attribute, lang)
        if text is None:
            raise KeyError(f"unknown office field [[{name}]]; use one of: {', '.join(sorted(FIELDS))}")
        return text
    figure = context.figures.get(head)
    if figure is None:
        raise KeyError(f"unknown figure [[{name}]]: add '{head}' to kb/figures.yml or fix the name")
    value = figure.value_at(context.as_of)
    if value is None:
        raise KeyError(f"figure '{head}' has no value valid on {context.as_of.isoformat()} (kb/figures.yml)")
    if not attribute:
        return figure.format(value.value, lang)
    if attribute == "year":
        return str(value.valid_from.year)
    if attribute == "valid_from":
        return value.valid_from.isoformat()
    raise KeyError(f"unknown figure attribute [[{name}]]; use [[{head}]] or [[{head}.year]]")


def fill_text(text: str, lang: str, context: Context, problems: List[Problem], where: str) -> str:
    def replace(match: re.Match) -> str:
        try:
            return _value(match.group(1), lang, context)
        except KeyError as error:
            problems.append(Problem(where, str(error.args[0])))
            return match.group(0)

    return PLACEHOLDER.sub(replace, text)


def fill_entry(entry: Entry, context: Context, problems: List[Problem]) -> Entry:
    """A copy of `entry` with every placeholder filled; problems are appended, never raised."""
    changes = {}
    for field_name in FILLED_FIELDS:
        texts = getattr(entry, field_name)
        changes[field_name] = {
            lang: fill_text(text, lang, context, problems, f"{entry.location} {field_name}.{lang}")
            for lang, text in texts.items()
        }
    for lang, title in entry.title.items():
        if PLACEHOLDER.search(title):
            problems.append(Problem(entry.location, f"title.{lang} {title!r}: placeholders belong in answers only"))
    for field_name in PLAIN_FIELDS:
        for lang, texts in getattr(entry, field_name).items():
            for text in texts:
                if PLACEHOLDER.search(text):
                    problems.append(
                        Problem(entry.location, f"{field_name}.{lang} {text!r}: placeholders belong in answers only")
                    )
    return dataclasses.replace(entry, **changes)


def used_figures(entries: List[Entry]) -> Set[str]:
    """Names of the figures the entries refer to (for the report)."""
    names: Set[str] = set()
    for entry in entries:
        for field_name in FILLED_FIELDS:
            for text in getattr(entry, field_name).values():
                for match in PLACEHOLDER.finditer(text):
                    head = match.group(1).partition(".")[0]
                    if head != "office":
                        names.add(head)
    return names


def fill_knowledge_base(kb: KnowledgeBase, context: Context) -> Tuple[KnowledgeBase, List[Problem]]:
    """The knowledge base with every entry's placeholders filled for `context.as_of`, and the problems."""
    problems: List[Problem] = []
    entries = [fill_entry(entry, context, problems) for entry in kb.entries]
    return dataclasses.replace(kb, entries=entries), problems


def filled_knowledge_base(kb: KnowledgeBase, office: Office, as_of: dt.date | None = None) -> KnowledgeBase:
    """`kb` with the figures and office details filled in for `as_of` (today by default).

    For tools that render answers themselves (benchmarks); raises KnowledgeBaseError on an unknown name.
    """
    from kb_import.errors import KnowledgeBaseError

    filled, problems = fill_knowledge_base(kb, Context(kb.figures, office, as_of or dt.date.today()))
    if problems:
        raise KnowledgeBaseError(problems)
    return filled
