"""The role-checked route decorator of every console section: `@requires(...)` answers 401 (with
the login page for browsers) without a session, 403 for a role that may not use the route, and 403
for a POST without the session's CSRF token."""

from __future__ import annotations

import functools
from typing import Any, Awaitable, Callable

from sanic import Request
from sanic.response import HTTPResponse

from console.auth import csrf_ok, logged_in, submitted_csrf
from console.pages import forbidden, unauthorized

Handler = Callable[..., Awaitable[HTTPResponse]]


def requires(*roles: str) -> Callable[[Handler], Handler]:
    """Route decorator: a logged-in user with one of `roles` (any role when none given); CSRF on POST."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
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
