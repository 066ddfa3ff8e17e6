"""The analysts' screens: open clusters of harvested questions, labelling one, sheet export and import.

Labels go through `services.review.labels.apply_labels`: kb_import's validation first, then all
the knowledge-base files at once, with who and when in the cluster and the audit log. The page
says what to do next: `python -m review retrain` (the gate decides whether the model is promoted).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Dict, List

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw, redirect

from console.access import requires
from console.pages import render
from kb_import.errors import KnowledgeBaseError
from services.accounts.sessions import LoggedIn
from services.review.clustering import cluster_questions, cluster_views, view
from services.review.labels import Label, apply_labels
from services.review.models import DECISIONS, HarvestedQuestion, ReviewCluster
from services.review.sheets import export, read_labels
from services.review.topics import categories, search_topics
from services.storage.db import session_scope

review_routes = Blueprint("review", url_prefix="/review")
ROLES = ("analyst",)
DECISION_LABELS = {
    "paraphrase": "Add as questions of an existing topic",
    "new_topic": "Create a new draft topic",
    "out_of_scope": "Out of scope (the office does not answer this)",
    "ignore": "Ignore",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _db(request: Request) -> str | None:
    return request.app.ctx.config.app_database_url


def _lines(value: str | None) -> List[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


@review_routes.get("/")
@requires(*ROLES)
async def clusters(request: Request, user: LoggedIn) -> HTTPResponse:
    language = request.args.get("language") or None
    with session_scope(_db(request)) as session:
        open_views = cluster_views(session, decided=False, language=language)
        decided = cluster_views(session, decided=True, language=language)
    decided.sort(key=lambda v: v.decided_at or "", reverse=True)
    return render(
        "analysts/clusters.html",
        request,
        user,
        clusters=open_views,
        decided=decided[:50],
        language=language or "",
        note=request.args.get("note"),
    )


def _cluster_page(
    request: Request, user: LoggedIn, cluster_id: int, status: int = 200, problems: List[str] = (), form=None
) -> HTTPResponse:
    with session_scope(_db(request)) as session:
        cluster = session.get(ReviewCluster, cluster_id)
        if cluster is None:
            return render("message.html", request, user, status=404, message="No such cluster; harvest again.")
        members = list(session.query(HarvestedQuestion).filter(HarvestedQuestion.cluster_id == cluster_id))
        summary = view(cluster, members)
        questions = cluster_questions(session, cluster_id)
    query = request.args.get("q") or (summary.bot_topic or "")
    hits = search_topics(query) if query else []
    form = form or {}
    return render(
        "analysts/cluster.html",
        request,
        user,
        status=status,
        c=summary,
        questions=questions,
        query=query,
        hits=hits,
        decisions=DECISION_LABELS,
        categories=categories(),
        problems=problems,
        form=form,
    )


@review_routes.get("/clusters/<cluster_id:int>")
@requires(*ROLES)
async def cluster(request: Request, user: LoggedIn, cluster_id: int) -> HTTPResponse:
    return _cluster_page(request, user, cluster_id)


def _label_from_form(cluster_id: int, form: Dict[str, str]) -> Label:
    decision = form.get("decision") or ""
    topic_id = (form.get("topic_id") if decision == "paraphrase" else form.get("new_topic_id")) or ""
    return Label(
        cluster_id=cluster_id,
        decision=decision,
        topic_id=topic_id.strip(),
        questions={lang: _lines(form.get(f"questions_{lang}")) for lang in ("pl", "en")},
        category=(form.get("category") or "").strip(),
        title={lang: (form.get(f"title_{lang}") or "").strip() for lang in ("pl", "en")},
        answer={lang: (form.get(f"answer_{lang}") or "").strip() for lang in ("pl", "en")},
        sources=(form.get("sources") or "").split(),
    )


@review_routes.post("/clusters/<cluster_id:int>")
@requires(*ROLES)
async def label(request: Request, user: LoggedIn, cluster_id: int) -> HTTPResponse:
    form = {key: request.form.get(key) or "" for key in request.form}
    if form.get("decision") not in DECISIONS:
        return _cluster_page(request, user, cluster_id, 422, ["Choose what to do with this cluster."], form)
    try:
        with session_scope(_db(request)) as session:
            written = apply_labels(session, [_label_from_form(cluster_id, form)], user.username)
    except KnowledgeBaseError as error:
        return _cluster_page(request, user, cluster_id, 422, [str(p) for p in error.problems], form)
    note = f"written to kb/{', kb/'.join(written)}" if written else "no knowledge-base change"
    return redirect(f"/review/?done={cluster_id}&note={note}")


@review_routes.get("/export.xlsx")
@requires(*ROLES)
async def export_xlsx(request: Request, user: LoggedIn) -> HTTPResponse:
    return _export(request, "xlsx")


@review_routes.get("/export.csv")
@requires(*ROLES)
async def export_csv(request: Request, user: LoggedIn) -> HTTPResponse:
    return _export(request, "csv")


def _export(request: Request, kind: str) -> HTTPResponse:
    with session_scope(_db(request)) as session:
        views = cluster_views(session, decided=False)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / f"clusters.{kind}"
        export(views, path)
        body = path.read_bytes()
    content_type = XLSX if kind == "xlsx" else "text/csv; charset=utf-8"
    disposition = {"Content-Disposition": f'attachment; filename="clusters.{kind}"'}
    return raw(body, content_type=content_type, headers=disposition)


@review_routes.post("/import")
@requires(*ROLES)
async def import_sheet(request: Request, user: LoggedIn) -> HTTPResponse:
    upload = request.files.get("sheet")
    suffix = Path(upload.name).suffix.lower() if upload else ""
    if not upload or suffix not in (".xlsx", ".csv"):
        return _import_result(request, user, 422, ["Choose an .xlsx or .csv file exported from this page."])
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / f"upload{suffix}"
        path.write_bytes(upload.body)
        try:
            labels = read_labels(path)
            with session_scope(_db(request)) as session:
                written = apply_labels(session, labels, user.username)
        except KnowledgeBaseError as error:
            return _import_result(request, user, 422, [str(p) for p in error.problems])
    return _import_result(request, user, 200, [], len(labels), written)


def _import_result(
    request: Request, user: LoggedIn, status: int, problems: List[str], count: int = 0, written: List[str] = ()
) -> HTTPResponse:
    return render(
        "analysts/imported.html", request, user, status=status, problems=problems, count=count, written=written
    )
