"""A copy of the project with a smaller knowledge base, for tests that retrain models.

The analysts' loop trains candidates and asks them the regression set; on the full knowledge base
that is minutes per model. The copy keeps the code, config and non-FAQ data as they are and
publishes only the topics of a few categories (the others become `retired`, as an office would
withdraw them), so the same commands run on a fraction of the training data. Tests that edit
kb/ edit the copy, never the project.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterable

import yaml

from tests.stack import ROOT, project_env

# not copied: the environment, caches (Rasa's training cache is hundreds of MB), models, logs and the
# browser tests' npm packages
IGNORED = shutil.ignore_patterns(".git", ".venv", ".rasa", "var", "models", "node_modules", "__pycache__", "*.log")


def trimmed_copy(target: Path, categories: Iterable[str]) -> Path:
    """The project copied to `target` with only the topics of `categories` published (kb_import rerun)."""
    shutil.copytree(ROOT, target, ignore=IGNORED, symlinks=True)
    keep = set(categories)
    for path in sorted((target / "kb").glob("*.yml")):
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        if not data.get("entries") or data.get("category") in keep:
            continue
        for entry in data["entries"]:
            entry["status"] = "retired"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), "utf-8")
    env = project_env(target)
    subprocess.run([sys.executable, "-m", "kb_import"], cwd=target, env=env, check=True)
    # config.yml's blank spaCy model, read by path when a model is trained or loaded
    subprocess.run([sys.executable, "-m", "components.spacy_model"], cwd=target, env=env, check=True)
    return target
