#!/usr/bin/env bash
# The main job: set up (first time), train if the model is missing or stale, start the Rasa server,
# the action server and the website, print the URLs. Ctrl-C stops everything.
# Ports (override with environment variables): RASA_PORT=5005, ACTIONS_PORT=5055, WEB_PORT=8080,
# CONSOLE_PORT=8090 (the staff console; create an account first: python -m console.users add ...).
# PROFILE=scaled: PostgreSQL, Redis, RabbitMQ and several Rasa instances behind nginx (scripts/scaled.sh).
[ "${PROFILE:-}" = scaled ] && exec "$(dirname "$0")/scaled.sh" "$@"
source "$(dirname "$0")/common.sh"

RASA_PORT="${RASA_PORT:-5005}"
ACTIONS_PORT="${ACTIONS_PORT:-5055}"
WEB_PORT="${WEB_PORT:-8080}"
CONSOLE_PORT="${CONSOLE_PORT:-8090}"

setup_python
setup_runtime
generate_kb_data
MODEL="$(ensure_model)"

mkdir -p var/logs
if [ -z "${RASA_API_TOKEN:-}" ]; then
  [ -s var/api_token ] || "$PY" -c 'import secrets; print(secrets.token_urlsafe(24))' > var/api_token
  RASA_API_TOKEN="$(cat var/api_token)"
fi
ENDPOINTS="var/endpoints.runtime.yml"
sed "s#http://localhost:5055/webhook#http://localhost:${ACTIONS_PORT}/webhook#" endpoints.yml > "$ENDPOINTS"

pids=()
stop() {
  trap - INT TERM EXIT
  log "stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  exit 0
}
trap stop INT TERM EXIT

"$VENV/bin/rasa" run actions --actions actions --port "$ACTIONS_PORT" --logging-config-file logging.yml > var/logs/actions.log 2>&1 &
pids+=($!)
"$VENV/bin/rasa" run --model "$MODEL" --endpoints "$ENDPOINTS" --credentials credentials.yml \
  --port "$RASA_PORT" --enable-api --auth-token "$RASA_API_TOKEN" --cors "*" --logging-config-file logging.yml > var/logs/rasa.log 2>&1 &
pids+=($!)
"$PY" -m website.serve --port "$WEB_PORT" --rasa-url "http://localhost:${RASA_PORT}" > var/logs/website.log 2>&1 &
pids+=($!)
# the staff console reads Rasa's event broker (endpoints.yml: var/events.db) and talks through the HTTP API
RASA_URL="http://localhost:${RASA_PORT}" RASA_API_TOKEN="$RASA_API_TOKEN" \
  "$PY" -m console --port "$CONSOLE_PORT" > var/logs/console.log 2>&1 &
pids+=($!)

log "waiting for the servers (logs in var/logs/)"
for _ in $(seq 1 180); do
  if curl -sf "http://localhost:${RASA_PORT}/status?token=${RASA_API_TOKEN}" >/dev/null 2>&1 \
     && curl -sf "http://localhost:${ACTIONS_PORT}/health" >/dev/null 2>&1 \
     && curl -sf "http://localhost:${WEB_PORT}/" >/dev/null 2>&1 \
     && curl -sf "http://localhost:${CONSOLE_PORT}/login" >/dev/null 2>&1; then
    cat <<MSG

  The virtual official is running.
    Website with the chat:   http://localhost:${WEB_PORT}/
    Rasa server (REST):      http://localhost:${RASA_PORT}/webhooks/rest/webhook
    Rasa HTTP API:           http://localhost:${RASA_PORT}/  (token: ${RASA_API_TOKEN}, also in var/api_token)
    Action server:           http://localhost:${ACTIONS_PORT}/health
    Staff console:           http://localhost:${CONSOLE_PORT}/
                             (first account: .venv/bin/python -m console.users add --username anna --role agent)
    Model:                   ${MODEL}
  Press Ctrl-C to stop.

MSG
    wait -n "${pids[@]}" || true
    log "a server stopped unexpectedly; see var/logs/"
    stop
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { log "a server failed to start; see var/logs/"; tail -20 var/logs/*.log; exit 1; }
  done
  sleep 1
done
log "servers did not become ready in 180 s; see var/logs/"
exit 1
