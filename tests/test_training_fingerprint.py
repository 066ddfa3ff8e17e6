"""Rasa's training cache must not reuse a component's state after the code that trains it changed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from components.faq_retriever import FaqRetriever
from components.stored import StoredStateComponent


@pytest.fixture()
def probe_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    source = tmp_path / "fingerprint_probe.py"
    source.write_text("WEIGHT = 1\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield source
    sys.modules.pop("fingerprint_probe", None)


class _Probe(StoredStateComponent):
    TRAINING_CODE = ("fingerprint_probe",)


def test_a_change_to_the_training_code_changes_the_fingerprint(probe_module: Path) -> None:
    before = _Probe.fingerprint_addon({})
    assert _Probe.fingerprint_addon({}) == before  # stable while nothing changes
    probe_module.write_text("WEIGHT = 2\n", "utf-8")
    assert _Probe.fingerprint_addon({}) != before


def test_the_faq_retriever_names_the_modules_it_trains_with() -> None:
    # the topic classifier and the answerability model are trained inside FaqRetriever.train
    assert "services.answerability.topic_classifier" in FaqRetriever.TRAINING_CODE
    assert "services.answerability.evidence" in FaqRetriever.TRAINING_CODE
    assert FaqRetriever.fingerprint_addon({}) != StoredStateComponent.fingerprint_addon({})
