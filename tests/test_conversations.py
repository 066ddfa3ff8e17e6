"""Rasa's own checks: `rasa data validate` and the conversation tests in tests/stories/, end to end.

The stories run with `--e2e`, so every user text goes through the NLU pipeline (without it, Rasa
3.6 only replays the labelled intents and the Polish/English texts are never classified). The
number of stories run and passed is read from Rasa's own report, so an empty run fails.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import yaml

from tests.stack import BIN, ENV, ROOT

STORIES = ROOT / "tests" / "stories"


def _story_count() -> int:
    return sum(len(yaml.safe_load(path.read_text("utf-8")).get("stories") or []) for path in STORIES.glob("*.yml"))


def _how_the_model_read(model_path: Path, failed_stories: str) -> str:
    """Each user turn of the failed stories as the model parses it, entities included: Rasa's report
    marks a wrong intent with `# predicted`, but not a wrong or extra entity."""
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.entities_parser import replace_entities

    texts = [
        replace_entities(step["user"]).strip()
        for story in (yaml.safe_load(failed_stories) or {}).get("stories") or []
        for step in story.get("steps") or []
        if "user" in step
    ]
    agent = Agent.load(str(model_path))
    lines = []
    for text in dict.fromkeys(texts):
        parsed = asyncio.run(agent.parse_message(text))
        entities = [(e["entity"], e.get("value")) for e in parsed.get("entities") or []]
        lines.append(f"{text!r} -> {parsed['intent']['name']} {entities}")
    return "\n".join(lines)


def test_rasa_data_validate_passes_with_plain_command() -> None:
    """`rasa data validate` without flags works from the root (domain.yml, data/, config.yml)."""
    result = subprocess.run([str(BIN / "rasa"), "data", "validate"], cwd=ROOT, env=ENV, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "No story structure conflicts found" in result.stdout + result.stderr


def test_conversation_stories_pass_end_to_end(model_path: Path, tmp_path: Path) -> None:
    expected = _story_count()
    assert expected >= 10, "tests/stories/ should hold the core and registration conversations"
    result = subprocess.run(
        [
            str(BIN / "rasa"),
            "test",
            "core",
            "--e2e",
            "--model",
            str(model_path),
            "--stories",
            str(STORIES),
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text("utf-8") if failed.exists() else ""
    report_file = tmp_path / "story_report.json"
    assert report_file.exists(), "Rasa wrote no story report: " + result.stderr[-3000:]
    accuracy = json.loads(report_file.read_text("utf-8")).get("conversation_accuracy")
    assert accuracy, "the report has no conversation accuracy: no story was run"
    assert accuracy["total"] == expected, f"{accuracy['total']} stories run, {expected} in tests/stories"
    if accuracy["correct"] != expected:
        raise AssertionError(
            details[-6000:] + "\n\nHow the model read the failed stories:\n" + _how_the_model_read(model_path, details)
        )
