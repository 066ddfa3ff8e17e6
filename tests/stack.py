"""Starts the real servers for end-to-end tests: a trained model, Rasa, the action server, the website.

The model is trained once per set of training inputs and cached under var/test-models/, so a test
session (or a developer's second run) trains only when config, domain, data or components change.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List

import requests

from components.training_inputs import TRAINING_INPUTS

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}


def project_env(root: Path, **extra: str) -> Dict[str, str]:
    """The environment for a command run in the project at `root` (the project itself or a trimmed
    copy): its modules first on the path, and the main project's content-addressed embedding cache."""
    return {
        **ENV,
        "PYTHONPATH": str(root),
        "VO_EMBEDDING_CACHE": str(ROOT / "var" / "embedding-cache"),
        **extra,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def inputs_digest(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        path = root / name
        files = (
            sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
            if path.is_dir()
            else [path]
        )
        for file in files:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def trained_model() -> Path:
    """Path of a model trained on the current inputs (trains and caches when needed).

    `VO_TEST_MODEL=path/to/model.tar.gz` skips training and tests that model instead.
    """
    if os.environ.get("VO_TEST_MODEL"):
        return Path(os.environ["VO_TEST_MODEL"]).resolve()
    return train_cached(ROOT, ROOT / "var" / "test-models")


def train_cached(root: Path, cache: Path) -> Path:
    """`rasa train` in the project at `root`, cached in `cache` under the digest of its training inputs
    (older models there are deleted). Embeddings come from the main project's content-addressed cache."""
    model = cache / f"model-{inputs_digest(root)}.tar.gz"
    if not model.exists():
        cache.mkdir(parents=True, exist_ok=True)
        env = project_env(root)
        subprocess.run([sys.executable, "-m", "components.spacy_model"], cwd=root, check=True, env=env)
        subprocess.run(
            [
                str(BIN / "rasa"),
                "train",
                "--domain",
                "domain",
                "--data",
                "data",
                "--config",
                "config.yml",
                "--out",
                str(cache),
                "--fixed-model-name",
                model.name[: -len(".tar.gz")],
                "--skip-validation",  # tests/test_conversations.py runs `rasa data validate` itself
            ],
            cwd=root,
            check=True,
            env=env,
        )
        for stale in cache.glob("model-*.tar.gz"):
            if stale != model:
                stale.unlink()
    return model


def _wait(url: str, process: subprocess.Popen, log: Path, timeout: float = 600) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} not ready after {timeout}s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen | None) -> None:
    if process and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Stack:
    """Rasa + action server + website on free ports, with their state in `workdir`."""

    model: Path
    workdir: Path
    root: Path = ROOT  # the project the servers run from (a test may run a trimmed copy)
    token: str = field(default_factory=lambda: secrets.token_hex(12))
    rasa_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    console_port: int = field(default_factory=free_port)
    # the consultants' schedule is read at this fixed time, so handoff tests do not depend on the day
    office_clock: str | None = "2026-11-25T10:00:00+01:00"  # a Wednesday, consultants at work
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def console_url(self) -> str:
        return f"http://localhost:{self.console_port}"

    @property
    def events_db(self) -> Path:
        return self.workdir / "events.db"

    @property
    def app_db_url(self) -> str:
        return f"sqlite:///{self.workdir / 'app.db'}"

    @property
    def tracker_db(self) -> Path:
        return self.workdir / "tracker.db"

    def _spawn(self, name: str, args: List[str], env: Dict[str, str] | None = None) -> subprocess.Popen:
        log = self.workdir / f"{name}.log"
        process = subprocess.Popen(
            args,
            cwd=self.root,
            env=project_env(self.root, **(env or {})),
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        self.processes[name] = process
        return process

    @property
    def app_env(self) -> Dict[str, str]:
        env = {"APP_DATABASE_URL": self.app_db_url}
        if self.office_clock:
            env["OFFICE_CLOCK"] = self.office_clock
        return env

    def start(self) -> Stack:
        self.workdir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "services.storage.migrate"],
            cwd=self.root,
            env=project_env(self.root, **self.app_env),
            check=True,
        )
        (self.workdir / "endpoints.yml").write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{self.actions_port}/webhook"\n  enable_selective_domain: true\n'
            f'tracker_store:\n  type: stores.tracker.OfficeTrackerStore\n  dialect: "sqlite"\n  db: "{self.tracker_db}"\n'
            f'event_broker:\n  type: stores.events.OfficeSQLEventBroker\n  dialect: "sqlite"\n  db: "{self.events_db}"\n'
        )
        self._spawn_actions()
        self.start_rasa()
        website = self._spawn(
            "website", [sys.executable, "-m", "website.serve", "--port", str(self.web_port), "--rasa-url", self.url]
        )
        self._spawn_console()
        self._wait_for_actions_and_console()
        _wait(self.web_url + "/", website, self.workdir / "website.log")
        return self

    def _spawn_actions(self) -> None:
        args = ["run", "actions", "--actions", "actions", "--port", str(self.actions_port)]
        self._spawn("actions", [str(BIN / "rasa"), *args, "--logging-config-file", "logging.yml"], self.app_env)

    def _spawn_console(self) -> None:
        self._spawn(
            "console",
            [sys.executable, "-m", "console", "--port", str(self.console_port)],
            {
                **self.app_env,
                "EVENTS_DATABASE_URL": f"sqlite:///{self.events_db}",
                "RASA_URL": self.url,
                "RASA_API_TOKEN": self.token,
            },
        )

    def _wait_for_actions_and_console(self) -> None:
        _wait(f"http://127.0.0.1:{self.actions_port}/health", self.processes["actions"], self.workdir / "actions.log")
        _wait(self.console_url + "/login", self.processes["console"], self.workdir / "console.log")

    @contextmanager
    def office_clock_at(self, clock: str) -> Iterator[Stack]:
        """The action server and the console restarted with the office clock at `clock` (Rasa keeps
        running: the hours decisions of a chat are the action server's), and restarted with the previous
        clock afterwards."""
        previous = self.office_clock

        def restart(to: str | None) -> None:
            for name in ("actions", "console"):
                _stop(self.processes.pop(name, None))
            self.office_clock = to
            self._spawn_actions()
            self._spawn_console()
            self._wait_for_actions_and_console()

        restart(clock)
        try:
            yield self
        finally:
            restart(previous)

    def add_staff(
        self, username: str, password: str, role: str = "agent", name: str | None = None, extra: List[str] = ()
    ) -> None:
        """Creates a console account with `python -m console.users add`, as the README tells a person to."""
        args = [sys.executable, "-m", "console.users", "add", "--username", username, "--role", role]
        args += ["--password-stdin", *extra] + (["--name", name] if name else [])
        subprocess.run(
            args,
            cwd=self.root,
            env=project_env(self.root, APP_DATABASE_URL=self.app_db_url),
            input=password + "\n",
            text=True,
            check=True,
        )

    def start_rasa(self) -> None:
        rasa = self._spawn(
            "rasa",
            [
                str(BIN / "rasa"),
                "run",
                "--model",
                str(self.model),
                "--endpoints",
                str(self.workdir / "endpoints.yml"),
                "--credentials",
                "credentials.yml",
                "--port",
                str(self.rasa_port),
                "--enable-api",
                "--auth-token",
                self.token,
                "--cors",
                "*",
                "--logging-config-file",
                "logging.yml",
            ],
        )
        _wait(f"{self.url}/status?token={self.token}", rasa, self.workdir / "rasa.log")
        # the first prediction builds TensorFlow's graphs (seconds on a busy machine): do it before any test
        self.say(f"warm-up-{secrets.token_hex(4)}", "/greet")

    def restart_rasa(self) -> None:
        _stop(self.processes.pop("rasa", None))
        self.start_rasa()

    def stop(self) -> None:
        for name in list(self.processes):
            _stop(self.processes.pop(name))

    # --- talking to it -------------------------------------------------------------------------
    def say(self, sender_id: str, text: str, metadata: Dict[str, Any] | None = None) -> List[Dict[str, Any]]:
        body: Dict[str, Any] = {"sender": sender_id, "message": text}
        if metadata:
            body["metadata"] = metadata
        response = requests.post(f"{self.url}/webhooks/rest/webhook", json=body, timeout=60)
        response.raise_for_status()
        return response.json()

    def parse(self, text: str) -> Dict[str, Any]:
        response = requests.post(
            f"{self.url}/model/parse", params={"token": self.token}, json={"text": text}, timeout=60
        )
        response.raise_for_status()
        return response.json()

    def tracker(self, sender_id: str) -> Dict[str, Any]:
        response = requests.get(
            f"{self.url}/conversations/{sender_id}/tracker", params={"token": self.token}, timeout=60
        )
        response.raise_for_status()
        return response.json()


def texts(messages: List[Dict[str, Any]]) -> str:
    """All bot texts of one turn, joined: what the user reads."""
    return "\n".join(m.get("text", "") for m in messages)


def dump(messages: List[Dict[str, Any]]) -> str:
    return json.dumps(messages, ensure_ascii=False, indent=1)
