"""Login and logout routes."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from console.access import requires
from console.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    clear_cookie,
    client_address,
    csrf_ok,
    logged_in,
    set_cookie,
    submitted_csrf,
)
from console.pages import login_page, render
from services.accounts import audit, throttle
from services.accounts.sessions import LoggedIn, end_session, start_session
from services.accounts.users import authenticate
from services.storage.db import session_scope

login_routes = Blueprint("login")


@login_routes.get("/login")
async def show_login(request: Request) -> HTTPResponse:
    if logged_in(request):
        return redirect("/")
    return login_page(request)


@login_routes.post("/login")
async def do_login(request: Request) -> HTTPResponse:
    config = request.app.ctx.config
    if not csrf_ok(request.cookies.get(LOGIN_CSRF_COOKIE, ""), submitted_csrf(request)):
        return login_page(request, status=403, message="The login form expired. Please try again.")
    username = (request.form.get("username") or "").strip().lower()[:64]
    password = request.form.get("password") or ""
    address = client_address(request)
    with session_scope(config.app_database_url) as session:
        if throttle.is_locked(session, username, address):
            audit.record(session, username or "?", "login_throttled", address)
            return login_page(
                request, status=429, username=username, message="Too many failed logins. Wait 15 minutes and try again."
            )
        user = authenticate(session, username, password)
        if user is None:
            throttle.record_failure(session, username, address)
            audit.record(session, username or "?", "login_failed", address)
            failed = True
        else:
            failed = False
            throttle.clear_failures(session, username)
            token, _csrf = start_session(session, user)
            audit.record(session, user.username, "login", address)
    if failed:
        return login_page(request, status=401, username=username, message="Wrong username or password.")
    response = redirect("/")
    set_cookie(request, response, SESSION_COOKIE, token)
    clear_cookie(request, response, LOGIN_CSRF_COOKIE)
    return response


@login_routes.post("/logout")
@requires()
async def do_logout(request: Request, user: LoggedIn) -> HTTPResponse:
    with session_scope(request.app.ctx.config.app_database_url) as session:
        end_session(session, request.cookies.get(SESSION_COOKIE))
        audit.record(session, user.username, "logout")
    response = redirect("/login")
    clear_cookie(request, response, SESSION_COOKIE)
    return response


@login_routes.get("/")
@requires()
async def home(request: Request, user: LoggedIn) -> HTTPResponse:
    return render("home.html", request, user)
