"""Login sessions and CSRF checks shared by every console section (no console imports: the pages
and the route decorator in console/access.py build on it).

- The session cookie is random, HTTP-only, Secure and SameSite=Strict; the database keeps its hash.
- Every state-changing request (POST) carries the session's CSRF token, in the form field
  `csrf_token` or the `X-CSRF-Token` header. The login form, before any session exists, uses a
  double-submit cookie.
"""

from __future__ import annotations

import hmac

from sanic import Request
from sanic.response import HTTPResponse

from services.accounts.sessions import LoggedIn, current_user
from services.storage.db import session_scope

SESSION_COOKIE = "console_session"
LOGIN_CSRF_COOKIE = "console_login_csrf"


def set_cookie(request: Request, response: HTTPResponse, name: str, value: str, max_age: int | None = None) -> None:
    response.cookies[name] = value
    cookie = response.cookies[name]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = "/"
    if request.app.ctx.config.secure_cookies:
        cookie["secure"] = True
    if max_age is not None:
        cookie["max-age"] = max_age


def clear_cookie(request: Request, response: HTTPResponse, name: str) -> None:
    set_cookie(request, response, name, "", max_age=0)


def logged_in(request: Request) -> LoggedIn | None:
    """The request's user (looked up once per request)."""
    if not hasattr(request.ctx, "user"):
        with session_scope(request.app.ctx.config.app_database_url) as session:
            request.ctx.user = current_user(session, request.cookies.get(SESSION_COOKIE))
    return request.ctx.user


def submitted_csrf(request: Request) -> str:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    form = request.form if request.content_type.startswith(("application/x-www-form", "multipart/")) else None
    return (form.get("csrf_token") if form else None) or ""


def csrf_ok(expected: str, given: str) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(expected.encode(), given.encode())


def client_address(request: Request) -> str:
    return request.remote_addr or request.ip or "unknown"
