"""The back office section of the console: verifiers review registration applications.

List (filters, oldest first, waiting figures, personal data masked), the application view (every
field, checks re-run, documents, transcript, history), decisions (take, accept, reject, ask for
information) and the CEIDG-1 export. Only the `verifier` role may use it; every view of personal
data (application, document, export) is written to the audit log. The workflow is in
services/applications/ (no Rasa imports); the applicant is told through services.applications.notify.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date
from typing import Any, Dict, List
from urllib.parse import quote, urlencode

import aiohttp
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw, redirect
from sanic.response import json as json_response
from sqlalchemy import select

from console.access import requires
from console.pages import render
from services.accounts import audit
from services.accounts.sessions import LoggedIn
from services.applications import workflow
from services.applications.catalogue import (
    DOCUMENTS,
    FIELDS,
    FIELDS_BY_KEY,
    PKD_SECTIONS,
    REJECTION_REASONS,
    display_values,
)
from services.applications.checks import run_checks
from services.applications.export import NotExportable, ceidg1
from services.applications.models import ApplicationDecision, ApplicationNotification
from services.applications.notify import NotifySettings, notify_decision
from services.applications.queries import Filters, channels, duration, list_applications, waiting
from services.documents import documents_for_application, read_document
from services.handoff.transcript import Line, line_from_event, transcript
from services.privacy import get_masked_logger
from services.storage.db import session_scope
from services.storage.models import Application, ApplicationStatus

logger = get_masked_logger(__name__)
application_routes = Blueprint("applications", url_prefix="/applications")
VERIFIER = "verifier"
MAX_NOTE_CHARS = 2000
STATUS_LABELS = {
    "submitted": "Submitted",
    "in_review": "In review",
    "needs_information": "Needs information",
    "accepted": "Accepted",
    "rejected": "Rejected",
}
LANGUAGE_LABELS = {"pl": "Polish", "en": "English"}


def _db(request: Request) -> str | None:
    return request.app.ctx.config.app_database_url


def notify_settings(request: Request) -> NotifySettings:
    config = request.app.ctx.config
    return NotifySettings.from_env(config.rasa_url, config.rasa_token, config.events_database_url)


def _filters(request: Request) -> tuple[Filters, Dict[str, str]]:
    """Filters from the query string; invalid values are ignored (and shown as not applied)."""
    args = {
        key: (request.args.get(key) or "").strip() for key in ("status", "from", "to", "language", "channel", "section")
    }
    status = args["status"]
    if status == "waiting":
        statuses = [ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW]
    elif status in STATUS_LABELS:
        statuses = [ApplicationStatus(status)]
    else:
        statuses, args["status"] = [], ""

    def day(value: str, key: str) -> date | None:
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            args[key] = ""
            return None

    filters = Filters(
        statuses=statuses,
        submitted_from=day(args["from"], "from"),
        submitted_to=day(args["to"], "to"),
        language=args["language"] if args["language"] in LANGUAGE_LABELS else None,
        channel=args["channel"] or None,
        pkd_section=args["section"] if args["section"] in PKD_SECTIONS else None,
    )
    return filters, args


@application_routes.get("")
@requires(VERIFIER)
async def list_page(request: Request, user: LoggedIn) -> HTTPResponse:
    filters, args = _filters(request)
    with session_scope(_db(request)) as session:
        rows = list_applications(session, filters)
        summary = waiting(session)
        known_channels = channels(session)
    if "application/json" in request.headers.get("accept", ""):
        return json_response(
            {
                "waiting": summary.count,
                "oldest_waiting_seconds": summary.oldest_seconds,
                "applications": [
                    {k: v for k, v in row.__dict__.items() if k != "extra"}
                    | {"submitted_at": row.submitted_at.isoformat()}
                    for row in rows
                ],
            }
        )
    return render(
        "applications/list.html",
        request,
        user,
        rows=rows,
        summary=summary,
        oldest=duration(summary.oldest_seconds),
        duration=duration,
        args=args,
        statuses=STATUS_LABELS,
        languages=LANGUAGE_LABELS,
        channels=known_channels,
        pkd_sections=PKD_SECTIONS,
    )


def _load(session, application_id: int) -> Application | None:
    return session.get(Application, application_id)


def _not_found(request: Request, user: LoggedIn) -> HTTPResponse:
    return render("applications/notice.html", request, user, status=404, message="There is no such application.")


@application_routes.get("/<application_id:int>")
@requires(VERIFIER)
async def view_page(request: Request, user: LoggedIn, application_id: int) -> HTTPResponse:
    with session_scope(_db(request)) as session:
        application = _load(session, application_id)
        if application is None:
            return _not_found(request, user)
        audit.record(session, user.username, "view", f"application:{application.reference}", "personal data")
        values = display_values(application)
        checks = run_checks(application)
        documents = documents_for_application(session, application_id)
        history = list(application.status_changes)
        decisions = list(
            session.execute(
                select(ApplicationDecision)
                .where(ApplicationDecision.application_id == application_id)
                .order_by(ApplicationDecision.id)
            ).scalars()
        )
        notifications = list(
            session.execute(
                select(ApplicationNotification)
                .where(ApplicationNotification.application_id == application_id)
                .order_by(ApplicationNotification.id)
            ).scalars()
        )
        moves = workflow.moves_from(application.status, application.reviewer, user.username)
    lines, source = await conversation(request, application.sender_id)
    return render(
        "applications/view.html",
        request,
        user,
        application=application,
        values=values,
        checks=checks,
        documents=documents,
        history=history,
        decisions=decisions,
        notifications=notifications,
        moves=moves,
        lines=lines,
        transcript_source=source,
        statuses=STATUS_LABELS,
        languages=LANGUAGE_LABELS,
        fields=FIELDS,
        field_labels={f.key: f.label for f in FIELDS},
        document_kinds=DOCUMENTS,
        reasons=REJECTION_REASONS,
        flash=request.args.get("done", ""),
        problem=request.args.get("problem", ""),
    )


async def conversation(request: Request, sender_id: str | None) -> tuple[List[Line], str]:
    """The conversation's lines from the Rasa tracker (HTTP API); Rasa's event broker if Rasa is down."""
    if not sender_id:
        return [], ""
    config = request.app.ctx.config
    url = f"{config.rasa_url.rstrip('/')}/conversations/{quote(sender_id, safe='')}/tracker"
    params = {"include_events": "ALL", "token": config.rasa_token}
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session,
            session.get(url, params=params) as response,
        ):
            if response.status == 200:
                events = (await response.json()).get("events") or []
                lines = [line_from_event(index, event) for index, event in enumerate(events, 1)]
                return [line for line in lines if line], "Rasa tracker"
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        pass
    return transcript(config.events_database_url, sender_id), "event broker (Rasa not reachable)"


def _back(application_id: int, **query: str) -> HTTPResponse:
    return redirect(f"/applications/{application_id}?" + urlencode(query), status=303)


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _form(request: Request) -> Dict[str, Any]:
    if request.content_type.startswith("application/json"):
        return dict(request.json or {})
    form = request.form or {}
    return {key: form.getlist(key) if key in ("fields", "documents") else form.get(key) for key in form}


@application_routes.post("/<application_id:int>/take")
@requires(VERIFIER)
async def take(request: Request, user: LoggedIn, application_id: int) -> HTTPResponse:
    with session_scope(_db(request)) as session:
        if _load(session, application_id) is None:
            return _not_found(request, user)
        try:
            application = workflow.take(session, application_id, user.username)
            audit.record(session, user.username, "take", f"application:{application.reference}")
        except workflow.Conflict:
            if _wants_json(request):
                return json_response({"taken": False, "error": "Another verifier has taken it."}, status=409)
            return render(
                "applications/notice.html",
                request,
                user,
                status=409,
                message="Another verifier has already taken this application.",
                application_id=application_id,
            )
    if _wants_json(request):
        return json_response({"taken": True, "reviewer": user.username})
    return _back(application_id, done="taken")


async def _decide(request: Request, user: LoggedIn, application_id: int, decide) -> HTTPResponse:
    """Run a decision, then tell the applicant; problems go back to the view as a message."""
    body = _form(request)
    note = str(body.get("note") or "").strip()[:MAX_NOTE_CHARS] or None
    with session_scope(_db(request)) as session:
        application = _load(session, application_id)
        if application is None:
            return _not_found(request, user)
        try:
            decision = decide(session, body, note)
            audit.record(session, user.username, decision.decision, f"application:{application.reference}")
        except workflow.InvalidDecision as error:
            if _wants_json(request):
                return json_response({"error": str(error)}, status=400)
            return _back(application_id, problem=str(error))
        except workflow.Conflict:
            message = "Only the verifier who took this application can decide, and only while it is in review."
            if _wants_json(request):
                return json_response({"error": message}, status=409)
            return _back(application_id, problem=message)
    try:
        attempts = await notify_decision(notify_settings(request), application_id, _db(request))
        summary = "; ".join(f"{a.route}: {a.outcome}" for a in attempts) or "nobody to notify"
    except Exception as error:  # noqa: BLE001 - the decision is stored; say that telling the applicant failed
        logger.error("notifying the applicant of %s failed: %s", application_id, type(error).__name__)
        attempts, summary = [], f"telling the applicant failed ({type(error).__name__}); contact them directly"
    if _wants_json(request):
        return json_response({"decision": decision.decision, "notified": [a.__dict__ for a in attempts]})
    return _back(application_id, done=f"{decision.decision} – applicant notified ({summary})")


@application_routes.post("/<application_id:int>/accept")
@requires(VERIFIER)
async def accept(request: Request, user: LoggedIn, application_id: int) -> HTTPResponse:
    return await _decide(
        request, user, application_id, lambda s, body, note: workflow.accept(s, application_id, user.username, note)
    )


@application_routes.post("/<application_id:int>/reject")
@requires(VERIFIER)
async def reject(request: Request, user: LoggedIn, application_id: int) -> HTTPResponse:
    return await _decide(
        request,
        user,
        application_id,
        lambda s, body, note: workflow.reject(s, application_id, user.username, str(body.get("reason") or ""), note),
    )


def _as_list(value: Any) -> List[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


@application_routes.post("/<application_id:int>/ask")
@requires(VERIFIER)
async def ask(request: Request, user: LoggedIn, application_id: int) -> HTTPResponse:
    return await _decide(
        request,
        user,
        application_id,
        lambda s, body, note: workflow.ask_information(
            s, application_id, user.username, _as_list(body.get("fields")), _as_list(body.get("documents")), note
        ),
    )


@application_routes.get("/<application_id:int>/export.json")
@requires(VERIFIER)
async def export(request: Request, user: LoggedIn, application_id: int) -> HTTPResponse:
    with session_scope(_db(request)) as session:
        application = _load(session, application_id)
        if application is None:
            return json_response({"error": "no such application"}, status=404)
        try:
            data = ceidg1(application)
        except NotExportable as error:
            return json_response({"error": str(error)}, status=409)
        audit.record(session, user.username, "export", f"application:{application.reference}", "CEIDG-1 JSON")
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return raw(
        body,
        content_type="application/json; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{data["numerReferencyjny"]}-ceidg1.json"'},
    )


@application_routes.get("/documents/<public_id:str>")
@requires(VERIFIER)
async def document(request: Request, user: LoggedIn, public_id: str) -> HTTPResponse:
    """A document, inline (images shown, PDFs opened by the browser), only for a logged-in verifier."""
    with session_scope(_db(request)) as session:
        found = read_document(session, public_id)
        if found is None:
            return json_response({"error": "no such document"}, status=404)
        stored, data = found
        application = session.get(Application, stored.application_id)
        audit.record(session, user.username, "view_document", f"application:{application.reference}", public_id)
    headers = {
        "Content-Disposition": f'inline; filename="{stored.public_id}.{stored.kind}"',
        "Content-Security-Policy": "default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'",
        "X-Frame-Options": "SAMEORIGIN",
    }
    return raw(data, content_type=stored.content_type, headers=headers)


__all__ = ["application_routes", "FIELDS_BY_KEY"]
