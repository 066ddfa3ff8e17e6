"""The dashboard's figures as one self-contained HTML file (no scripts, no external files)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from services.metrics.charts import bar_chart
from services.metrics.figures import Period, compute
from services.storage.db import session_scope

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Environment(
    loader=ChoiceLoader(
        [FileSystemLoader(str(ROOT / "review" / "templates")), FileSystemLoader(str(ROOT / "console" / "templates"))]
    ),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def write_report(app_db: str | None, events_url: str, start: date, end: date, channel: str | None, out: Path) -> Path:
    with session_scope(app_db) as session:
        figures = compute(session, events_url, Period(start, end, channel))
    generated = datetime.now(timezone.utc).isoformat(timespec="seconds")
    page = TEMPLATES.get_template("report.html").render(f=figures, chart=bar_chart, generated=generated)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, "utf-8")
    return out
