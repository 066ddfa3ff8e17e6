"""`python -m kb_import`: validate the knowledge base and regenerate the Rasa files from it.

Yearly figures (kb/figures.yml) and the office's contact details (office.yml) are filled into the
answers for today, or for the date given with --as-of (e.g. to prepare next year's answers).
`--report` lists what needs review and writes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import List

from kb_import.errors import KnowledgeBaseError
from kb_import.generate import render_all
from kb_import.loader import load_knowledge_base
from kb_import.placeholders import Context, fill_knowledge_base
from kb_import.review import report_lines
from kb_import.validate import validate
from kb_import.writer import stale_files, summarise, write_all
from services.office import OFFICE_FILE, load_office

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date YYYY-MM-DD") from error


def _months(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of months (>= 1)")
    return int(text)


def office_file(root: Path) -> Path:
    """The office described in `root` (a project checkout), else the project's own office.yml."""
    candidate = root / "office.yml"
    return candidate if candidate.exists() else OFFICE_FILE


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb_import", description=__doc__)
    parser.add_argument("--kb", type=Path, default=PROJECT_ROOT / "kb", help="knowledge-base folder (default: kb/)")
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT, help="project root to write into")
    parser.add_argument(
        "--from-sheet",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="also import entries from a .csv or .xlsx export (repeatable)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="only validate and tell whether the generated files are up to date (exit 1 if not)",
    )
    parser.add_argument(
        "--as-of",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="fill in the figures valid on this date (default: today), e.g. 2027-01-01 for next year's answers",
    )
    parser.add_argument(
        "--report",
        action="store_true",
        help="list entries due for review, homepage sources, drafts, retired entries and stale figures; write nothing",
    )
    parser.add_argument(
        "--review-months",
        type=_months,
        default=None,
        metavar="N",
        help="an entry is due for review when last_review is older than N months (default: kb/review.yml)",
    )
    args = parser.parse_args(argv)
    as_of = args.as_of or dt.date.today()

    try:
        kb = load_knowledge_base(args.kb, args.from_sheet, root=args.root)
        problems = validate(kb)
        # read afresh (not the cached loader): the file may have changed since the last run in this process
        context = Context(kb.figures, load_office.__wrapped__(office_file(args.root)), as_of)
        filled, fill_problems = fill_knowledge_base(kb, context)
        problems.extend(fill_problems)
        if problems:
            raise KnowledgeBaseError(problems)
    except KnowledgeBaseError as error:
        print(f"kb_import: {len(error.problems)} problem(s); nothing was written.", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2

    if args.report:
        for line in report_lines(kb, as_of, args.review_months or kb.review_after_months):
            print(line)
        return 0
    files = render_all(filled)
    stale = stale_files(args.root, files)
    if args.check:
        if stale:
            print(f"kb_import: out of date: {', '.join(stale)}; run `python -m kb_import`.", file=sys.stderr)
            return 1
        print("kb_import: knowledge base valid, generated files up to date.")
        return 0
    summary = summarise(args.root, files)
    if stale:
        write_all(args.root, files)
    print(f"kb_import: figures as of {as_of.isoformat()}")
    print(f"kb_import: {'wrote ' + ', '.join(stale) if stale else 'generated files already up to date'}")
    for line in summary:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
