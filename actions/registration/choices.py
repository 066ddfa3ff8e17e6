"""Closed choices (tax form, ZUS, yes/no, same address): their values, labels and typed synonyms.

One table per choice drives everything: the buttons (labels), reading typed answers (keywords,
or the option's number, which is how WhatsApp and phone users answer a numbered list), and the
summary. Values are the ones stored in the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence, Tuple

from lang.text import fold, words
from services.storage.models import TaxForm, ZusOption


@dataclass(frozen=True)
class Option:
    value: str
    label_pl: str
    label_en: str
    keywords: Tuple[str, ...]  # folded word prefixes or phrases that select this option


TAX_FORM_OPTIONS: Tuple[Option, ...] = (
    Option(
        TaxForm.SCALE.value,
        "skala podatkowa (12% i 32%)",
        "tax scale (12% and 32%)",
        ("skal", "zasady ogolne", "ogoln", "12", "scale", "general", "progressive"),
    ),
    Option(TaxForm.FLAT.value, "podatek liniowy (19%)", "flat tax (19%)", ("liniow", "19", "flat", "linear")),
    Option(TaxForm.LUMP_SUM.value, "ryczałt od przychodów", "lump-sum tax on revenue", ("ryczal", "lump", "revenue")),
)

ZUS_OPTIONS: Tuple[Option, ...] = (
    Option(
        ZusOption.START_RELIEF.value,
        "ulga na start (6 miesięcy)",
        "start-up relief (6 months)",
        ("ulg", "na start", "relief", "startup", "start-up", "start up"),
    ),
    Option(
        ZusOption.PREFERENTIAL.value,
        "preferencyjne składki (24 miesiące)",
        "preferential contributions (24 months)",
        ("preferenc", "maly zus", "malego zus", "preferential", "reduced", "small zus", "lower"),
    ),
    Option(
        ZusOption.FULL.value,
        "pełne składki ZUS",
        "full ZUS contributions",
        ("pel", "duzy zus", "normaln", "standard", "full", "normal", "regular"),
    ),
)

YES, NO, SAME = "yes", "no", "same"

CONFIRM_OPTIONS: Tuple[Option, ...] = (
    Option(
        YES,
        "Tak, wysyłam",
        "Yes, submit",
        (
            "tak",
            "zgadza",
            "potwierdzam",
            "wysylam",
            "wyslij",
            "ok",
            "yes",
            "correct",
            "confirm",
            "submit",
            "send",
            "right",
        ),
    ),
    Option(
        NO,
        "Nie, chcę coś zmienić",
        "No, I want to change something",
        ("nie", "zmien", "popraw", "no", "change", "wrong", "incorrect", "edit"),
    ),
)

SAME_ADDRESS_KEYWORDS: Tuple[str, ...] = (
    "taki sam",
    "taki jak",
    "ten sam",
    "to samo",
    "tak samo",
    "jak zamieszkania",
    "jak wyzej",
    "jw",
    "identyczn",
    "same",
    "as above",
    "as my home",
    "as home",
    "as residence",
    "identical",
)


def _matches(folded_words: Sequence[str], keyword: str) -> bool:
    if " " in keyword:
        return re.search(r"(?<!\w)" + re.escape(keyword) + r"(?!\w)", " ".join(folded_words)) is not None
    return any(word.startswith(keyword) for word in folded_words)


def parse_choice(text: str, options: Sequence[Option]) -> str | None:
    """The value of the one option `text` selects (by value, number or keyword), else None.

    Ambiguous answers ("skala albo ryczałt") select nothing, so the user is asked again.
    """
    stripped = str(text).strip().strip(".!")
    values = {option.value for option in options}
    if stripped in values:
        return stripped
    if stripped.isdigit() and 1 <= int(stripped) <= len(options):
        return options[int(stripped) - 1].value
    folded_words = words(fold(stripped).replace("-", " ").replace("%", " "))
    hits = {option.value for option in options if any(_matches(folded_words, k) for k in option.keywords)}
    return hits.pop() if len(hits) == 1 else None


def means_same_address(text: str) -> bool:
    folded_words = words(fold(str(text)))
    return str(text).strip() == SAME or any(_matches(folded_words, k) for k in SAME_ADDRESS_KEYWORDS)


def option_label(options: Sequence[Option], value: str, language: str) -> str:
    for option in options:
        if option.value == value:
            return option.label_en if language == "en" else option.label_pl
    return value
