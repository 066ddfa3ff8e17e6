#!/usr/bin/env bash
# The test suite: sets up what is missing (venv, Chromium for the browser test, axe-core), then runs
# pytest. Extra arguments go to pytest, e.g. `scripts/test.sh -k kb_import`.
source "$(dirname "$0")/common.sh"
export TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1

setup_python
# no regeneration from kb/ here: tests/test_kb_import.py fails when the generated files are stale
setup_runtime

ensure_package chromium chromium  # the browser tests
ensure_package nginx nginx        # the scaled profile's generated config is checked with `nginx -t`
if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then
  log "installing axe-core (npm, pinned in tests/browser/package-lock.json)"
  (cd tests/browser && npm ci --silent --no-audit --no-fund)
fi

log "lint: ruff check + format check"
"$VENV/bin/ruff" check . && "$VENV/bin/ruff" format --check . >/dev/null || { echo "ruff found problems: run .venv/bin/ruff check --fix . && .venv/bin/ruff format ." >&2; exit 1; }

"$PY" -m pytest "$@"
