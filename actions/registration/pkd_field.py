"""The main and the additional PKD codes as form answers: codes, a pick from the list, or words."""

from __future__ import annotations

from typing import List, Sequence

from actions.registration.results import ChoiceOption, Choose, Invalid, Result, Valid
from actions.registration.text_input import is_none_answer, too_long
from services.pkd import name, parse_codes, search

PKD_EXTRA_SLOT = "reg_pkd_extra"
_LABEL_LENGTH = 100  # button titles: the few very long official names are cut


def option_label(code: str, language: str = "pl") -> str:
    label = f"{code} {name(code, language) or ''}".strip()
    return label if len(label) <= _LABEL_LENGTH else label[: _LABEL_LENGTH - 1].rstrip() + "…"


def _choose(query: str, codes: Sequence[str], language: str = "pl") -> Choose:
    return Choose(query, [ChoiceOption(code, option_label(code, language)) for code in codes])


def _picked(text: str, offered: Sequence[str] | None) -> str | None:
    """The code behind "2" when the user answers a numbered list of suggestions."""
    stripped = text.strip().rstrip(".")
    if offered and stripped.isdigit() and 1 <= int(stripped) <= len(offered):
        return offered[int(stripped) - 1]
    return None


def _codes_or_search(text: str, language: str = "pl") -> Result:
    """Codes typed by the user (validated), or suggestions for a description."""
    parsed = parse_codes(text)
    if parsed is None:
        if too_long(text) or len(text.strip()) < 3:
            return Invalid("pkd_no_match", {"query": text.strip()[:60]})
        suggestions = search(text)
        if not suggestions:
            return Invalid("pkd_no_match", {"query": text.strip()[:60]})
        return _choose(text.strip(), [s.code for s in suggestions], language)
    if parsed.problem == "format":
        return Invalid("pkd_format", {"given": parsed.given})
    if parsed.problem == "unknown":
        return Invalid("pkd_unknown", {"code": parsed.given})
    if parsed.problem == "ambiguous":
        return _choose(parsed.given or text, parsed.options, language)
    return Valid(parsed.codes)


def validate_pkd_main(raw: str, offered: Sequence[str] | None = None, language: str = "pl") -> Result:
    """One main code; further codes typed together become the additional ones."""
    text = str(raw)
    picked = _picked(text, offered)
    if picked:
        return Valid(picked)
    result = _codes_or_search(text, language)
    if not isinstance(result, Valid):
        return result
    main, *extra = result.value
    return Valid(main, {PKD_EXTRA_SLOT: extra} if extra else {})


def validate_pkd_extra(
    raw: object, main: str | None, offered: Sequence[str] | None = None, language: str = "pl"
) -> Result:
    """A list of additional codes (possibly empty: "brak" / "none"), without the main one."""
    if isinstance(raw, list):
        return Valid([code for code in raw if code != main])
    text = str(raw)
    picked = _picked(text, offered)
    if picked:
        return Valid([picked] if picked != main else [])
    if is_none_answer(text):
        return Valid([])
    result = _codes_or_search(text, language)
    if not isinstance(result, Valid):
        return result
    codes: List[str] = [code for code in result.value if code != main]
    return Valid(codes)
