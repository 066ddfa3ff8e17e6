"""Rasa's own checks: `rasa data validate` and the conversation tests in tests/stories/."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.stack import BIN, ENV, ROOT


def test_rasa_data_validate_passes() -> None:
    result = subprocess.run(
        [str(BIN / "rasa"), "data", "validate", "--domain", "domain", "--data", "data", "--config", "config.yml"],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_conversation_stories_pass(model_path: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            str(BIN / "rasa"),
            "test",
            "core",
            "--model",
            str(model_path),
            "--stories",
            "tests/stories",
            "--out",
            str(tmp_path),
            "--fail-on-prediction-errors",
        ],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, details[-4000:] + result.stdout[-2000:] + result.stderr[-2000:]
    assert "none of the test stories failed" in details.lower() or not details.strip(), details[-4000:]
