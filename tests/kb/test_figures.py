"""Yearly figures: answers name them, kb_import fills in the value valid on the chosen date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from kb_import.figures import format_amount
from tests.kb.support import DOMAIN_PATH, NLU_PATH, OFFICIAL, answers, make_entry, run, write_figures, write_kb

MINIMUM_WAGE = {
    "name": "minimum_wage",
    "unit": "PLN",
    "values": [
        {"value": 4666.00, "valid_from": "2025-01-01", "source": OFFICIAL},
        {"value": 4806.00, "valid_from": "2026-01-01", "source": OFFICIAL},
        {"value": 5123.45, "valid_from": "2027-01-01", "source": OFFICIAL},
    ],
}
LIMIT = {
    "name": "quarter_limit",
    "unit": "PLN",
    "values": [{"value": 10813.50, "valid_from": "2026-01-01", "source": OFFICIAL}],
}


def _kb(root: Path, answer_pl: str, answer_en: str, figures=(MINIMUM_WAGE, LIMIT)) -> None:
    entry = make_entry("first_topic", "alfa")
    entry["answer"] = {"pl": answer_pl, "en": answer_en}
    entry["short_answer"] = {"pl": "Minimum: [[minimum_wage]].", "en": "Minimum: [[minimum_wage]]."}
    write_kb(root, [entry, make_entry("second_topic", "beta")])
    write_figures(root, list(figures))


WAGE_PL = "W [[minimum_wage.year]] r. płaca minimalna to [[minimum_wage]] brutto."
WAGE_EN = "In [[minimum_wage.year]] the minimum wage is [[minimum_wage]] gross."


@pytest.mark.parametrize(
    "as_of, pl, en",
    [
        (
            "2026-06-30",
            "W 2026 r. płaca minimalna to 4806,00 zł brutto.",
            "In 2026 the minimum wage is PLN 4,806.00 gross.",
        ),
        # the day before a valid_from still gets the older value
        (
            "2025-12-31",
            "W 2025 r. płaca minimalna to 4666,00 zł brutto.",
            "In 2025 the minimum wage is PLN 4,666.00 gross.",
        ),
        # preparing next year's answers
        (
            "2027-01-01",
            "W 2027 r. płaca minimalna to 5123,45 zł brutto.",
            "In 2027 the minimum wage is PLN 5,123.45 gross.",
        ),
    ],
)
def test_the_value_valid_on_the_as_of_date_is_filled_in(tmp_path: Path, as_of: str, pl: str, en: str) -> None:
    _kb(tmp_path, WAGE_PL, WAGE_EN)
    assert run(tmp_path, "--as-of", as_of) == 0
    texts = answers(tmp_path, "first_topic")
    assert texts["pl"] == pl and texts["en"] == en
    assert texts["pl_short"] == f"Minimum: {pl.split(' to ')[1].removesuffix(' brutto.')}."


def test_without_as_of_the_values_of_today_are_used(tmp_path: Path) -> None:
    _kb(tmp_path, WAGE_PL, WAGE_EN)
    assert run(tmp_path) == 0
    year = min(max(dt.date.today().year, 2025), 2027)
    assert answers(tmp_path, "first_topic")["pl"].startswith(f"W {year} r. płaca minimalna")


def test_polish_and_english_number_formats() -> None:
    assert format_amount(Decimal("10813.50"), "PLN", 2, "pl") == "10 813,50 zł"
    assert format_amount(Decimal("10813.50"), "PLN", 2, "en") == "PLN 10,813.50"
    assert format_amount(Decimal("4806"), "PLN", 2, "pl") == "4806,00 zł"
    assert format_amount(Decimal("240000"), "PLN", 0, "en") == "PLN 240,000"
    assert format_amount(Decimal("2000000"), "EUR", 0, "pl") == "2 000 000 euro"
    assert format_amount(Decimal("4.9"), "percent", 1, "pl") == "4,9%"
    assert format_amount(Decimal("4.9"), "percent", 1, "en") == "4.9%"


def test_unknown_figure_fails_naming_file_and_entry_and_writes_nothing(tmp_path: Path, capsys) -> None:
    _kb(tmp_path, WAGE_PL, WAGE_EN)
    assert run(tmp_path, "--as-of", "2026-06-30") == 0
    before = {path: (tmp_path / path).read_bytes() for path in (NLU_PATH, DOMAIN_PATH)}
    _kb(tmp_path, "Płaca: [[minimal_wage]].", "Wage: [[minimum_wage]].")
    capsys.readouterr()
    assert run(tmp_path, "--as-of", "2026-06-30") == 2
    err = capsys.readouterr().err
    assert "nothing was written" in err
    assert (
        "  kb/start.yml, entry 1 ('first_topic') answer.pl: unknown figure [[minimal_wage]]: "
        "add 'minimal_wage' to kb/figures.yml or fix the name\n" in err
    )
    assert {path: (tmp_path / path).read_bytes() for path in (NLU_PATH, DOMAIN_PATH)} == before


def test_unknown_figure_on_a_first_run_creates_no_files(tmp_path: Path, capsys) -> None:
    _kb(tmp_path, "Płaca: [[nope]].", "Wage: [[nope]].")
    assert run(tmp_path) == 2
    assert "unknown figure [[nope]]" in capsys.readouterr().err
    assert not (tmp_path / NLU_PATH).exists() and not (tmp_path / DOMAIN_PATH).exists()


def test_a_date_before_every_valid_from_is_an_error(tmp_path: Path, capsys) -> None:
    _kb(tmp_path, "Limit: [[quarter_limit]].", "Limit: [[quarter_limit]].")
    assert run(tmp_path, "--as-of", "2025-12-31") == 2
    assert "figure 'quarter_limit' has no value valid on 2025-12-31 (kb/figures.yml)" in capsys.readouterr().err
    assert run(tmp_path, "--as-of", "2026-01-01") == 0
    assert answers(tmp_path, "first_topic")["pl"] == "Limit: 10 813,50 zł."


def test_placeholders_are_not_allowed_in_training_questions_or_titles(tmp_path: Path, capsys) -> None:
    _kb(tmp_path, WAGE_PL, WAGE_EN)
    entry = make_entry("first_topic", "alfa")
    entry["questions"]["pl"].append("czy [[minimum_wage]] to dużo")
    entry["title"]["en"] = "Minimum wage [[minimum_wage]]"
    write_kb(tmp_path, [entry, make_entry("second_topic", "beta")])
    assert run(tmp_path) == 2
    err = capsys.readouterr().err
    assert "questions.pl 'czy [[minimum_wage]] to dużo': placeholders belong in answers only" in err
    assert "title.en 'Minimum wage [[minimum_wage]]': placeholders belong in answers only" in err


@pytest.mark.parametrize(
    "figure, message",
    [
        (dict(MINIMUM_WAGE, unit="zł"), "bad unit 'zł'"),
        (
            dict(MINIMUM_WAGE, values=[{"value": 1, "valid_from": "2026-01-01", "source": "https://example.com/x"}]),
            "source 'https://example.com/x' must be an https link to an official page",
        ),
        (dict(MINIMUM_WAGE, values=[{"value": 1, "valid_from": "soon", "source": OFFICIAL}]), "`valid_from` must be"),
    ],
)
def test_bad_figures_are_reported(tmp_path: Path, capsys, figure, message: str) -> None:
    _kb(tmp_path, WAGE_PL, WAGE_EN, figures=(figure,))
    assert run(tmp_path) == 2
    err = capsys.readouterr().err
    assert "kb/figures.yml, figure 1 ('minimum_wage')" in err and message in err


def test_project_answers_have_no_unfilled_placeholders_and_no_hard_coded_yearly_amounts() -> None:
    """The shipped knowledge base: every yearly amount in an answer comes from kb/figures.yml."""
    from kb_import import load_knowledge_base
    from kb_import.__main__ import PROJECT_ROOT

    assert "[[" not in (PROJECT_ROOT / DOMAIN_PATH).read_text("utf-8")
    kb = load_knowledge_base(PROJECT_ROOT / "kb")
    texts = [
        (entry.id, text)
        for entry in kb.entries
        for texts in (entry.title, entry.answer, entry.short_answer)  # titles: no placeholders at all
        for text in texts.values()
    ]
    amounts = (
        "4806",
        "4 806",
        "4,806",
        "1441,80",
        "1,441.80",
        "420,86",
        "432,54",
        "324,41",
        "10 813,50",
        "31,40",
        "240 000",
        "240,000",
    )
    found = [(topic, amount) for topic, text in texts for amount in amounts if amount in text]
    assert not found, f"yearly amounts written in answers instead of [[figure]] references: {found}"
