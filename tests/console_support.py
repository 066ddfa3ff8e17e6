"""A console process on its own (no Rasa) for tests of logins, roles and CSRF, plus a logged-in client."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict

import requests

from tests.stack import ENV, ROOT, _stop, _wait, free_port

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class ConsoleOnly:
    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def env(self) -> Dict[str, str]:
        return {
            **ENV,
            "APP_DATABASE_URL": f"sqlite:///{self.workdir / 'app.db'}",
            "EVENTS_DATABASE_URL": f"sqlite:///{self.workdir / 'events.db'}",
            "RASA_URL": "http://127.0.0.1:9",  # nothing listens: these tests never reach Rasa
            "RASA_API_TOKEN": "unused",
        }

    def start(self) -> ConsoleOnly:
        self.workdir.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "services.storage.migrate"], cwd=ROOT, env=self.env, check=True)
        log = self.workdir / "console.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "console", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        _wait(self.url + "/login", self.process, log, timeout=60)
        return self

    def stop(self) -> None:
        _stop(self.process)

    def add_staff(self, username: str, password: str, role: str = "agent", queues: str | None = None) -> None:
        args = [
            sys.executable,
            "-m",
            "console.users",
            "add",
            "--username",
            username,
            "--role",
            role,
            "--password-stdin",
        ]
        if queues:
            args += ["--queues", queues]
        subprocess.run(args, cwd=ROOT, env=self.env, input=password + "\n", text=True, check=True)


class StaffClient:
    """A `requests` session that logs in like a browser: login form, its CSRF token, the session cookie.

    The console's cookies are `Secure`; `requests` would not send them back over http://, so the
    client keeps them itself (a browser treats http://localhost as a secure context and does).
    """

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.cookies: Dict[str, str] = {}
        self.csrf = ""

    def _remember(self, response: requests.Response) -> None:
        for cookie in response.cookies:
            if cookie.value:
                self.cookies[cookie.name] = cookie.value
            else:
                self.cookies.pop(cookie.name, None)

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Accept": "text/html", **kwargs.pop("headers", {})}
        response = self.http.request(
            method,
            self.base_url + path,
            headers=headers,
            cookies=self.cookies,
            allow_redirects=False,
            timeout=30,
            **kwargs,
        )
        self._remember(response)
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict | None = None, csrf: str | None = None, **kwargs) -> requests.Response:
        body = {**(data or {}), "csrf_token": self.csrf if csrf is None else csrf}
        return self.request("POST", path, data=body, **kwargs)

    def login(self, username: str, password: str) -> requests.Response:
        page = self.get("/login")
        token = CSRF_INPUT.search(page.text).group(1)
        response = self.request(
            "POST", "/login", data={"username": username, "password": password, "csrf_token": token}
        )
        if response.status_code == 302:
            home = self.get("/")
            self.csrf = CSRF_INPUT.search(home.text).group(1)
        return response
