"""Units of the analysts' loop: writing labels into kb/ copies, the gate's verdict, titles per model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from actions import knowledge
from kb_import.errors import KnowledgeBaseError
from kb_import.loader import load_knowledge_base
from services.review import kb_changes
from services.review.gate import RegressionQuestion, judge, report_markdown
from services.review.settings import ReviewSettings
from tests.stack import ROOT


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(ROOT / "kb", target)
    return target


def test_more_questions_are_inserted_in_place_and_validated(kb_copy: Path) -> None:
    before = (kb_copy / "vat.yml").read_text("utf-8")
    contents = kb_changes.plan(
        [
            kb_changes.MoreQuestions(
                "vat_registration", {"pl": ["czy rejestracja vat: jest płatna?", "rejestracja do VAT"]}
            )
        ],
        kb_copy,
    )
    kb_changes.write(contents)
    after = (kb_copy / "vat.yml").read_text("utf-8")
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    # YAML-special text is quoted, a question the topic already has (case/diacritics aside) is skipped
    assert added == ['        - "czy rejestracja vat: jest płatna?"']
    entry = next(e for e in load_knowledge_base(kb_copy, root=kb_copy.parent).entries if e.id == "vat_registration")
    assert "czy rejestracja vat: jest płatna?" in entry.questions["pl"]


def test_nothing_is_written_when_validation_fails(kb_copy: Path) -> None:
    snapshot = {p.name: p.read_text("utf-8") for p in kb_copy.glob("*.yml")}
    bad = [
        kb_changes.MoreQuestions("vat_registration", {"pl": ["nowe pytanie o vat"]}),
        kb_changes.MoreQuestions("vat_registration", {"pl": ["Jaki jest limit zwolnienia z VAT w 2026 roku?"]}),
        kb_changes.DraftTopic("Bad Id", "vat", {"pl": "x", "en": "y"}, {"pl": ["a"]}, {"pl": "a", "en": "b"}, []),
    ]
    with pytest.raises(KnowledgeBaseError) as error:
        kb_changes.plan(bad, kb_copy)
    messages = " ".join(str(p) for p in error.value.problems)
    assert "also under topic 'vat_registration'" in messages and "bad id 'Bad Id'" in messages
    assert "missing English questions" in messages and "no sources" in messages
    assert snapshot == {p.name: p.read_text("utf-8") for p in kb_copy.glob("*.yml")}
    with pytest.raises(KnowledgeBaseError, match="no topic 'nope'"):
        kb_changes.plan([kb_changes.MoreQuestions("nope", {"pl": ["x"]})], kb_copy)


def test_a_draft_topic_is_appended_in_the_files_own_style(kb_copy: Path) -> None:
    draft = kb_changes.DraftTopic(
        "taxi_license", "change", {"pl": "Licencja na taksówkę", "en": "Taxi licence"},
        {"pl": ["licencja na taksówkę"], "en": ["taxi licence"]}, {"pl": "Odpowiedź.", "en": "Answer."},
        ["https://www.gov.pl/web/infrastruktura"],
    )  # fmt: skip
    kb_changes.write(kb_changes.plan([draft], kb_copy))
    text = (kb_copy / "change.yml").read_text("utf-8")
    assert "\n- id: taxi_license\n  status: draft\n" in text  # change.yml does not indent its list
    entry = next(e for e in load_knowledge_base(kb_copy, root=kb_copy.parent).entries if e.id == "taxi_license")
    assert entry.status == "draft" and entry.questions["en"] == ["taxi licence"]


def test_gate_passes_within_tolerance_and_refuses_a_topic_regression() -> None:
    questions = [RegressionQuestion("a", "pl", f"qa{i}", "heldout") for i in range(5)]
    questions += [RegressionQuestion("b", "pl", f"qb{i}", "heldout") for i in range(95)]
    serving = ["a"] * 5 + ["b"] * 94 + [""]
    settings = ReviewSettings(tolerance=0.01, min_topic_questions=5, topic_tolerance=0.2)
    better = judge(questions, serving, ["a"] * 5 + ["b"] * 95, settings)
    assert better.passed and len(better.improved) == 1 and not better.regressed
    broken = judge(questions, serving, ["b"] * 5 + ["b"] * 94 + [""], settings)
    assert not broken.passed and any(r.startswith("a/pl: 0% right, was 100%") for r in broken.reasons)
    report = report_markdown(broken, "t")
    assert "REFUSED" in report and "## Regressed (5)" in report and "“qa0”" in report


def test_topic_titles_follow_the_model_that_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(knowledge, "TOPICS_DIR", tmp_path)
    knowledge._from_snapshot.cache_clear()
    model_id = "0123456789abcdef"
    topic = {"title": {"pl": "Stary tytuł", "en": "Old title"}, "question": {"pl": "q", "en": "q"}}
    (tmp_path / f"{model_id}.json").write_text(json.dumps({"vat_registration": topic}), "utf-8")
    tracker = SimpleNamespace(events=[{"event": "user", "metadata": {"model_id": model_id}}, {"event": "action"}])
    assert knowledge.model_id_of(tracker) == model_id
    assert knowledge.topic_title("vat_registration", "pl", model_id) == "Stary tytuł"
    assert knowledge.known_topics(model_id) == {"vat_registration"}
    # a model without a snapshot (trained by hand): titles from kb/
    assert knowledge.topic_title("vat_registration", "pl", "ffffffffffffffff") == "Rejestracja do VAT (formularz VAT-R)"
    knowledge._from_snapshot.cache_clear()


def test_retired_topics_leave_the_regression_set(kb_copy: Path) -> None:
    """A retired topic's held-out questions would count against every candidate (none answers them)."""
    from review.retrain import heldout_questions, published_topics

    everything = heldout_questions(per_topic=1)
    retired = everything[0].topic
    path = next(p for p in kb_copy.glob("*.yml") if f"id: {retired}\n" in p.read_text("utf-8"))
    text = path.read_text("utf-8")
    start = text.index(f"id: {retired}\n")
    status = text.index("status: published", start)
    path.write_text(text[:status] + "status: retired" + text[status + len("status: published") :], "utf-8")

    published = published_topics(kb_copy)
    assert retired not in published and len(published) > 100
    kept = heldout_questions(per_topic=1, topics=published)
    assert {q.topic for q in kept} == {q.topic for q in everything} - {retired}
