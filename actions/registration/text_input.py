"""Small helpers for reading free-text answers: lead-in phrases, numbers, questions, "none"."""

from __future__ import annotations

import re
from typing import Iterable

from lang.text import fold, words

MAX_ANSWER_LENGTH = 300  # longer than any field; longer input is a pasted text, not an answer

_QUESTION_WORDS = {
    "co",
    "czy",
    "jak",
    "jaki",
    "jaka",
    "jakie",
    "jakiej",
    "ile",
    "kiedy",
    "gdzie",
    "dlaczego",
    "czemu",
    "czym",
    "kto",
    "ktory",
    "ktora",
    "ktore",
    "what",
    "how",
    "why",
    "when",
    "where",
    "which",
    "who",
    "is",
    "are",
    "can",
    "could",
    "do",
    "does",
    "should",
    "must",
    "may",
    "will",
}
_NONE_FIRST_WORDS = {"nie", "brak", "bez", "zaden", "zadne", "zadnych", "none", "no", "nothing", "nope"}
_NONE_PHRASES = (
    "nie mam",
    "nie posiadam",
    "jeszcze nie",
    "dont have",
    "do not have",
    "havent got",
    "have not got",
    "not yet",
    "have none",
)
_LETTER_NEXT_TO_DIGIT = re.compile(r"\d[^\W\d_]|[^\W\d_]\d")


def strip_lead_in(text: str, lead_ins: Iterable[str]) -> str:
    """Drop a lead-in such as "mój PESEL to" or "my e-mail is:" (compared without diacritics)."""
    cleaned = text.strip()
    folded = fold(cleaned)
    for lead_in in sorted(lead_ins, key=len, reverse=True):
        pattern = re.compile(r"^" + re.escape(fold(lead_in)) + r"\b\s*[:\-]?\s*")
        match = pattern.match(folded)
        if match:
            return cleaned[match.end() :].strip()
    return cleaned


def compact_number(text: str) -> str | None:
    """The digits of a number typed with spaces, dashes or dots ("440 514-01.359"), else None.

    None when there are no digits, or when letters are mixed into the number ("4405140135O"):
    the caller then says the number may only contain digits.
    """
    candidate = text.strip().rstrip(".")
    if not re.search(r"\d", candidate) or _LETTER_NEXT_TO_DIGIT.search(candidate):
        return None
    runs = re.findall(r"\d[\d\s\-.]*\d|\d", candidate)
    rest = re.sub(r"\d[\d\s\-.]*\d|\d", " ", candidate)
    if len(runs) != 1 and words(rest):
        return None  # several numbers separated by words: not one number
    return re.sub(r"\D", "", "".join(runs))


def looks_like_question(text: str) -> bool:
    """A question rather than an answer: a question mark, or a question word first."""
    if "?" in text:
        return True
    tokens = words(fold(text))
    return bool(tokens) and tokens[0] in _QUESTION_WORDS and len(tokens) > 2


def _folded_words(text: str) -> list:
    return words(fold(text).replace("'", ""))


def is_none_answer(text: str) -> bool:
    """'nie mam', 'brak', 'none', "I don't have one": the user has no such number / wants none."""
    tokens = _folded_words(text)
    if not tokens:
        return text.strip() in {"-", "—", "n/a"}
    joined = " ".join(tokens)
    return tokens[0] in _NONE_FIRST_WORDS or any(phrase in joined for phrase in _NONE_PHRASES)


def too_long(text: str) -> bool:
    return len(text) > MAX_ANSWER_LENGTH
