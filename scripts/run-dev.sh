#!/usr/bin/env bash
# Serve Sirkel for development: Daphne (HTTP + WebSockets) on 127.0.0.1:8000 and a task worker.
# Ctrl-C stops both.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=${PYTHON:-.venv/bin/python}
host=${HOST:-127.0.0.1}
port=${PORT:-8000}

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "Stopped."
}
trap stop INT TERM EXIT

"$py" manage.py db_worker &
pids+=($!)
"$py" manage.py periodic --loop &
pids+=($!)
"$py" -m daphne -b "$host" -p "$port" sirkel.asgi:application &
pids+=($!)
echo "Sirkel: http://$host:$port/   admin: http://$host:$port/cms/   (Ctrl-C stops)"
wait -n
