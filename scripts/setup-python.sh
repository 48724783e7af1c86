#!/usr/bin/env bash
# Create .venv and install the pinned Python packages (runtime, or runtime + dev with --dev).
# Re-installs only when a requirements file changed since the last install.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
venv=${VENV:-.venv}
files=(requirements.txt)
[ "${1:-}" = "--dev" ] && files=(requirements.txt requirements-dev.txt)

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
stamp="$venv/.installed-$(cat "${files[@]}" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v "is ignored" || true
  args=()
  for f in "${files[@]}"; do args+=(-r "$f"); done
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${args[@]}" 2>&1 | grep -v "is ignored" || true
  "$venv/bin/python" -c "import django, wagtail, channels" # fail loudly if the install did not work
  rm -f "$venv"/.installed-*
  touch "$stamp"
fi
