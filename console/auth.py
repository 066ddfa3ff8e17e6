"""Login sessions, CSRF checks and the role-checked route decorator shared by every console section.

- The session cookie is random, HTTP-only, Secure and SameSite=Strict; the database keeps its hash.
- Every state-changing request (POST) carries the session's CSRF token, in the form field
  `csrf_token` or the `X-CSRF-Token` header. The login form, before any session exists, uses a
  double-submit cookie.
- `@requires(...)` answers 401 (with the login page for browsers) without a session and 403 for a
  role that may not use the route.
"""

from __future__ import annotations

import functools
import hmac
from typing import Any, Awaitable, Callable

from sanic import Request
from sanic.response import HTTPResponse

from services.accounts.sessions import LoggedIn, current_user
from services.storage.db import session_scope

SESSION_COOKIE = "console_session"
LOGIN_CSRF_COOKIE = "console_login_csrf"
Handler = Callable[..., Awaitable[HTTPResponse]]


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


def requires(*roles: str) -> Callable[[Handler], Handler]:
    """Route decorator: a logged-in user with one of `roles` (any role when none given); CSRF on POST."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            from console.pages import forbidden, unauthorized

            user = logged_in(request)
            if user is None:
                return unauthorized(request)
            if roles and user.role not in roles:
                return forbidden(request, user)
            if request.method not in ("GET", "HEAD") and not csrf_ok(user.csrf_token, submitted_csrf(request)):
                return forbidden(request, user, csrf=True)
            return await handler(request, user, *args, **kwargs)

        return wrapper

    return decorate


def client_address(request: Request) -> str:
    return request.remote_addr or request.ip or "unknown"
