"""Office contact details come from office.yml; the review report; only published entries are trained."""

from __future__ import annotations

from pathlib import Path

import yaml

from services.office import load_office
from services.office.wording import hours_text
from tests.kb.support import DOMAIN_PATH, NLU_PATH, answers, make_entry, run, write_kb, write_office

WEEK = {day: ["10:00-14:00"] for day in ("monday", "tuesday", "wednesday", "thursday", "friday")}


def _office_kb(root: Path, pl: str, en: str) -> None:
    entry = make_entry("first_topic", "alfa")
    entry["answer"] = {"pl": pl, "en": en}
    write_kb(root, [entry, make_entry("second_topic", "beta")])


def test_office_placeholders_are_filled_from_office_yml(tmp_path: Path) -> None:
    write_office(tmp_path, "+48 11 111 11 11", dict(WEEK, saturday=["10:00-12:00"]))
    _office_kb(
        tmp_path,
        "Zadzwoń pod [[office.phone_main]] lub [[office.phone_international]]: [[office.hours]]; od [[office.opening_time]].",
        "Call [[office.phone_main]]: [[office.hours]].",
    )
    assert run(tmp_path) == 0
    texts = answers(tmp_path, "first_topic")
    assert texts["pl"] == (
        "Zadzwoń pod +48 11 111 11 11 lub +48 99 999 99 99: od poniedziałku do piątku w godz. 10:00–14:00; "
        "w sobotę w godz. 10:00–12:00; od 10:00."
    )
    assert texts["en"] == "Call +48 11 111 11 11: Monday to Friday, 10:00–14:00; Saturday, 10:00–12:00."


def test_changing_office_yml_changes_the_answers(tmp_path: Path, capsys) -> None:
    write_office(tmp_path, "+48 11 111 11 11", WEEK)
    _office_kb(tmp_path, "Tel. [[office.phone_main]].", "Phone [[office.phone_main]].")
    assert run(tmp_path) == 0
    write_office(tmp_path, "+48 22 222 22 22", WEEK)
    assert run(tmp_path, "--check") == 1
    assert run(tmp_path) == 0
    assert answers(tmp_path, "first_topic")["en"] == "Phone +48 22 222 22 22."
    assert "answers changed (1): first_topic" in capsys.readouterr().out


def test_unknown_office_field_is_an_error(tmp_path: Path, capsys) -> None:
    write_office(tmp_path, "+48 11 111 11 11", WEEK)
    _office_kb(tmp_path, "Tel. [[office.fax]].", "Phone [[office.phone_main]].")
    assert run(tmp_path) == 2
    assert "answer.pl: unknown office field [[office.fax]]; use one of:" in capsys.readouterr().err
    assert not (tmp_path / DOMAIN_PATH).exists()


def test_project_contact_answers_use_the_office_configuration() -> None:
    from kb_import.__main__ import PROJECT_ROOT

    office = load_office()
    domain = (PROJECT_ROOT / DOMAIN_PATH).read_text("utf-8")
    assert "123 45 67" not in domain and "8:00–18:00" not in domain
    texts = answers(PROJECT_ROOT, "contact_consultant")
    assert office.phone_main in texts["pl"] and office.phone_international in texts["en"]
    assert hours_text(office, "pl") in texts["pl"] and hours_text(office, "en") in texts["en"]
    assert hours_text(office, "pl") in answers(PROJECT_ROOT, "help_center_hours")["pl"]


def _review_kb(root: Path) -> None:
    old = dict(make_entry("old_topic", "alfa"), last_review="2025-06-30", owner="kb-team-zus")
    fresh = make_entry("fresh_topic", "beta")
    homepage = dict(make_entry("homepage_topic", "gamma"), sources=["https://www.zus.pl/"])
    draft = dict(make_entry("draft_topic", "delta"), status="draft")
    retired = dict(make_entry("retired_topic", "epsilon"), status="retired", last_review="2020-01-01")
    write_kb(root, [old, fresh, homepage, draft, retired])
    (root / "kb" / "review.yml").write_text("review_after_months: 12\n", "utf-8")


def _section(output: str, title: str) -> list:
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    items = []
    for line in lines[start + 1 :]:
        if not line.startswith("  - "):
            break
        items.append(line[4:].split()[0].rstrip(":"))
    return items


def test_review_report_lists_due_homepage_draft_and_retired_entries(tmp_path: Path, capsys) -> None:
    _review_kb(tmp_path)
    assert run(tmp_path, "--report", "--as-of", "2026-11-29") == 0
    out = capsys.readouterr().out
    assert "review due after 12 months" in out
    assert _section(out, "due for review (last_review before 2025-11-29): 1") == ["old_topic"]
    assert "old_topic [kb-team-zus] last_review 2025-06-30" in out
    assert _section(out, "citing a homepage instead of a specific page: 1") == ["homepage_topic"]
    assert _section(out, "drafts (not trained): 1") == ["draft_topic"]
    assert _section(out, "retired (not trained): 1") == ["retired_topic"]
    assert not (tmp_path / DOMAIN_PATH).exists(), "--report must not write the generated files"


def test_review_period_from_the_command_line_overrides_review_yml(tmp_path: Path, capsys) -> None:
    _review_kb(tmp_path)
    assert run(tmp_path, "--report", "--as-of", "2026-11-29", "--review-months", "24") == 0
    assert "due for review (last_review before 2024-11-29): 0" in capsys.readouterr().out
    (tmp_path / "kb" / "review.yml").write_text("review_after_months: 3\n", "utf-8")
    assert run(tmp_path, "--report", "--as-of", "2026-11-29") == 0
    assert _section(capsys.readouterr().out, "due for review (last_review before 2026-08-29): 1") == ["old_topic"]


def test_only_published_entries_are_trained(tmp_path: Path) -> None:
    _review_kb(tmp_path)
    assert run(tmp_path) == 0
    responses = yaml.safe_load((tmp_path / DOMAIN_PATH).read_text("utf-8"))["responses"]
    assert sorted(responses) == ["utter_faq/fresh_topic", "utter_faq/homepage_topic", "utter_faq/old_topic"]
    nlu = (tmp_path / NLU_PATH).read_text("utf-8")
    assert "draft_topic" not in nlu and "retired_topic" not in nlu


def test_project_report_shows_no_homepage_sources(capsys) -> None:
    from kb_import.__main__ import main

    assert main(["--report"]) == 0
    assert "citing a homepage instead of a specific page: 0" in capsys.readouterr().out


def test_project_answers_with_filled_placeholders_fit_chat_and_voice_lengths() -> None:
    """Filled-in figures and office hours must not push an answer over the writing limits."""
    from kb_import.__main__ import PROJECT_ROOT

    responses = yaml.safe_load((PROJECT_ROOT / DOMAIN_PATH).read_text("utf-8"))["responses"]
    too_long = [
        (topic, variation.get("channel", "chat"), len(variation["text"]))
        for topic, variations in responses.items()
        for variation in variations
        if len(variation["text"]) > (200 if "channel" in variation else 700)
    ]
    assert not too_long, f"answers over 700 (chat) / 200 (voice, WhatsApp) characters: {too_long}"
