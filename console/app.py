"""The console's Sanic application: one login for every kind of staff, a blueprint per section.

Runs as its own process (`python -m console`), separate from Rasa: it reads the application
database and Rasa's event broker, and talks to conversations only through Rasa's HTTP API.
"""

from __future__ import annotations

import asyncio
import contextlib

from sanic import Request, Sanic
from sanic.response import HTTPResponse

from console.config import ROOT, ConsoleConfig
from console.login import login_routes
from console.pages import SECURITY_HEADERS


def create_app(config: ConsoleConfig | None = None, name: str = "console") -> Sanic:
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = 1_000_000
    app.config.RESPONSE_TIMEOUT = 3600  # live streams stay open
    app.ctx.config = config or ConsoleConfig.from_env()
    app.static("/static", str(ROOT / "console" / "static"), name="static")
    app.blueprint(login_routes)
    _register_sections(app)

    @app.on_response
    async def security_headers(request: Request, response: HTTPResponse) -> None:
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)

    return app


def _register_sections(app: Sanic) -> None:
    """Each section of the console is a blueprint in its own module."""
    from console.applications import application_routes
    from console.dashboard import dashboard_routes
    from console.handoff import handoff_routes
    from console.review import review_routes
    from console.watcher import follow_events

    app.blueprint(handoff_routes)
    app.blueprint(application_routes)
    app.blueprint(review_routes)
    app.blueprint(dashboard_routes)

    @app.after_server_start
    async def start_watcher(app: Sanic, loop: asyncio.AbstractEventLoop) -> None:
        app.ctx.watcher = loop.create_task(follow_events(app))

    @app.before_server_stop
    async def stop_watcher(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        app.ctx.watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await app.ctx.watcher
