"""The console's shared foundation over real HTTP: login, sessions, roles, CSRF, login throttling, audit."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import select

from services.accounts.models import AuditEntry, StaffUser
from services.storage.db import session_scope
from tests.console_support import ConsoleOnly, StaffClient

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleOnly]:
    server = ConsoleOnly(tmp_path_factory.mktemp("console")).start()
    server.add_staff("anna", PASSWORD, "agent")
    server.add_staff("szef", PASSWORD, "supervisor")
    server.add_staff("weryfikator", PASSWORD, "verifier")
    try:
        yield server
    finally:
        server.stop()


def db_url(console: ConsoleOnly) -> str:
    return console.env["APP_DATABASE_URL"]


def test_password_is_stored_as_argon2_hash(console: ConsoleOnly) -> None:
    with session_scope(db_url(console)) as session:
        user = session.execute(select(StaffUser).where(StaffUser.username == "anna")).scalar_one()
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


@pytest.mark.parametrize("path", ["/", "/handoff", "/handoff/overview", "/handoff/api/queue"])
def test_every_page_needs_a_login(console: ConsoleOnly, path: str) -> None:
    response = StaffClient(console.url).get(path)
    assert response.status_code == 401
    assert 'action="/login"' in response.text or response.json() == {"error": "login required"}


def test_login_sets_a_secure_http_only_session_cookie_and_logout_ends_it(console: ConsoleOnly) -> None:
    client = StaffClient(console.url)
    response = client.login("anna", PASSWORD)
    assert response.status_code == 302
    set_cookie = response.headers["Set-Cookie"]
    assert "console_session=" in set_cookie
    for flag in ("HttpOnly", "Secure", "SameSite=Strict"):
        assert flag.lower() in set_cookie.lower(), set_cookie
    home = client.get("/")
    assert home.status_code == 200 and "Handoff queue" in home.text
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 401


def test_forged_or_missing_csrf_token_is_refused(console: ConsoleOnly) -> None:
    client = StaffClient(console.url)
    client.login("anna", PASSWORD)
    assert client.post("/logout", csrf="forged-token").status_code == 403
    assert client.post("/logout", csrf="").status_code == 403
    assert client.get("/").status_code == 200  # still logged in: the forged request did nothing


def test_login_form_needs_its_own_csrf_token(console: ConsoleOnly) -> None:
    client = StaffClient(console.url)
    client.get("/login")
    response = client.request("POST", "/login", data={"username": "anna", "password": PASSWORD, "csrf_token": "x"})
    assert response.status_code == 403
    assert "console_session" not in client.cookies


def test_wrong_role_gets_403(console: ConsoleOnly) -> None:
    verifier = StaffClient(console.url)
    verifier.login("weryfikator", PASSWORD)
    assert verifier.get("/handoff").status_code == 403
    agent = StaffClient(console.url)
    agent.login("anna", PASSWORD)
    assert agent.get("/handoff/overview").status_code == 403


def test_wrong_password_is_refused_and_logins_are_rate_limited(console: ConsoleOnly) -> None:
    console.add_staff("guessed", PASSWORD, "agent")
    client = StaffClient(console.url)
    statuses = [client.login("guessed", f"wrong password {i}").status_code for i in range(5)]
    assert statuses == [401] * 5
    throttled = client.login("guessed", PASSWORD)  # even the right password waits now
    assert throttled.status_code == 429
    assert "Too many failed logins" in throttled.text
    with session_scope(db_url(console)) as session:
        actions = [e.action for e in session.execute(select(AuditEntry).where(AuditEntry.actor == "guessed")).scalars()]
    assert actions.count("login_failed") == 5 and "login_throttled" in actions


def test_users_cli_rejects_a_short_password_and_an_unknown_role(console: ConsoleOnly, tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.stack import ROOT

    args = [sys.executable, "-m", "console.users", "add", "--username", "short", "--role", "agent", "--password-stdin"]
    result = subprocess.run(args, cwd=ROOT, env=console.env, input="abc\n", text=True, capture_output=True)
    assert result.returncode == 2 and "at least 10 characters" in result.stderr
    args[7] = "boss"
    result = subprocess.run(args, cwd=ROOT, env=console.env, input=PASSWORD + "\n", text=True, capture_output=True)
    assert result.returncode != 0 and "invalid choice" in result.stderr
