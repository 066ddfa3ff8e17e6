"""Core custom actions on realistic trackers (no server needed)."""

from __future__ import annotations

from services.conversation.language_policy import requested_language
from services.storage.ratings import parse_rating


def test_requested_language() -> None:
    assert requested_language("mów po angielsku", "pl", "pl") == "en"
    assert requested_language("switch to Polish", "en", "en") == "pl"
    assert requested_language('/change_language{"language":"en"}', "en", "pl") == "en"
    assert requested_language("zmień język", "pl", "pl") == "en"  # no target named: the other one
    assert requested_language("change the language", "en", "en") == "pl"


def test_parse_rating() -> None:
    assert [parse_rating(v) for v in ("4", "5/5", "3 gwiazdki", "0", "7", None, "super")] == [
        4,
        5,
        3,
        None,
        None,
        None,
        None,
    ]
