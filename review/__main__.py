"""`python -m review COMMAND`: harvest, clusters, export, import, retrain, report (see README).

harvest                         read new conversations from the tracker store, mask, cluster
clusters                        list open clusters, largest first
export FILE.xlsx|FILE.csv       write open clusters to a sheet for offline review
import FILE --actor USERNAME    apply the labels filled in a sheet (validated; all or nothing)
retrain [--promote]             regenerate data, train, gate against the serving model, promote
report --from D --to D --out F  write the dashboard's figures as a static HTML report
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import List

from kb_import.errors import KnowledgeBaseError

ROOT = Path(__file__).resolve().parent.parent


def _events_url(value: str | None) -> str:
    return value or os.environ.get("TRACKER_DATABASE_URL") or f"sqlite:///{ROOT / 'var' / 'tracker.db'}"


def _harvest(args: argparse.Namespace) -> int:
    from services.review.clustering import recluster
    from services.review.harvest import harvest
    from services.review.settings import ReviewSettings
    from services.storage.db import session_scope

    settings = ReviewSettings.load()
    with session_scope(args.app_db) as session:
        result = harvest(session, _events_url(args.events), settings)
        clusters = recluster(session, settings.similarity)
    print(
        f"harvest: {result.conversations} conversation(s) since the last harvest, {result.new_questions} new "
        f"question(s), {clusters} open cluster(s); watermark event {result.watermark} of {result.source}"
    )
    return 0


def _clusters(args: argparse.Namespace) -> int:
    from services.review.clustering import cluster_views
    from services.storage.db import session_scope

    with session_scope(args.app_db) as session:
        for view in cluster_views(session, decided=False):
            topic = f"{view.bot_topic} ({view.bot_confidence:.2f})" if view.bot_topic else "-"
            print(f"#{view.id} [{view.language}] x{view.size}  bot: {topic}  e.g. {view.examples[0]!r}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from services.review.clustering import cluster_views
    from services.review.sheets import export
    from services.storage.db import session_scope

    with session_scope(args.app_db) as session:
        views = cluster_views(session, decided=False)
    export(views, args.file)
    print(f"export: {len(views)} open cluster(s) written to {args.file}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from services.review.labels import apply_labels
    from services.review.sheets import read_labels
    from services.storage.db import session_scope

    try:
        labels = read_labels(args.file)
        with session_scope(args.app_db) as session:
            written = apply_labels(session, labels, args.actor)
    except KnowledgeBaseError as error:
        print(f"import: {len(error.problems)} problem(s); nothing was written.", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    print(f"import: {len(labels)} label(s) applied; knowledge base files changed: {', '.join(written) or 'none'}")
    if written:
        print("next: python -m review retrain   (regenerates the data, trains and gates the candidate)")
    return 0


def _report(args: argparse.Namespace) -> int:
    from review.report import write_report

    path = write_report(args.app_db, _events_url(args.events), args.date_from, args.date_to, args.channel, args.out)
    print(f"report: {path}")
    return 0


def _retrain(args: argparse.Namespace) -> int:
    from review.retrain import main as retrain_main

    return retrain_main(args)


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m review", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--app-db", default=None, help="application database URL (default: $APP_DATABASE_URL)")
    parser.add_argument(
        "--events", default=None, help="tracker store URL (default: $TRACKER_DATABASE_URL or var/tracker.db)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("harvest").set_defaults(run=_harvest)
    commands.add_parser("clusters").set_defaults(run=_clusters)
    export = commands.add_parser("export")
    export.add_argument("file", type=Path)
    export.set_defaults(run=_export)
    imported = commands.add_parser("import")
    imported.add_argument("file", type=Path)
    imported.add_argument("--actor", required=True, help="your console username (recorded with every change)")
    imported.set_defaults(run=_import)
    report = commands.add_parser("report")
    report.add_argument("--from", dest="date_from", type=date.fromisoformat, required=True)
    report.add_argument("--to", dest="date_to", type=date.fromisoformat, required=True)
    report.add_argument("--channel", default=None)
    report.add_argument("--out", type=Path, default=ROOT / "var" / "review" / "report.html")
    report.set_defaults(run=_report)
    retrain = commands.add_parser("retrain")
    retrain.add_argument("--rasa-url", default=os.environ.get("RASA_URL", "http://localhost:5005"))
    retrain.add_argument("--token", default=os.environ.get("RASA_API_TOKEN"))
    retrain.add_argument("--models", type=Path, default=ROOT / "models")
    retrain.add_argument("--candidate", type=Path, default=None, help="gate this trained model instead of training")
    retrain.add_argument("--no-promote", action="store_true", help="evaluate only")
    retrain.add_argument("--nlu-only", action="store_true", help="train NLU only and judge it (never promoted)")
    retrain.add_argument("--per-topic", type=int, default=None, help="at most N held-out questions per topic/language")
    retrain.add_argument("--report", type=Path, default=None, help="where to write the gate report (markdown)")
    retrain.set_defaults(run=_retrain)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
