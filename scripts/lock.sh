#!/usr/bin/env bash
# Re-resolves requirements.txt into constraints.txt (exact versions of everything) in a scratch venv.
set -euo pipefail
source "$(dirname "$0")/common.sh"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
"$(find_python310)" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q --upgrade "pip<25"
"$tmp/venv/bin/python" -m pip install -q -r requirements.txt
{ echo "# Exact versions resolved from requirements.txt by scripts/lock.sh - do not edit by hand."; "$tmp/venv/bin/python" -m pip freeze; } > constraints.txt
echo "constraints.txt updated"
