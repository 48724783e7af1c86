#!/usr/bin/env bash
# Install the front-end packages from package-lock.json (Designsystemet, htmx, Leaflet, axe-core).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  npm ci --no-audit --no-fund --loglevel=error ${NPM_FLAGS:-} 2>&1 | grep -v 'Unknown user config' || true
  [ -d node_modules/@digdir/designsystemet-css ] || { echo "npm ci failed" >&2; exit 1; }
  touch "$stamp"
fi
