"""The service dashboard (analysts and supervisors): figures for a date range and channel, CSV export.

Figures come from `services.metrics.figures` (the same ones `python -m review report` writes);
charts are inline SVG rendered on the server (`services.metrics.charts`): no script, no CDN.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, text

from console.access import requires
from console.pages import render
from services.accounts.sessions import LoggedIn
from services.metrics.charts import bar_chart
from services.metrics.figures import OFFICE_ZONE, Period, compute, to_csv
from services.storage.db import session_scope

dashboard_routes = Blueprint("dashboard")
ROLES = ("analyst", "supervisor")
DEFAULT_DAYS = 30


def period_from(request: Request) -> tuple[Period, str | None]:
    """The filters from the query string (default: the last 30 days, every channel)."""
    today = datetime.now(OFFICE_ZONE).date()
    error = None
    try:
        end = date.fromisoformat(request.args.get("to") or today.isoformat())
        start = date.fromisoformat(request.args.get("from") or (end - timedelta(days=DEFAULT_DAYS - 1)).isoformat())
    except ValueError:
        start, end, error = today - timedelta(days=DEFAULT_DAYS - 1), today, "Dates must look like 2026-11-25."
    if start > end:
        start, end, error = end, start, "'From' was after 'To'; the dates were swapped."
    return Period(start, end, request.args.get("channel") or None), error


def _figures(request: Request, period: Period):
    config = request.app.ctx.config
    with session_scope(config.app_database_url) as session:
        return compute(session, config.events_database_url, period)


@dashboard_routes.get("/dashboard")
@requires(*ROLES)
async def dashboard(request: Request, user: LoggedIn) -> HTTPResponse:
    period, error = period_from(request)
    figures = _figures(request, period)
    query = urlencode({"from": period.start, "to": period.end, "channel": period.channel or ""})
    return render("analysts/dashboard.html", request, user, f=figures, chart=bar_chart, query=query, error=error)


@dashboard_routes.get("/dashboard.csv")
@requires(*ROLES)
async def dashboard_csv(request: Request, user: LoggedIn) -> HTTPResponse:
    period, _ = period_from(request)
    name = f"dashboard-{period.start}-{period.end}{'-' + period.channel if period.channel else ''}.csv"
    return text(
        to_csv(_figures(request, period)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
