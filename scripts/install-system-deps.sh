#!/usr/bin/env bash
# Install the Debian packages Sirkel needs, only those that are missing.
# Idempotent and quiet when everything is already there.
#
# SIRKEL_DEPS selects the set:
#   all (default) - development and CI: PostgreSQL + PostGIS server, Redis, GDAL, gettext,
#                   Chromium for the browser tests, Node/npm when absent.
#   runtime       - what the production image needs to run Django: the GDAL/GEOS/PROJ shared
#                   libraries GeoDjango loads, gettext for compilemessages and the PostgreSQL
#                   client (psql, pg_dump). No servers, no browser, no Node.
set -euo pipefail

case "${SIRKEL_DEPS:-all}" in
  all)
    packages=(
      postgresql-15 postgresql-15-postgis-3 postgresql-contrib
      gdal-bin libgdal32 libgeos-c1v5 libproj25
      redis-server gettext
      chromium chromium-driver
      libheif1
    )
    command -v node >/dev/null 2>&1 || packages+=(nodejs)
    command -v npm >/dev/null 2>&1 || packages+=(npm)
    ;;
  runtime)
    packages=(libgdal32 libgeos-c1v5 libproj25 gettext postgresql-client)
    ;;
  *)
    echo "SIRKEL_DEPS must be 'all' or 'runtime', not '${SIRKEL_DEPS}'" >&2
    exit 2
    ;;
esac

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
else
  sudo_cmd=()
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
