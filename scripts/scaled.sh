#!/usr/bin/env bash
# The scaled profile (PROFILE=scaled scripts/run.sh): PostgreSQL tracker store and application DB,
# Redis lock store (and shared socket.io rooms and rate limits), RabbitMQ event broker, several Rasa
# instances and the action server behind nginx. Settings and secrets only from the environment
# (deploy/settings.py lists them; docs/SCALING.md explains them). Ctrl-C stops everything.
# Ports: RASA_PORT=5005 (nginx, the public one), RASA_INSTANCES=2 instances on INSTANCE_PORT_BASE+1..,
# ACTIONS_PORT=5055, WEB_PORT=8080.
source "$(dirname "$0")/common.sh"

RASA_PORT="${RASA_PORT:-5005}"
ACTIONS_PORT="${ACTIONS_PORT:-5055}"
WEB_PORT="${WEB_PORT:-8080}"
RASA_INSTANCES="${RASA_INSTANCES:-2}"
INSTANCE_PORT_BASE="${INSTANCE_PORT_BASE:-5100}"

setup_python
exports="$("$PY" -m deploy.settings)" || exit 2   # fails fast, naming each missing secret
eval "$exports"
export VO_ACTION_ENDPOINT_URL="${VO_ACTION_ENDPOINT_URL:-http://127.0.0.1:${ACTIONS_PORT}/webhook}"

ensure_package nginx nginx
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

"$PY" -m components.spacy_model >/dev/null
"$PY" -m deploy.databases
generate_kb_data
MODEL="$(ensure_model)"
mkdir -p var/logs

auth=(--auth-token "${RASA_API_TOKEN:-}")
[ -n "${RASA_JWT_SECRET:-}" ] && auth=(--jwt-secret "$RASA_JWT_SECRET" --jwt-method "${RASA_JWT_METHOD:-HS256}")

pids=()
stop() {
  trap - INT TERM EXIT
  log "stopping"
  [ -f var/nginx/nginx.pid ] && "$NGINX" -c "$ROOT/var/nginx/nginx.conf" -s quit 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  exit 0
}
trap stop INT TERM EXIT

"$VENV/bin/rasa" run actions --actions actions --port "$ACTIONS_PORT" --logging-config-file logging.yml > var/logs/actions.log 2>&1 &
pids+=($!)
upstreams=()
for i in $(seq 1 "$RASA_INSTANCES"); do
  port=$((INSTANCE_PORT_BASE + i))
  "$VENV/bin/rasa" run --model "$MODEL" --endpoints endpoints.scaled.yml --credentials credentials.yml \
    --port "$port" --enable-api "${auth[@]}" --cors "*" --logging-config-file logging.yml > "var/logs/rasa-$i.log" 2>&1 &
  pids+=($!)
  upstreams+=("127.0.0.1:$port")
done
"$PY" -m deploy.nginx --listen "$RASA_PORT" --rasa "${upstreams[@]}" --out var/nginx >/dev/null
"$NGINX" -c "$ROOT/var/nginx/nginx.conf" -p "$ROOT/var/nginx" -g "daemon off;" > var/logs/nginx.log 2>&1 &
pids+=($!)
"$PY" -m website.serve --port "$WEB_PORT" --rasa-url "http://localhost:${RASA_PORT}" > var/logs/website.log 2>&1 &
pids+=($!)

log "waiting for ${RASA_INSTANCES} Rasa instances (logs in var/logs/)"
for _ in $(seq 1 600); do
  ready=1
  for upstream in "${upstreams[@]}"; do
    curl -sf "http://${upstream}/version" >/dev/null 2>&1 || ready=0
  done
  if [ "$ready" = 1 ] && curl -sf "http://localhost:${ACTIONS_PORT}/health" >/dev/null 2>&1; then
    cat <<MSG

  The virtual official is running (scaled profile, ${RASA_INSTANCES} Rasa instances behind nginx).
    Website with the chat:   http://localhost:${WEB_PORT}/
    Rasa through nginx:      http://localhost:${RASA_PORT}/webhooks/rest/webhook
    Instances:               ${upstreams[*]}
    Tracker store / app DB:  PostgreSQL ${VO_PG_HOST}:${VO_PG_PORT} (${VO_TRACKER_DB}, ${VO_APP_DB})
    Lock store:              Redis ${VO_REDIS_HOST}:${VO_REDIS_PORT}; events: RabbitMQ queue ${VO_RABBITMQ_QUEUE}
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
log "servers did not become ready in 600 s; see var/logs/"
exit 1
