"""The rules a knowledge base must meet before anything is generated from it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Dict, List, Tuple

from kb_import.errors import Problem
from kb_import.model import STATUSES, Entry, KnowledgeBase
from kb_import.sources import ALLOWED_DOMAINS, is_allowed_host, is_well_formed
from lang.codes import LANGUAGE_NAMES, LANGUAGES
from lang.text import normalise_question

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{2,63}$")
MIN_QUESTIONS = {"pl": 10, "en": 6}
TITLE_MAX = 60
OWNER_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,63}$")


def _entry_problems(entry: Entry) -> List[Problem]:
    where = entry.location
    problems: List[Problem] = []

    def add(message: str) -> None:
        problems.append(Problem(where, message))

    if not ID_PATTERN.match(entry.id):
        add(f"bad id '{entry.id}': use 3-64 lowercase letters, digits and _, starting with a letter")
    if entry.status not in STATUSES:
        add(f"bad status '{entry.status}': use {', '.join(STATUSES)}")
    if not entry.owner:
        add("no owner: name the team that keeps this answer correct (e.g. owner: kb-team-zus)")
    elif not OWNER_PATTERN.match(entry.owner):
        add(f"bad owner '{entry.owner}': use lowercase letters, digits and -, e.g. kb-team-zus")
    if not entry.last_review:
        add("no last_review: give the date a person last checked the answer (YYYY-MM-DD)")
    else:
        try:
            dt.date.fromisoformat(entry.last_review)
        except ValueError:
            add(f"bad last_review '{entry.last_review}': use a date YYYY-MM-DD")
    for lang in LANGUAGES:
        name = LANGUAGE_NAMES[lang]
        if lang not in entry.title:
            add(f"missing {name} title (title.{lang})")
        elif not entry.title[lang]:
            add(f"empty {name} title (title.{lang})")
        elif len(entry.title[lang]) > TITLE_MAX:
            add(f"{name} title longer than {TITLE_MAX} characters (title.{lang})")
        if lang not in entry.answer:
            add(f"missing {name} answer (answer.{lang})")
        elif not entry.answer[lang]:
            add(f"empty {name} answer (answer.{lang})")
        questions = entry.questions.get(lang, [])
        if not questions:
            add(f"missing {name} questions (questions.{lang})")
        elif entry.published and len(questions) < MIN_QUESTIONS[lang]:
            add(
                f"only {len(questions)} {name} questions; a published entry needs at least "
                f"{MIN_QUESTIONS[lang]} (questions.{lang})"
            )
    for field_name, texts in (("answer", entry.answer), ("short_answer", entry.short_answer), ("title", entry.title)):
        for lang, text in texts.items():
            if "{" in text or "}" in text:
                add(f"{field_name}.{lang} contains {{ or }}, which responses reserve for variables")
    for lang, questions in entry.questions.items():
        for question in questions:
            if "\n" in question or not normalise_question(question):
                add(f"question {question!r} ({lang}) must be one line with words in it")
    if not entry.sources:
        add("no sources: give at least one official https:// link")
    for link in entry.sources:
        if not is_well_formed(link):
            add(f"malformed link '{link}': sources must be full https:// URLs")
        elif not is_allowed_host(link):
            add(f"source '{link}' is not on an official domain ({', '.join(ALLOWED_DOMAINS)} or their subdomains)")
    return problems


def validate(kb: KnowledgeBase) -> List[Problem]:
    """Every problem in `kb`, in reading order (empty when it is fine)."""
    problems: List[Problem] = []
    first_by_id: Dict[str, Entry] = {}
    question_owner: Dict[Tuple[str, str], Entry] = {}
    for entry in kb.entries:
        problems.extend(_entry_problems(entry))
        if entry.id in first_by_id:
            problems.append(
                Problem(
                    entry.location, f"duplicate id '{entry.id}' (first defined at {first_by_id[entry.id].location})"
                )
            )
            continue
        first_by_id[entry.id] = entry
        if not entry.published:
            continue
        for lang, questions in entry.questions.items():
            for question in questions:
                key = (lang, normalise_question(question))
                owner = question_owner.setdefault(key, entry)
                if owner is not entry:
                    problems.append(
                        Problem(
                            entry.location,
                            f"question {question!r} ({lang}) is also under topic '{owner.id}' ({owner.location})",
                        )
                    )
    variant_owner: Dict[str, str] = {}
    canonicals = {normalise_question(s.canonical) for s in kb.synonyms}
    for synonym in kb.synonyms:
        for variant in synonym.variants:
            key = normalise_question(variant)
            if key in canonicals and key != normalise_question(synonym.canonical):
                problems.append(Problem(synonym.location, f"variant '{variant}' is itself a canonical term"))
            owner = variant_owner.setdefault(key, synonym.canonical)
            if owner != synonym.canonical:
                problems.append(
                    Problem(
                        synonym.location,
                        f"variant '{variant}' is listed under both '{owner}' and '{synonym.canonical}'",
                    )
                )
    return problems
