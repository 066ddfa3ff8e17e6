"""The scaled profile under test: throwaway PostgreSQL, Redis and RabbitMQ servers on free ports, the
action server and several Rasa instances started with the real `endpoints.scaled.yml`.

Each service is started by the tests (so restarting or killing one disturbs nobody else on the
machine) from the Debian packages' binaries; when a binary is missing the test fails saying which
package to install: a missing service never turns into a skip.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

import pytest
import requests
from cryptography.fernet import Fernet

from tests.services import _as_postgres_user, _postgres_binaries
from tests.stack import BIN, ENV, ROOT, _stop, _wait, free_port


def _need(path: str, package: str) -> str:
    found = shutil.which(path) or (path if Path(path).exists() else None)
    if not found:
        pytest.fail(f"{path} is needed by the scale-out tests: install Debian's `{package}` package")
    return found


def _wait_port(port: int, what: str, log: Path, timeout: float = 120) -> None:
    import socket

    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    pytest.fail(f"{what} did not open port {port} in {timeout:.0f} s; see {log}")


@dataclass
class ThrowawayRedis:
    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def start(self) -> ThrowawayRedis:
        binary = _need("redis-server", "redis-server")
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = self.workdir / "redis.log"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        _wait_port(self.port, "redis-server", log)
        return self

    def stop(self) -> None:
        _stop(self.process)

    def restart(self) -> None:
        self.stop()
        self.start()


@dataclass
class ThrowawayRabbit:
    workdir: Path
    port: int = field(default_factory=free_port)
    dist_port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def start(self) -> ThrowawayRabbit:
        binary = _need("/usr/lib/rabbitmq/bin/rabbitmq-server", "rabbitmq-server")
        for sub in ("mnesia", "log"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "HOME": str(self.workdir),
            "RABBITMQ_NODENAME": f"vo_test_{self.port}@localhost",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.workdir / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.workdir / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.workdir / "plugins"),
            "RABBITMQ_FEATURE_FLAGS_FILE": str(self.workdir / "feature_flags"),
            "RABBITMQ_CONFIG_FILE": str(self.workdir / "none"),
        }
        log = self.workdir / "rabbitmq.log"
        self.process = subprocess.Popen(
            [binary], cwd=self.workdir, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
        )
        _wait_port(self.port, "rabbitmq-server", log, timeout=180)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    def drain(self, queue: str, timeout: float = 10) -> List[dict]:
        """Every message waiting in `queue` (consumed), as JSON."""
        import asyncio
        import json

        import aio_pika  # Rasa's own broker client

        async def consume() -> List[dict]:
            connection = await aio_pika.connect(host="127.0.0.1", port=self.port, login="guest", password="guest")
            async with connection:
                channel = await connection.channel()
                declared = await channel.declare_queue(queue, durable=True)
                bodies: List[dict] = []
                deadline = time.time() + timeout
                while time.time() < deadline:
                    message = await declared.get(no_ack=True, fail=False)
                    if message is None:
                        if bodies:
                            break
                        await asyncio.sleep(0.3)
                        continue
                    bodies.append(json.loads(message.body))
                return bodies

        return asyncio.run(consume())


@dataclass
class ThrowawayPostgres:
    workdir: Path
    port: int = field(default_factory=free_port)

    def _ctl(self, *args: str) -> None:
        binaries = _postgres_binaries()
        if binaries is None:
            pytest.fail("PostgreSQL binaries are needed by the scale-out tests: install Debian's `postgresql`")
        subprocess.run(_as_postgres_user([str(binaries / "pg_ctl"), *args]), check=True, capture_output=True)

    def start(self) -> ThrowawayPostgres:
        binaries = _postgres_binaries()
        if binaries is None:
            pytest.fail("PostgreSQL binaries are needed by the scale-out tests: install Debian's `postgresql`")
        data = self.workdir / "db"
        if not data.exists():
            self.workdir.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.workdir, "postgres", "postgres")
            subprocess.run(
                _as_postgres_user([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]),
                check=True,
                capture_output=True,
            )
        self._ctl(
            "-D",
            str(data),
            "-l",
            str(self.workdir / "server.log"),
            "-o",
            f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1",
            "-w",
            "start",
        )
        return self

    def stop(self) -> None:
        if (self.workdir / "db" / "postmaster.pid").exists():
            self._ctl("-D", str(self.workdir / "db"), "-m", "fast", "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


@dataclass
class ScaledStack:
    """Action server + `instances` Rasa servers sharing the throwaway PostgreSQL, Redis and RabbitMQ."""

    model: Path
    workdir: Path
    instances: int = 2
    token: str = "scale-test-token"
    queue: str = "vo_events_test"
    tracker_key: str = field(default_factory=lambda: Fernet.generate_key().decode())
    actions_port: int = field(default_factory=free_port)
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)
    ports: List[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.postgres = ThrowawayPostgres(self.workdir / "postgres")
        self.redis = ThrowawayRedis(self.workdir / "redis")
        self.rabbit = ThrowawayRabbit(self.workdir / "rabbitmq")
        self.ports = [free_port() for _ in range(self.instances)]

    @property
    def env(self) -> Dict[str, str]:
        return {
            "VO_ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.actions_port}/webhook",
            "VO_PG_HOST": "127.0.0.1",
            "VO_PG_PORT": str(self.postgres.port),
            "VO_PG_USER": "postgres",
            "VO_PG_PASSWORD": "",
            "VO_TRACKER_DB": "vo_tracker",
            "VO_APP_DB": "vo_app",
            "VO_REDIS_HOST": "127.0.0.1",
            "VO_REDIS_PORT": str(self.redis.port),
            "VO_REDIS_LOCK_DB": "0",
            "VO_REDIS_PASSWORD": "",
            "VO_RABBITMQ_HOST": "127.0.0.1",
            "VO_RABBITMQ_PORT": str(self.rabbit.port),
            "VO_RABBITMQ_USER": "guest",
            "VO_RABBITMQ_PASSWORD": "guest",
            "VO_RABBITMQ_QUEUE": self.queue,
            "VO_TRACKER_KEY": self.tracker_key,
            "RASA_API_TOKEN": self.token,
            "APP_DATABASE_URL": self.postgres.url("vo_app"),
            "VO_SOCKETIO_REDIS_URL": f"redis://127.0.0.1:{self.redis.port}/1",
            "VO_RATE_LIMIT_REDIS_URL": f"redis://127.0.0.1:{self.redis.port}/2",
        }

    def url(self, instance: int) -> str:
        return f"http://127.0.0.1:{self.ports[instance]}"

    def _spawn(self, name: str, args: List[str]) -> subprocess.Popen:
        log = self.workdir / f"{name}.log"
        process = subprocess.Popen(
            args, cwd=ROOT, env={**ENV, **self.env}, stdout=log.open("ab"), stderr=subprocess.STDOUT
        )
        self.processes[name] = process
        return process

    def start(self) -> ScaledStack:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.postgres.start()
        self.redis.start()
        self.rabbit.start()
        subprocess.run([sys.executable, "-m", "deploy.databases"], cwd=ROOT, env={**ENV, **self.env}, check=True)
        self.start_actions()
        for instance in range(self.instances):
            self.start_rasa(instance, wait=False)
        for instance in range(self.instances):
            self.wait_rasa(instance)
        return self

    def start_actions(self) -> None:
        actions = self._spawn(
            "actions",
            [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(self.actions_port)]
            + ["--logging-config-file", "logging.yml"],
        )
        _wait(f"http://127.0.0.1:{self.actions_port}/health", actions, self.workdir / "actions.log")

    def stop_actions(self) -> None:
        _stop(self.processes.pop("actions", None))

    def start_rasa(self, instance: int, wait: bool = True) -> None:
        self._spawn(
            f"rasa-{instance}",
            [
                str(BIN / "rasa"),
                "run",
                "--model",
                str(self.model),
                "--endpoints",
                "endpoints.scaled.yml",
                "--credentials",
                "credentials.yml",
                "--port",
                str(self.ports[instance]),
                "--enable-api",
                "--auth-token",
                self.token,
                "--logging-config-file",
                "logging.yml",
            ],
        )
        if wait:
            self.wait_rasa(instance)

    def wait_rasa(self, instance: int) -> None:
        name = f"rasa-{instance}"
        _wait(
            f"{self.url(instance)}/status?token={self.token}", self.processes[name], self.workdir / f"{name}.log", 600
        )

    def kill_rasa(self, instance: int) -> None:
        """`kill -9`: no shutdown handler runs."""
        process = self.processes.pop(f"rasa-{instance}")
        process.send_signal(signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for name in list(self.processes):
            _stop(self.processes.pop(name))
        for service in (self.rabbit, self.redis, self.postgres):
            with contextlib.suppress(Exception):  # stop the others anyway
                service.stop()

    # --- talking to it -------------------------------------------------------------------------
    def say(self, instance: int, sender: str, text: str, timeout: float = 120) -> List[dict]:
        response = requests.post(
            f"{self.url(instance)}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=timeout
        )
        response.raise_for_status()
        return response.json()

    def events(self, sender: str) -> List[dict]:
        """Every stored event of the conversation (all sessions), read from PostgreSQL in insertion order."""
        import json

        from sqlalchemy import create_engine, text

        engine = create_engine(self.postgres.url("vo_tracker"))
        try:
            with engine.connect() as connection:
                rows = connection.execute(
                    text("select data from events where sender_id = :s order by id"), {"s": sender}
                ).all()
        finally:
            engine.dispose()
        return [json.loads(row[0]) for row in rows]

    def tracker(self, instance: int, sender: str) -> dict:
        response = requests.get(
            f"{self.url(instance)}/conversations/{sender}/tracker", params={"token": self.token}, timeout=60
        )
        response.raise_for_status()
        return response.json()
