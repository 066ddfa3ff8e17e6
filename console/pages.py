"""Rendering console pages (Jinja2 with autoescaping: user text is always shown as text)."""

from __future__ import annotations

import secrets
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Request
from sanic.response import HTTPResponse, html, json

from console.auth import LOGIN_CSRF_COOKIE, set_cookie
from console.config import ROOT
from services.accounts.sessions import LoggedIn

TEMPLATES = Environment(
    loader=FileSystemLoader(str(ROOT / "console" / "templates")),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

# The console's sections: (title, url, roles allowed). Later sections (back office, analysts) add theirs.
SECTIONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("Handoff queue", "/handoff", ("agent", "supervisor")),
    ("Supervisor overview", "/handoff/overview", ("supervisor",)),
    ("Applications", "/applications", ("verifier",)),
    ("Review questions", "/review/", ("analyst",)),
    ("Service dashboard", "/dashboard", ("analyst", "supervisor")),
]

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "") and request.method == "GET"


def render(
    name: str, request: Request, user: LoggedIn | None = None, status: int = 200, **context: Any
) -> HTTPResponse:
    sections = [s for s in SECTIONS if user and user.role in s[2]]
    body = TEMPLATES.get_template(name).render(user=user, sections=sections, path=request.path, **context)
    return html(body, status=status)


def login_page(request: Request, status: int = 200, message: str | None = None, username: str = "") -> HTTPResponse:
    """The login form, with a fresh double-submit CSRF token in its cookie."""
    token = secrets.token_urlsafe(24)
    response = render("login.html", request, None, status=status, csrf_token=token, message=message, username=username)
    set_cookie(request, response, LOGIN_CSRF_COOKIE, token)
    return response


def unauthorized(request: Request) -> HTTPResponse:
    if wants_html(request):
        return login_page(request, status=401, message="Please log in to use the console.")
    return json({"error": "login required"}, status=401)


def forbidden(request: Request, user: LoggedIn, csrf: bool = False) -> HTTPResponse:
    reason = "The form expired or was not sent from the console; reload the page and try again." if csrf else None
    if wants_html(request):
        return render("forbidden.html", request, user, status=403, reason=reason)
    return json({"error": "invalid CSRF token" if csrf else "not allowed for your role"}, status=403)
