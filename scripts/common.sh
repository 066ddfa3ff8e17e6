# Shared by run.sh and test.sh: finds Python 3.10, creates .venv, installs pinned dependencies,
# prepares generated files. Idempotent: a second run does only what is missing or stale.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

find_python310() {
  for candidate in python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10 "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /root/.pyenv/versions/3.10*/bin/python3.10; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

setup_python() {
  if [ ! -x "$PY" ]; then
    local base; base="$(find_python310)" || { echo "Python 3.10 is required (Rasa 3.6 does not run on newer Pythons)." >&2; exit 1; }
    log "creating .venv with $base"
    "$base" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$(cat requirements.txt constraints.txt | sha1sum | cut -c1-12)"
  if [ ! -f "$stamp" ]; then
    log "installing Python dependencies (pinned in constraints.txt)"
    "$PY" -m pip install -q --upgrade "pip<25"
    "$PY" -m pip install -q -r requirements.txt -c constraints.txt
    rm -f "$VENV"/.installed-*; touch "$stamp"
  fi
}

# Runtime prerequisites that are not in git: the blank spaCy model and the migrated application DB.
setup_runtime() {
  mkdir -p var
  "$PY" -m components.spacy_model >/dev/null
  "$PY" -m services.storage.migrate
}

# Regenerates the Rasa data from kb/ (run.sh only: the test suite checks they are up to date instead).
generate_kb_data() {
  log "knowledge base -> Rasa data"
  "$PY" -m kb_import
}

# Prints the path of a trained model that is newer than every training input
# (components/training_inputs.py), training one if needed.
ensure_model() {
  local newest_model; newest_model="$(ls -t models/*.tar.gz 2>/dev/null | head -1 || true)"
  local inputs; inputs="$("$PY" -m components.training_inputs)"
  # shellcheck disable=SC2086  # the list is split on purpose
  if [ -n "$newest_model" ] && [ -z "$(find $inputs -newer "$newest_model" -type f 2>/dev/null | head -1)" ]; then
    log "model up to date: $newest_model" >&2
  else
    log "training the model (a few minutes)" >&2
    "$VENV/bin/rasa" train --out models --fixed-model-name "virtual-official-$(date +%Y%m%d-%H%M%S)" >&2
    newest_model="$(ls -t models/*.tar.gz | head -1)"
  fi
  echo "$newest_model"
}

# Installs a Debian package when its program is missing (as root, or through sudo): `ensure_package chromium chromium`.
ensure_package() {
  local program="$1" package="$2"
  if command -v "$program" >/dev/null 2>&1 || [ -x "/usr/sbin/$program" ]; then return 0; fi
  log "installing $package (Debian package)"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null;
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null; fi
}
