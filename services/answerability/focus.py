"""The question inside a long message.

Entrepreneurs often write a few sentences of context before the actual question ("I run a shop in
Radom. Last year I ... . Can I ...?"). Retrieval should weigh the question sentence more, without
losing the context words, so the retriever scores the whole text *and* this focus.
"""

from __future__ import annotations

import re

from lang.text import fold

# a sentence ends at ?, ! or a line break, or at . ; before a capital letter (so "40 tys. zł" and
# "sp. z o.o. z kolegą" are not split)
_SENTENCE_END = re.compile(r"(?<=[?!])\s+|(?<=[.;])\s+(?=[\"„(]?[A-ZĄĆĘŁŃÓŚŹŻ])|\n+")
# question openers in Polish (folded) and English; a sentence starting with one is a question
INTERROGATIVES = frozenset(
    [
        "czy",
        "jak",
        "jaki",
        "jaka",
        "jakie",
        "jakiego",
        "jakim",
        "jakich",
        "co",
        "gdzie",
        "kiedy",
        "ile",
        "dlaczego",
        "czemu",
        "kto",
        "komu",
        "kogo",
        "ktory",
        "ktora",
        "ktore",
        "ktorego",
        "skad",
        "dokad",
        "jakie",
        "czym",
        "na",
        "w",
        "do",
        "od",
        "o",
        "how",
        "what",
        "when",
        "where",
        "who",
        "whom",
        "whose",
        "which",
        "why",
        "can",
        "could",
        "do",
        "does",
        "did",
        "is",
        "are",
        "should",
        "must",
        "may",
        "might",
        "would",
        "will",
        "shall",
        "am",
    ]
)
# words that open a Polish or English question but also start ordinary clauses: only count when
# the sentence ends with a question mark
_WEAK = frozenset(["na", "w", "do", "od", "o", "co"])


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the sentences of `text`."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text or ""):
        if (text or "")[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if (text or "")[start:].strip():
        spans.append((start, len(text)))
    return spans


def _is_question(sentence: str) -> bool:
    if sentence.rstrip().endswith("?"):
        return True
    first = fold(sentence).split(maxsplit=1)
    return bool(first) and first[0] in INTERROGATIVES and first[0] not in _WEAK


def question_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the question sentence(s) of a multi-sentence message; empty when the message is
    one sentence or every (or no) sentence is a question: then the whole text is the question."""
    spans = sentence_spans(text)
    if len(spans) < 2:
        return []
    questions = [(start, end) for start, end in spans if _is_question(text[start:end])]
    return questions if 0 < len(questions) < len(spans) else []


def question_focus(text: str) -> str | None:
    """The question sentence(s) of a long message, or None (see `question_spans`)."""
    spans = question_spans(text)
    return " ".join(text[start:end].strip() for start, end in spans) or None
