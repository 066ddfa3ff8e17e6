"""The analysts' loop end to end: real conversations -> harvest (masked, clustered) -> labels in a real
browser and through an XLSX round trip -> retrain behind the regression gate -> the promoted model
answers; a deliberately broken knowledge base is refused and the old model keeps serving.

It runs on a copy of the project that publishes the topics of five categories only
(tests/trimmed_project.py): the commands are the same, each training takes a fraction of the time,
and the analyst's edits to kb/ land in the copy. It trains the copy's serving model, one full
candidate (20 paraphrases added) and a retrieval-only check for the refused change (a refused
model is never served).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import requests
import yaml
from openpyxl import load_workbook
from playwright.sync_api import Browser, expect
from sqlalchemy import create_engine, text

from review.retrain import heldout_questions, published_topics
from services.answerability import answered_topic, retrieved_topic
from tests.stack import ROOT, Stack, project_env, train_cached
from tests.test_browser import AXE, browser  # noqa: F401  (the module's Chromium fixture)
from tests.trimmed_project import trimmed_copy

PASSWORD = "secret for tests 1"
WCAG = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}"
TARGET = "startup_grant_pup"  # the topic the slang questions below belong to
# Questions the serving model does not answer with TARGET (checked below), near-duplicates of each other
SLANG = [
    "kasa z pośredniaka na start firmy",
    "kasa z posredniaka na start firmy",
    "kasa z pośredniaka na start własnej firmy",
]
PERSONAL = "mój pesel 44051401359 tel 600 123 456 czy dostanę kasę z pośredniaka na start firmy"
OTHER = ["hajs z pośredniaka żeby otworzyć działalność", "hajs z posredniaka zeby otworzyc dzialalnosc"]
# more paraphrases typed by the analyst in the sheet: with the cluster's 3 distinct ones, 20 new questions
EXTRA = [
    "ile kasy daje pośredniak na firmę",
    "pośredniak dofinansowanie działalności",
    "czy pośredniak da mi pieniądze na biznes",
    "pośredniak dotacja na firmę jak dostać",
    "kasa z pośredniaka na działalność",
    "forsa z pośredniaka na firmę",
    "pośredniak da hajs na sklep?",
    "dotacja z pośredniaka na otwarcie sklepu",
    "jak wyciągnąć kasę z pośredniaka na firmę",
    "środki z pośredniaka na własny biznes",
    "pośredniak pieniądze na założenie działalności",
    "czy pośredniak dofinansuje moją firmę",
    "pośredniak dotacja warunki",
    "ile trzeba prowadzić firmę po kasie z pośredniaka",
    "wniosek do pośredniaka o pieniądze na firmę",
    "pośredniak a zakładanie firmy kasa",
    "hajs od pośredniaka na start biznesu",
]
# the copy publishes these categories' topics: TARGET's (support), the topics the serving model
# confuses the slang with (start, change), its neighbours (grants) and vat_registration (vat)
CATEGORIES = ("support", "start", "change", "grants", "vat")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = trimmed_copy(tmp_path_factory.mktemp("trimmed") / "project", CATEGORIES)
    # review.yml's 1% per-language tolerance is written for 305 topics (about 3 of 307 questions);
    # with 56 topics one question is 1.8% of a language, so the copy allows two (a retrained intent
    # classifier routes a borderline question or two differently). Topic-level refusals are unchanged.
    settings = copy / "review.yml"
    text = settings.read_text("utf-8")
    assert "  tolerance: 0.01\n" in text
    settings.write_text(text.replace("  tolerance: 0.01\n", "  tolerance: 0.04\n"), "utf-8")
    return copy


@pytest.fixture(scope="module")
def stack(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    model = train_cached(project, ROOT / "var" / "test-models" / "trimmed")
    own = Stack(model=model, workdir=tmp_path_factory.mktemp("review-stack"), root=project)
    try:
        own.start()
        own.add_staff("ala", PASSWORD, role="analyst", name="Ala Analityk")
        yield own
    finally:
        own.stop()


def review(stack: Stack, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = project_env(
        stack.root, APP_DATABASE_URL=stack.app_db_url, TRACKER_DATABASE_URL=f"sqlite:///{stack.tracker_db}"
    )
    result = subprocess.run(
        [sys.executable, "-m", "review", *args], cwd=stack.root, env=env, capture_output=True, text=True, timeout=3600
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def rows(stack: Stack, query: str) -> list:
    with create_engine(stack.app_db_url).connect() as connection:
        return list(connection.execute(text(query)))


def cluster_of(stack: Stack, fragment: str) -> int:
    found = rows(stack, f"SELECT cluster_id FROM review_questions WHERE text LIKE '%{fragment}%'")
    assert found, f"no harvested question with {fragment!r}"
    return found[0][0]


def test_harvest_finds_masks_and_clusters_unknown_questions(stack: Stack) -> None:
    for question in SLANG + OTHER:
        assert answered_topic(stack.parse(question)) != TARGET, f"the bot already knows {question!r}"
    for question in SLANG + OTHER:
        stack.say(f"rv-{uuid.uuid4().hex[:8]}", question)
    personal = f"rv-{uuid.uuid4().hex[:8]}"
    stack.say(personal, PERSONAL)

    first = review(stack, "harvest")
    assert "new question(s)" in first.stdout
    texts = [r[0] for r in rows(stack, "SELECT text FROM review_questions")]
    assert all("44051401359" not in t and "600 123 456" not in t for t in texts), texts
    masked = rows(stack, f"SELECT text, reasons FROM review_questions WHERE conversation_id = '{personal}'")
    assert masked and "[PESEL]" in masked[0][0] and "[PHONE]" in masked[0][0], masked
    # near-duplicates, with and without diacritics, share a cluster; the other phrasing has its own
    slang = {cluster_of(stack, q) for q in SLANG}
    assert len(slang) == 1, slang
    assert cluster_of(stack, OTHER[0]) == cluster_of(stack, OTHER[1]) != slang.pop()
    listing = review(stack, "clusters").stdout
    assert "kasa z po" in listing
    # incremental: nothing new since the watermark
    assert " 0 new question(s)" in review(stack, "harvest").stdout


def axe_violations(page) -> list:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(f"async () => await axe.run(document, {WCAG})")
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def test_analyst_labels_a_cluster_in_the_browser(stack: Stack, browser: Browser) -> None:  # noqa: F811
    cluster = cluster_of(stack, SLANG[0])
    context = browser.new_context(bypass_csp=True)  # axe-core is injected inline
    page = context.new_page()
    try:
        page.goto(stack.console_url + "/login")
        page.get_by_label("Username").fill("ala")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name="Review questions").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Review questions")
        assert axe_violations(page) == []
        page.get_by_role("link", name=f"Review cluster #{cluster}").click()
        expect(page.locator("#cluster-questions")).to_contain_text(SLANG[1])
        page.get_by_label("Search the knowledge base").fill("dotacja urząd pracy")
        page.get_by_role("button", name="Search topics").click()
        page.get_by_role("radio", name=TARGET).check()
        page.get_by_label("Add as questions of an existing topic").check()
        # the analyst keeps only the questions that belong to the topic
        page.get_by_label("Polish questions to add").fill("\n".join(SLANG))
        assert axe_violations(page) == []
        page.get_by_role("button", name="Save label").click()
        expect(page.locator("#saved")).to_contain_text("written to kb/")
        expect(page.locator("#decided-clusters")).to_contain_text("ala")
        page.goto(stack.console_url + "/dashboard")
        expect(page.get_by_role("heading", level=1)).to_have_text("Service dashboard")
        assert axe_violations(page) == []
    finally:
        context.close()
    kb_text = "".join(p.read_text("utf-8") for p in (stack.root / "kb").glob("*.yml"))
    # the spelling without diacritics is the same question for kb_import: added once
    assert SLANG[0] in kb_text and SLANG[2] in kb_text and SLANG[1] not in kb_text
    decided = rows(stack, f"SELECT decision, topic_id, decided_by FROM review_clusters WHERE id = {cluster}")
    assert decided == [("paraphrase", TARGET, "ala")]
    audit = rows(stack, "SELECT actor, action, target FROM audit_log WHERE action LIKE 'review.%'")
    assert ("ala", "review.paraphrase", f"cluster:{cluster}") in audit


def test_xlsx_round_trip_validates_before_writing(stack: Stack, tmp_path: Path) -> None:
    sheet = tmp_path / "clusters.xlsx"
    review(stack, "export", str(sheet))
    book = load_workbook(sheet)
    table = book.active
    header = [c.value for c in table[1]]
    other = cluster_of(stack, OTHER[0])
    row = next(r for r in table.iter_rows(min_row=2) if r[header.index("cluster_id")].value == other)
    assert OTHER[1] in row[header.index("questions_pl")].value
    row[header.index("decision")].value = "paraphrase"
    row[header.index("topic_id")].value = TARGET
    # first a broken label: a question that belongs to another topic -> refused, nothing written
    row[header.index("questions_pl")].value = "hajs z pośredniaka na start\nGdzie złożyć formularz VAT-R?"
    book.save(sheet)
    before = {p.name: p.read_text("utf-8") for p in (stack.root / "kb").glob("*.yml")}
    refused = review(stack, "import", str(sheet), "--actor", "ala", check=False)
    assert refused.returncode == 2 and "nothing was written" in refused.stderr and "vat_registration" in refused.stderr
    assert before == {p.name: p.read_text("utf-8") for p in (stack.root / "kb").glob("*.yml")}
    row[header.index("questions_pl")].value = "\n".join(OTHER + EXTRA)
    book.save(sheet)
    done = review(stack, "import", str(sheet), "--actor", "ala")
    assert "1 label(s) applied" in done.stdout
    kb_text = "".join(p.read_text("utf-8") for p in (stack.root / "kb").glob("*.yml"))
    assert all(q in kb_text for q in [OTHER[0], *EXTRA])
    assert rows(stack, f"SELECT decided_by FROM review_clusters WHERE id = {other}") == [("ala",)]


@pytest.mark.timeout(2400)  # a full `rasa train` plus two models answering the regression set
def test_retrain_is_gated_promoted_and_answers_the_new_questions(stack: Stack, tmp_path: Path) -> None:
    conversation = f"rv-{uuid.uuid4().hex[:8]}"
    stack.say(conversation, "Dzień dobry")
    before = stack.tracker(conversation)["events"]
    report = tmp_path / "gate.md"
    result = review(
        stack,
        "retrain",
        "--rasa-url",
        stack.url,
        "--token",
        stack.token,
        "--models",
        str(tmp_path),
        "--per-topic",
        "1",  # one held-out question per topic and language: the suite's time budget
        "--report",
        str(report),
    )
    assert "promoted" in result.stdout, result.stdout
    print(result.stdout)  # the measured steps of a gated retrain (shown with pytest -s / -rP)
    shutil.copy(report, ROOT / "var" / "review-gate-last.md")
    body = report.read_text("utf-8")
    assert "PROMOTED" in body and "## Improved" in body and "rasa train" in body
    for question in SLANG + OTHER:
        assert answered_topic(stack.parse(question)) == TARGET, question
    # the conversation survives the model swap
    stack.say(conversation, "kasa z pośredniaka na start firmy")
    after = stack.tracker(conversation)["events"]
    assert len(after) > len(before) and after[: len(before)] == before


def _topics_served_right(stack: Stack, wanted: int = 2) -> Dict[str, List[str]]:
    """Topics whose first two held-out questions in each language (the gate's `--per-topic 2`) the
    serving model retrieves right, with those questions."""
    questions: Dict[str, List[str]] = {}
    for question in heldout_questions(per_topic=2, topics=published_topics(stack.root / "kb")):
        questions.setdefault(question.topic, []).append(question.text)
    chosen = {}
    for topic, texts in questions.items():
        if len(texts) == 4 and all(retrieved_topic(stack.parse(t)) == topic for t in texts):
            chosen[topic] = texts
            if len(chosen) == wanted:
                return chosen
    raise AssertionError("the serving model retrieves no two topics' held-out questions right")


@pytest.mark.timeout(1800)
def test_a_broken_knowledge_base_is_refused_and_the_old_model_keeps_serving(stack: Stack, tmp_path: Path) -> None:
    served_right = _topics_served_right(stack)
    first, second = served_right
    serving = requests.get(f"{stack.url}/status", params={"token": stack.token}, timeout=30).json()["model_id"]
    # the analyst's mistake: the two topics' questions (both languages) moved to each other
    files = {}
    for path in sorted((stack.root / "kb").glob("*.yml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        for entry in data.get("entries") or []:
            if entry["id"] in (first, second):
                files.setdefault(path, data)
    entries = {e["id"]: e for data in files.values() for e in data["entries"] if e["id"] in (first, second)}
    entries[first]["questions"], entries[second]["questions"] = (
        entries[second]["questions"],
        entries[first]["questions"],
    )
    originals = {path: path.read_text("utf-8") for path in files}
    try:
        for path, data in files.items():
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        report = tmp_path / "refused.md"
        args = ["retrain", "--rasa-url", stack.url, "--token", stack.token, "--models", str(tmp_path)]
        result = review(stack, *args, "--per-topic", "2", "--report", str(report), check=False)
    finally:
        for path, text in originals.items():
            path.write_text(text, "utf-8")
    # refused by the quick retrieval check, before any full training
    assert result.returncode == 3, result.stdout + result.stderr
    assert "retrain: REFUSED (quick check (retrieval only))" in result.stdout, result.stdout
    assert "rasa train" not in result.stdout and not list(tmp_path.glob("*.tar.gz")), result.stdout
    body = report.read_text("utf-8")
    assert "**REFUSED**" in body, body
    for topic in (first, second):
        assert re.search(rf"^- {topic}/(pl|en): 0% right, was 100% \(2 questions\)$", body, re.MULTILINE), body
    # nothing was promoted: the same model answers, and still with the right topics
    assert requests.get(f"{stack.url}/status", params={"token": stack.token}, timeout=30).json()["model_id"] == serving
    for topic, questions in served_right.items():
        assert [retrieved_topic(stack.parse(q)) for q in questions] == [topic] * len(questions)
