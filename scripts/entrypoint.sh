#!/usr/bin/env bash
# Entrypoint of the Sirkel image. One image, one role per container:
#
#   web          gunicorn (WSGI) for all plain HTTP, on 0.0.0.0:${PORT:-8000}
#   ws           Daphne (ASGI) for /ws/ only, on 0.0.0.0:${PORT:-8001}
#   worker       the task worker (manage.py db_worker)
#   scheduler    enqueues periodic tasks when due (manage.py periodic --loop); run one or more
#   migrate      wait for the database, apply migrations, publish static files (see below)
#   demo         load the demo data (manage.py load_demo)
#   static       only publish static files
#   manage ARGS  any manage.py command, e.g. `manage createsuperuser`
#   healthcheck  used by the image's HEALTHCHECK: GET /healthz on this container's HTTP port
#   anything else is run as a command, e.g. `bash`
#
# Extra arguments after web/ws/worker/demo are passed on to the server or command.
#
# Static files are collected into $STATIC_ROOT when the image is built; web and ws serve them
# through WhiteNoise from there. When STATIC_PUBLISH_DIR is set (compose.yaml points it at a
# volume nginx reads), `migrate` and `static` copy them there. Copying adds files and never
# deletes, so pages rendered by the previous release still find their hashed files during a
# rolling deploy.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=${PYTHON:-$root/.venv/bin/python}
# The role's HTTP port, remembered for `healthcheck` (which Docker runs as a separate process).
health_port_file=${SIRKEL_HEALTH_PORT_FILE:-/tmp/sirkel-http-port}

wait_for_database() {
  local deadline=$((SECONDS + ${DB_WAIT_SECONDS:-90}))
  until "$py" -c 'import django; django.setup(); from django.db import connection; connection.ensure_connection()' \
      >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "entrypoint: the database did not answer within ${DB_WAIT_SECONDS:-90}s" >&2
      # One more time with the error visible.
      "$py" -c 'import django; django.setup(); from django.db import connection; connection.ensure_connection()'
      exit 1
    fi
    sleep 2
  done
}

publish_static() {
  local source=${STATIC_ROOT:-$root/staticfiles}
  local target=${STATIC_PUBLISH_DIR:-}
  [ -n "$target" ] || return 0
  if [ ! -f "$source/staticfiles.json" ]; then
    echo "entrypoint: $source has no staticfiles.json; was collectstatic run in the image?" >&2
    exit 1
  fi
  mkdir -p "$target"
  cp -R --preserve=timestamps "$source/." "$target/"
  echo "entrypoint: static files published to $target"
}

role=${1:-web}
if [ $# -gt 0 ]; then shift; fi

case "$role" in
  web)
    port=${PORT:-8000}
    echo "$port" >"$health_port_file"
    # No --preload: each worker must open its own database pool after the fork.
    # Prometheus multi-process mode (docs/operations.md): start from an empty directory.
    if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
      rm -rf "${PROMETHEUS_MULTIPROC_DIR:?}"/* 2>/dev/null || true
      mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    fi
    # GUNICORN_CMD_ARGS (read by gunicorn itself) can add or override options.
    exec "$py" -m gunicorn sirkel.wsgi:application \
      --config python:sirkel.gunicorn_conf \
      --bind "0.0.0.0:$port" \
      --workers "${WEB_CONCURRENCY:-3}" \
      --timeout "${GUNICORN_TIMEOUT:-30}" \
      --graceful-timeout 30 \
      --max-requests 2000 --max-requests-jitter 200 \
      --worker-tmp-dir /dev/shm \
      --access-logfile - \
      "$@"
    ;;
  ws)
    port=${PORT:-8001}
    echo "$port" >"$health_port_file"
    # --proxy-headers: take the client address and scheme from the proxy's X-Forwarded-* headers.
    # A handshake may wait up to WS_CONNECT_TIMEOUT s (Daphne's default is 5): after a restart
    # every browser reconnects within a few seconds, and bench/chat.py's storm showed 5 s
    # refusing most of them while a longer wait let them all in.
    exec "$py" -m daphne --bind 0.0.0.0 --port "$port" --proxy-headers \
      --websocket_connect_timeout "${WS_CONNECT_TIMEOUT:-30}" "$@" sirkel.asgi:application
    ;;
  worker)
    exec "$py" manage.py db_worker "$@"
    ;;
  scheduler)
    exec "$py" manage.py periodic --loop "$@"
    ;;
  migrate)
    wait_for_database
    "$py" manage.py migrate --noinput
    publish_static
    ;;
  demo)
    wait_for_database
    exec "$py" manage.py load_demo "$@"
    ;;
  static)
    publish_static
    ;;
  manage)
    exec "$py" manage.py "$@"
    ;;
  healthcheck)
    # Roles without an HTTP port (worker, migrate, one-off commands) have nothing to probe.
    [ -f "$health_port_file" ] || exit 0
    exec "$py" - "$(cat "$health_port_file")" <<'PY'
import os
import sys
import urllib.error
import urllib.request

port = sys.argv[1]
# Ask with a Host Django accepts (the first ALLOWED_HOSTS entry) and as if through the TLS proxy,
# so neither the host check nor SECURE_SSL_REDIRECT turns the probe into a 400 or a 301.
hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost").split(",") if h.strip()]
host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/healthz",
    headers={"Host": host, "X-Forwarded-Proto": "https"},
)
try:
    with urllib.request.urlopen(request, timeout=4) as response:
        sys.exit(0 if response.status == 200 else 1)
except urllib.error.HTTPError as error:
    print(f"healthz: HTTP {error.code} {error.read(300).decode(errors='replace')}", file=sys.stderr)
except (urllib.error.URLError, OSError) as error:
    print(f"healthz: {error}", file=sys.stderr)
sys.exit(1)
PY
    ;;
  *)
    exec "$role" "$@"
    ;;
esac
