"""The consultants' section of the console: the live queue, taking, the session, closing, the overview.

Agents see the queues of their account only; supervisors see every queue and the overview. Every
read of a conversation, take, reply and close is written to the audit log.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Dict, List

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect
from sanic.response import json as json_response

from console.access import requires
from console.pages import render
from console.rasa_api import RasaConversations, RasaUnavailable
from services.accounts import audit
from services.accounts.sessions import LoggedIn
from services.handoff import canned, stats, tickets
from services.handoff.models import QUEUES, HandoffTicket
from services.handoff.transcript import masked, transcript
from services.privacy import redact
from services.storage.db import session_scope
from services.storage.models import utcnow

handoff_routes = Blueprint("handoff", url_prefix="/handoff")
STREAM_SECONDS = 1.0
HEARTBEAT_SECONDS = 15
MAX_REPLY_CHARS = 2000

QUEUE_LABELS = {"general": "General", "registration": "Registration", "english": "English", "video": "Video / PJM"}
REASON_LABELS = {
    "user_request": "asked for a person",
    "fallback": "bot did not understand twice",
    "unknown_answer": "bot had no answer",
    "low_rating": "low rating",
    "kb_topic": "topic needs a consultant",
    "registration_form": "help with the registration form",
}
LANGUAGE_LABELS = {"pl": "Polish", "en": "English"}


def visible_queues(user: LoggedIn) -> tuple:
    return QUEUES if user.role == "supervisor" else tuple(q for q in user.queues if q in QUEUES)


def _db(request: Request) -> str | None:
    return request.app.ctx.config.app_database_url


def _rasa(request: Request) -> RasaConversations:
    config = request.app.ctx.config
    return RasaConversations(config.rasa_url, config.rasa_token)


def ticket_summary(ticket: HandoffTicket, now: Any = None) -> Dict[str, Any]:
    """What the queue shows: no personal data in clear (the preview is masked)."""
    now = now or utcnow()
    return {
        "id": ticket.id,
        "queue": ticket.queue,
        "queue_label": QUEUE_LABELS.get(ticket.queue, ticket.queue),
        "language": ticket.language,
        "language_label": LANGUAGE_LABELS.get(ticket.language, ticket.language),
        "reason": ticket.reason,
        "reason_label": REASON_LABELS.get(ticket.reason, ticket.reason),
        "kind": ticket.kind,
        "channel": ticket.channel,
        "status": ticket.status,
        "waiting_seconds": int((now - ticket.created_at).total_seconds()),
        "created_at": ticket.created_at.isoformat(),
        "preview": redact(ticket.last_question or "")[:200],
        "message": redact(ticket.message or "")[:300],
        "assigned_agent": ticket.assigned_agent,
    }


def queue_state(database_url: str | None, user: LoggedIn) -> Dict[str, List[Dict[str, Any]]]:
    queues = visible_queues(user)
    with session_scope(database_url) as session:
        waiting = tickets.waiting(session, queues)
        mine = tickets.active_of(session, user.username)
        now = utcnow()
        return {
            "waiting": [ticket_summary(t, now) for t in waiting if t.kind == "live"],
            "messages": [ticket_summary(t, now) for t in waiting if t.kind != "live"],
            "mine": [ticket_summary(t, now) for t in mine],
        }


def may_see(user: LoggedIn, ticket: HandoffTicket) -> bool:
    return user.role == "supervisor" or ticket.assigned_agent == user.username or ticket.queue in user.queues


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _error(request: Request, status: int, message: str) -> HTTPResponse:
    if _wants_json(request):
        return json_response({"error": message}, status=status)
    return render("message.html", request, getattr(request.ctx, "user", None), status=status, message=message)


async def _stream(request: Request, produce, interval: float = STREAM_SECONDS) -> None:
    """Server-sent events: `produce()` returns (event name, data) pairs to send, polled every second."""
    response = await request.respond(
        content_type="text/event-stream; charset=utf-8",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
    last_beat = time.monotonic()
    await response.send("retry: 2000\n\n")
    while not request.transport.is_closing():
        for name, data in produce():
            await response.send(f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n")
            last_beat = time.monotonic()
        if time.monotonic() - last_beat > HEARTBEAT_SECONDS:
            await response.send(": keep-alive\n\n")
            last_beat = time.monotonic()
        await asyncio.sleep(interval)


# --- the queue -------------------------------------------------------------------------------------
@handoff_routes.get("")
@requires("agent", "supervisor")
async def queue_page(request: Request, user: LoggedIn) -> HTTPResponse:
    state = queue_state(_db(request), user)
    labels = [QUEUE_LABELS[q] for q in visible_queues(user)]
    return render("handoff/queue.html", request, user, state=state, queue_labels=labels)


@handoff_routes.get("/api/queue")
@requires("agent", "supervisor")
async def queue_json(request: Request, user: LoggedIn) -> HTTPResponse:
    return json_response(queue_state(_db(request), user))


@handoff_routes.get("/stream")
@requires("agent", "supervisor")
async def queue_stream(request: Request, user: LoggedIn) -> None:
    last: List[str] = [""]

    def produce():
        state = queue_state(_db(request), user)
        # waiting times change every second; send when the set of tickets changes, or every 30 s
        key = json.dumps([[t["id"], t["status"]] for group in state.values() for t in group]) + str(
            int(time.time() // 30)
        )
        if key != last[0]:
            last[0] = key
            yield "queue", state

    await _stream(request, produce)


# --- one ticket ------------------------------------------------------------------------------------
def _load(request: Request, user: LoggedIn, ticket_id: int) -> HandoffTicket | HTTPResponse:
    with session_scope(_db(request)) as session:
        ticket = tickets.get(session, ticket_id)
    if ticket is None:
        return _error(request, 404, "There is no such conversation.")
    if not may_see(user, ticket):
        return _error(request, 403, "This conversation is in a queue you do not handle.")
    return ticket


@handoff_routes.get("/tickets/<ticket_id:int>")
@requires("agent", "supervisor")
async def ticket_page(request: Request, user: LoggedIn, ticket_id: int) -> HTTPResponse:
    ticket = _load(request, user, ticket_id)
    if isinstance(ticket, HTTPResponse):
        return ticket
    mine = ticket.assigned_agent == user.username and ticket.status == "active"
    with session_scope(_db(request)) as session:
        audit.record(session, user.username, "read", f"ticket:{ticket.id}", "full" if mine else "masked")
    return render(
        "handoff/ticket.html",
        request,
        user,
        ticket=ticket,
        summary=ticket_summary(ticket),
        mine=mine,
        form=tickets.form_progress(ticket) if mine else {},
    )


def _lines(request: Request, user: LoggedIn, ticket: HandoffTicket, after: int) -> List[Dict[str, Any]]:
    lines = transcript(request.app.ctx.config.events_database_url, ticket.conversation_id, after)
    full = ticket.assigned_agent == user.username and ticket.status == "active"
    return [line.as_dict() for line in (lines if full else masked(lines))]


@handoff_routes.get("/tickets/<ticket_id:int>/stream")
@requires("agent", "supervisor")
async def ticket_stream(request: Request, user: LoggedIn, ticket_id: int) -> HTTPResponse | None:
    ticket = _load(request, user, ticket_id)
    if isinstance(ticket, HTTPResponse):
        return ticket
    cursor = [int(request.args.get("after", 0) or 0)]
    status = [""]

    def produce():
        with session_scope(_db(request)) as session:
            current = tickets.get(session, ticket_id)
        lines = _lines(request, user, current, cursor[0])
        if lines:
            cursor[0] = lines[-1]["id"]
            yield "lines", lines
        if current.status != status[0]:
            status[0] = current.status
            yield "status", {"status": current.status, "assigned_agent": current.assigned_agent}

    await _stream(request, produce, interval=0.5)
    return None


@handoff_routes.post("/tickets/<ticket_id:int>/take")
@requires("agent", "supervisor")
async def take(request: Request, user: LoggedIn, ticket_id: int) -> HTTPResponse:
    ticket = _load(request, user, ticket_id)
    if isinstance(ticket, HTTPResponse):
        return ticket
    with session_scope(_db(request)) as session:
        won = tickets.take(session, ticket_id, user.username)
        if won:
            audit.record(session, user.username, "take", f"ticket:{ticket_id}")
    if not won:
        return _conflict(request, "Somebody else has taken this conversation, or the user has left the queue.")
    try:
        await _rasa(request).agent_joined(ticket.conversation_id, user.display_name)
    except RasaUnavailable as error:
        return _error(request, 502, f"Taken, but the user could not be told: {error}")
    if _wants_json(request):
        return json_response({"taken": True, "ticket": ticket_id})
    return redirect(f"/handoff/tickets/{ticket_id}", status=303)


def _conflict(request: Request, message: str) -> HTTPResponse:
    if _wants_json(request):
        return json_response({"taken": False, "error": message}, status=409)
    return render("message.html", request, request.ctx.user, status=409, message=message)


def _own_active(request: Request, user: LoggedIn, ticket_id: int) -> HandoffTicket | HTTPResponse:
    ticket = _load(request, user, ticket_id)
    if isinstance(ticket, HTTPResponse):
        return ticket
    if ticket.status != "active" or ticket.assigned_agent != user.username:
        return json_response({"error": "Only the consultant who took this conversation can do that."}, status=403)
    return ticket


@handoff_routes.post("/tickets/<ticket_id:int>/reply")
@requires("agent", "supervisor")
async def reply(request: Request, user: LoggedIn, ticket_id: int) -> HTTPResponse:
    ticket = _own_active(request, user, ticket_id)
    if isinstance(ticket, HTTPResponse):
        return ticket
    body = request.json if request.content_type.startswith("application/json") else {"text": request.form.get("text")}
    text = str((body or {}).get("text") or "").strip()
    if not text:
        return json_response({"error": "The message is empty."}, status=400)
    if len(text) > MAX_REPLY_CHARS:
        return json_response({"error": f"The message is longer than {MAX_REPLY_CHARS} characters."}, status=400)
    try:
        await _rasa(request).agent_says(ticket.conversation_id, text, user.display_name)
    except RasaUnavailable as error:
        return json_response({"error": f"Not delivered: {error}"}, status=502)
    with session_scope(_db(request)) as session:
        audit.record(session, user.username, "reply", f"ticket:{ticket_id}", f"{len(text)} characters")
    return json_response({"sent": True})


@handoff_routes.post("/tickets/<ticket_id:int>/close")
@requires("agent", "supervisor")
async def close(request: Request, user: LoggedIn, ticket_id: int) -> HTTPResponse:
    ticket = _load(request, user, ticket_id)
    if isinstance(ticket, HTTPResponse):
        return ticket
    live = ticket.kind == "live"
    with session_scope(_db(request)) as session:
        closed = tickets.close(session, ticket_id, None if user.role == "supervisor" else user.username)
        if closed:
            audit.record(session, user.username, "close", f"ticket:{ticket_id}")
    if not closed:
        return json_response({"error": "This conversation is not open, or not yours."}, status=409)
    if live and ticket.status == "active":
        try:
            await _rasa(request).hand_back(ticket.conversation_id)
        except RasaUnavailable as error:
            return json_response({"error": f"Closed, but the bot could not take over: {error}"}, status=502)
    if _wants_json(request):
        return json_response({"closed": True})
    return redirect("/handoff", status=303)


@handoff_routes.get("/tickets/<ticket_id:int>/canned")
@requires("agent", "supervisor")
async def canned_answers(request: Request, user: LoggedIn, ticket_id: int) -> HTTPResponse:
    ticket = _load(request, user, ticket_id)
    if isinstance(ticket, HTTPResponse):
        return ticket
    found = canned.search(request.args.get("q", "")[:200], ticket.language)
    return json_response({"language": ticket.language, "answers": [a.__dict__ for a in found]})


# --- the supervisor's overview ---------------------------------------------------------------------
def _overview(request: Request) -> Dict[str, Any]:
    with session_scope(_db(request)) as session:
        return stats.overview(session).__dict__


@handoff_routes.get("/overview")
@requires("supervisor")
async def overview_page(request: Request, user: LoggedIn) -> HTTPResponse:
    return render("handoff/overview.html", request, user, data=_overview(request), queue_labels=QUEUE_LABELS)


@handoff_routes.get("/api/overview")
@requires("supervisor")
async def overview_json(request: Request, user: LoggedIn) -> HTTPResponse:
    return json_response(_overview(request))
