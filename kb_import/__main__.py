"""`python -m kb_import`: validate the knowledge base and regenerate the Rasa files from it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List

from kb_import.errors import KnowledgeBaseError
from kb_import.generate import render_all
from kb_import.loader import load_knowledge_base
from kb_import.validate import validate
from kb_import.writer import stale_files, summarise, write_all

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
    args = parser.parse_args(argv)

    try:
        kb = load_knowledge_base(args.kb, args.from_sheet, root=args.root)
        problems = validate(kb)
        if problems:
            raise KnowledgeBaseError(problems)
    except KnowledgeBaseError as error:
        print(f"kb_import: {len(error.problems)} problem(s); nothing was written.", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2

    files = render_all(kb)
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
    print(f"kb_import: {'wrote ' + ', '.join(stale) if stale else 'generated files already up to date'}")
    for line in summary:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
