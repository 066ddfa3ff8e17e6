"""The PKD classification shipped as data: code parsing, search in Polish and English."""

from __future__ import annotations

import pytest

from actions.registration.pkd_field import validate_pkd_extra, validate_pkd_main
from actions.registration.results import Choose, Valid
from services.pkd import classification, parse_codes, search
from services.pkd.search import load_keywords


def test_classification_has_all_subclasses() -> None:
    table = classification()
    assert len(table.entries) == 656
    assert table.get("47.91.Z").name.startswith("Sprzedaż detaliczna prowadzona przez domy sprzedaży")


@pytest.mark.parametrize("typed", ["47.91.Z", "4791Z", "47.91z", "PKD 47 91 Z", "47.91", "kod PKD: 47.91.Z", "47 91Z"])
def test_code_spellings(typed: str) -> None:
    parsed = parse_codes(typed)
    assert parsed is not None and parsed.problem is None and parsed.codes == ["47.91.Z"]


def test_lists_of_codes() -> None:
    assert parse_codes("62.01.Z, 63.11.Z i 74.10.Z").codes == ["62.01.Z", "63.11.Z", "74.10.Z"]
    assert parse_codes("62.01.Z 62.02.Z").codes == ["62.01.Z", "62.02.Z"]


def test_class_with_several_subclasses_is_ambiguous() -> None:
    parsed = parse_codes("93.29")
    assert parsed.problem == "ambiguous" and "93.29.A" in parsed.options


@pytest.mark.parametrize("text", ["sprzedaż ubrań", "ala ma kota", "100 rzeczy"])
def test_descriptions_are_not_codes(text: str) -> None:
    assert parse_codes(text) is None


@pytest.mark.parametrize(
    "description, expected",
    [
        ("sprzedaż ubrań przez internet", "47.91.Z"),
        ("sprzedaz ubran przez internet", "47.91.Z"),
        ("sklep internetowy", "47.91.Z"),
        ("programowanie", "62.01.Z"),
        ("usługi IT", "62.01.Z"),
        ("salon fryzjerski", "96.02.Z"),
        ("biuro rachunkowe", "69.20.Z"),
        ("tłumaczenia", "74.30.Z"),
        ("sprzątanie biur", "81.21.Z"),
        ("korepetycje z matematyki", "85.59.B"),
        ("transport drogowy towarów", "49.41.Z"),
        ("fotografia ślubna", "74.20.Z"),
        ("catering", "56.21.Z"),
        ("selling clothes online", "47.91.Z"),
        ("online shop", "47.91.Z"),
        ("software development", "62.01.Z"),
        ("IT consulting", "62.02.Z"),
        ("business consulting", "70.22.Z"),
        ("construction", "41.20.Z"),
        ("hairdresser", "96.02.Z"),
        ("transport", "49.41.Z"),
        ("accounting", "69.20.Z"),
        ("catering services", "56.21.Z"),
        ("wedding photography", "74.20.Z"),
        ("translations", "74.30.Z"),
        ("cleaning", "81.21.Z"),
        ("tutoring", "85.59.B"),
    ],
)
def test_search_puts_the_expected_code_first(description: str, expected: str) -> None:
    assert search(description)[0].code == expected


def test_clothes_online_also_offers_clothes_retail() -> None:
    assert "47.71.Z" in [s.code for s in search("sprzedaż ubrań przez internet")]


def test_nonsense_finds_nothing() -> None:
    assert search("ala ma kota") == [] and search("xyz") == []


def test_every_keyword_code_exists() -> None:
    table = classification()
    for language, mapping in load_keywords().items():
        for keyword, codes in mapping.items():
            assert all(code in table.entries for code in codes), (language, keyword)


def test_main_code_field() -> None:
    assert validate_pkd_main("4791Z") == Valid("47.91.Z")
    assert validate_pkd_main("62.01.Z, 62.02.Z") == Valid("62.01.Z", {"reg_pkd_extra": ["62.02.Z"]})
    offered = validate_pkd_main("sprzedaż ubrań przez internet")
    assert isinstance(offered, Choose) and offered.options[0].value == "47.91.Z"
    assert validate_pkd_main("2", [o.value for o in offered.options]) == Valid(offered.options[1].value)


def test_extra_codes_field() -> None:
    assert validate_pkd_extra("brak", "47.91.Z") == Valid([])
    assert validate_pkd_extra("none", "47.91.Z") == Valid([])
    assert validate_pkd_extra("47.91.Z, 47.71.Z", "47.91.Z") == Valid(["47.71.Z"])
    assert validate_pkd_extra(["47.71.Z"], "47.91.Z") == Valid(["47.71.Z"])
