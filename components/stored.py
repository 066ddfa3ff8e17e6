"""Base for trainable components whose whole trained state is one object in the model archive."""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import pickle
from pathlib import Path
from typing import Any, Dict, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

logger = logging.getLogger(__name__)
_STATE_FILE = "state.pkl"


class StoredStateComponent(GraphComponent):
    """Subclasses implement `restore(state)` (None: untrained) and call `persist(state)` in train."""

    # the modules besides the component's own whose code shapes what it trains
    TRAINING_CODE: Tuple[str, ...] = ()

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> str | None:
        """The source of the code that trains the component. Rasa's training cache keys a component
        by its config and inputs only, so after a change to this code `rasa train` reused the state
        trained by the old code (a benchmark measured a classifier that was no longer there)."""
        digest = hashlib.sha256()
        for name in (cls.__module__, *cls.TRAINING_CODE):
            spec = importlib.util.find_spec(name)
            digest.update(name.encode())
            if spec is not None and spec.origin:
                digest.update(Path(spec.origin).read_bytes())
        return digest.hexdigest()

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        state: Any | None = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self.restore(state)

    def restore(self, state: Any | None) -> None:
        raise NotImplementedError

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> StoredStateComponent:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> StoredStateComponent:
        try:
            with model_storage.read_from(resource) as directory:
                state = pickle.loads((directory / _STATE_FILE).read_bytes())
        except (ValueError, FileNotFoundError):
            logger.warning("%s has no trained state and will do nothing.", cls.__name__)
            state = None
        return cls(config, model_storage, resource, state)

    def persist(self, state: Any) -> Resource:
        with self._model_storage.write_to(self._resource) as directory:
            (directory / _STATE_FILE).write_bytes(pickle.dumps(state))
        return self._resource
