"""Accepted answers and their normalised values, field by field (pure functions, no Rasa)."""

from __future__ import annotations

from datetime import date

import pytest

from actions.registration.address import parse_address
from actions.registration.choices import (
    CONFIRM_OPTIONS,
    NO,
    TAX_FORM_OPTIONS,
    YES,
    ZUS_OPTIONS,
    means_same_address,
    parse_choice,
)
from actions.registration.contact import validate_email, validate_phone
from actions.registration.dates import latest_start, validate_start_date
from actions.registration.identity import validate_business_name, validate_name, validate_pesel
from actions.registration.results import Valid
from actions.registration.tax_ids import NONE, validate_nip, validate_regon
from actions.registration.text_input import is_none_answer, looks_like_question
from tests.registration.cases import ADULT_PESEL, TODAY
from tests.registration.support import make_pesel


def value(result: object) -> object:
    assert isinstance(result, Valid), result
    return result.value


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("jan", "Jan"),
        ("ANNA MARIA", "Anna Maria"),
        ("kowalska-nowak", "Kowalska-Nowak"),
        ("mam na imię Łukasz", "Łukasz"),
        ("McDonald", "McDonald"),
        ("o'neill", "O'Neill"),
        ("my name is Peter", "Peter"),
    ],
)
def test_names_are_accepted_and_capitalised(typed: str, expected: str) -> None:
    assert value(validate_name(typed, "first_name")) == expected


@pytest.mark.parametrize(
    "typed",
    [ADULT_PESEL, f"{ADULT_PESEL[:6]} {ADULT_PESEL[6:]}", f"mój PESEL to {ADULT_PESEL}", f"my PESEL is {ADULT_PESEL}"],
)
def test_pesel_accepted_in_several_spellings(typed: str) -> None:
    assert value(validate_pesel(typed, TODAY)) == ADULT_PESEL


def test_pesel_of_someone_turning_18_today_is_accepted_and_yesterday_is_not() -> None:
    assert isinstance(validate_pesel(make_pesel(date(2008, 11, 22)), TODAY), Valid)
    assert validate_pesel(make_pesel(date(2008, 11, 23)), TODAY).code == "pesel_minor"


def test_pesel_born_in_the_future_is_a_bad_birth_date() -> None:
    assert validate_pesel(make_pesel(date(2027, 1, 1)), TODAY).code == "pesel_birth_date"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("Jan.Kowalski@Gmail.COM", "jan.kowalski@gmail.com"),
        ("mój mail to jan@example.com.", "jan@example.com"),
        ("my email is mary@example.co.uk", "mary@example.co.uk"),
    ],
)
def test_email_normalised(typed: str, expected: str) -> None:
    assert value(validate_email(typed)) == expected


@pytest.mark.parametrize(
    "typed",
    ["601234567", "601 234 567", "+48 601 234 567", "0048601234567", "48601234567", "601-234-567", "tel. 601 234 567"],
)
def test_polish_mobile_normalised_to_e164(typed: str) -> None:
    assert value(validate_phone(typed)) == "+48601234567"


def test_landline_accepted() -> None:
    assert value(validate_phone("(22) 123 45 67")) == "+48221234567"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("ul. Długa 5/3, 00-238 Warszawa", ("Długa", "5/3", "00-238", "Warszawa")),
        ("Marszałkowska 10 m. 5, 00-001 warszawa", ("Marszałkowska", "10/5", "00-001", "Warszawa")),
        ("Zalesie 12, 05-500 Piaseczno", ("Zalesie", "12", "05-500", "Piaseczno")),
        ("12 Long Street, 00-950 Warsaw, Poland", ("Long Street", "12", "00-950", "Warsaw")),
        ("ul. Piękna 12A/4 00238 Kraków", ("Piękna", "12A/4", "00-238", "Kraków")),
        ("Długa 5, Warszawa 00-238", ("Długa", "5", "00-238", "Warszawa")),
        ("ul. 3 Maja 5, 00-238 Warszawa", ("3 Maja", "5", "00-238", "Warszawa")),
    ],
)
def test_addresses_parsed(typed: str, expected: tuple) -> None:
    parsed = value(parse_address(typed))
    assert (parsed["street"], parsed["number"], parsed["postal_code"], parsed["city"]) == expected


@pytest.mark.parametrize(
    "typed",
    ["taki sam", "Taki sam jak zamieszkania", "ten sam adres", "same", "the same as my home address", "jak wyżej"],
)
def test_same_address_phrases(typed: str) -> None:
    assert means_same_address(typed)


def test_an_address_is_not_same_address() -> None:
    assert not means_same_address("ul. Długa 5, 00-238 Warszawa")


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("od jutra", "2026-11-23"),
        ("jutro", "2026-11-23"),
        ("pojutrze", "2026-11-24"),
        ("dziś", "2026-11-22"),
        ("od razu", "2026-11-22"),
        ("1 grudnia", "2026-12-01"),
        ("od 1 grudnia", "2026-12-01"),
        ("2026-12-01", "2026-12-01"),
        ("01.12.2026", "2026-12-01"),
        ("1.12", "2026-12-01"),
        ("tomorrow", "2026-11-23"),
        ("December 1st", "2026-12-01"),
        ("from 1 December", "2026-12-01"),
        ("za tydzień", "2026-11-29"),
        ("w poniedziałek", "2026-11-23"),
        ("next Monday", "2026-11-23"),
        ("5 stycznia", "2027-01-05"),
        ("in two weeks", "2026-12-06"),
    ],
)
def test_start_dates_understood(typed: str, expected: str) -> None:
    assert value(validate_start_date(typed, TODAY)) == expected


def test_start_date_horizon_is_one_year_inclusive() -> None:
    assert latest_start(TODAY) == date(2027, 11, 22)
    assert isinstance(validate_start_date("2027-11-22", TODAY), Valid)
    assert validate_start_date("2027-11-23", TODAY).code == "start_date_too_far"


def test_yearless_date_in_recent_past_is_past_not_next_year() -> None:
    assert validate_start_date("15 listopada", TODAY).code == "start_date_past"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("skala", "scale"),
        ("na zasadach ogólnych", "scale"),
        ("liniowy", "flat"),
        ("podatek liniowy 19%", "flat"),
        ("ryczałt", "lump_sum"),
        ("ryczalt", "lump_sum"),
        ("lump sum", "lump_sum"),
        ("flat tax", "flat"),
        ("2", "flat"),
        ("lump_sum", "lump_sum"),
    ],
)
def test_tax_form_choice(typed: str, expected: str) -> None:
    assert parse_choice(typed, TAX_FORM_OPTIONS) == expected


@pytest.mark.parametrize("typed", ["skala albo ryczałt", "4", "nie wiem"])
def test_tax_form_unclear_or_ambiguous(typed: str) -> None:
    assert parse_choice(typed, TAX_FORM_OPTIONS) is None


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("ulga na start", "start_relief"),
        ("ulgę na start", "start_relief"),
        ("mały ZUS", "preferential"),
        ("preferencyjne składki", "preferential"),
        ("pełny ZUS", "full"),
        ("duży ZUS", "full"),
        ("start-up relief", "start_relief"),
        ("full contributions", "full"),
        ("1", "start_relief"),
    ],
)
def test_zus_choice(typed: str, expected: str) -> None:
    assert parse_choice(typed, ZUS_OPTIONS) == expected


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("tak", YES),
        ("Tak, wysyłam", YES),
        ("wszystko się zgadza", YES),
        ("yes", YES),
        ("nie", NO),
        ("no", NO),
        ("chcę coś zmienić", NO),
    ],
)
def test_confirmation(typed: str, expected: str) -> None:
    assert parse_choice(typed, CONFIRM_OPTIONS) == expected


def test_business_name_must_contain_owner_ignoring_case_and_diacritics() -> None:
    assert value(validate_business_name("jan kowalski usługi IT", "Jan", "Kowalski")) == "jan kowalski usługi IT"
    assert isinstance(validate_business_name("Łukasz Żak Sklep", "Lukasz", "Zak"), Valid)
    assert validate_business_name("Janusz Kowalski", "Jan", "Kowalski").code == "business_name_owner"


@pytest.mark.parametrize("typed", ["1234563218", "PL 123-456-32-18", "mój NIP to 123 456 32 18"])
def test_nip_accepted(typed: str) -> None:
    assert value(validate_nip(typed)) == "1234563218"


@pytest.mark.parametrize("typed", ["nie mam", "Nie", "brak", "I don't have one", "none", "no"])
def test_no_nip(typed: str) -> None:
    assert value(validate_nip(typed)) == NONE
    assert is_none_answer(typed)


def test_regon_nine_and_fourteen_digits() -> None:
    assert value(validate_regon("123456785")) == "123456785"
    assert value(validate_regon("12345678512347")) == "12345678512347"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("co to jest ryczałt?", True),
        ("Ile kosztuje rejestracja", True),
        ("ryczałt", False),
        ("czy mogę wybrać ryczałt", True),
        ("od jutra", False),
        ("what is a flat tax", True),
    ],
)
def test_questions_are_told_from_answers(text: str, expected: bool) -> None:
    assert looks_like_question(text) is expected
