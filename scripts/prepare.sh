#!/usr/bin/env bash
# Bring the database and files up to date: migrate, compile translations, collect static files,
# and (with --demo) load the demo data. Used by `make run` and the container entrypoint.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=${PYTHON:-.venv/bin/python}
"$py" manage.py migrate --noinput -v 0
"$py" manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
"$py" manage.py collectstatic --noinput -v 0
if [ "${1:-}" = "--demo" ]; then
  "$py" manage.py load_demo
fi
