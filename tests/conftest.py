"""Session fixtures: one trained model and one running stack (Rasa, actions, website) per session."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Iterator

import pytest

from tests.stack import Stack, trained_model


@pytest.fixture(scope="session")
def model_path() -> Path:
    return trained_model()


@pytest.fixture(scope="session")
def rasa_stack(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack(model=model_path, workdir=tmp_path_factory.mktemp("stack"))
    try:
        yield stack.start()
    finally:
        stack.stop()


@pytest.fixture
def sender() -> str:
    """A fresh conversation id."""
    return f"test-{uuid.uuid4().hex[:12]}"
