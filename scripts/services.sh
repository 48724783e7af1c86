#!/usr/bin/env bash
# Project-local PostgreSQL (+PostGIS) and Redis under .run/, so a fresh machine needs nothing
# running beforehand.  Usage: scripts/services.sh start|stop|status|ports|env
#
# - DATABASE_URL / REDIS_URL set in the environment: that service is used as is (nothing started).
# - Ports: SIRKEL_PG_PORT / SIRKEL_REDIS_PORT, else derived from this checkout's path, so two
#   checkouts on one machine do not collide. Never the machine's 5432/6379.
# - Writes .run/services.env (DATABASE_URL, REDIS_URL), which the Django settings read.
# - `start` twice is harmless; `stop` stops only what this script started.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
run="$root/.run"
mkdir -p "$run"

hash=$(printf '%s' "$root" | cksum | cut -d' ' -f1)
pg_port=${SIRKEL_PG_PORT:-$((20000 + (hash % 4000) * 2))}
redis_port=${SIRKEL_REDIS_PORT:-$((pg_port + 1))}
pg_bin=${SIRKEL_PG_BIN:-/usr/lib/postgresql/15/bin}
pg_data="$run/pg/data"
pg_sock="$run/pg/socket"
db_name=${SIRKEL_DB_NAME:-sirkel}
db_user=sirkel
redis_dir="$run/redis"
extensions=(postgis btree_gist pg_trgm unaccent)

# initdb and postgres refuse to run as root: use the postgres system user then.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_running() { [ -f "$pg_data/postmaster.pid" ] && as_pg "$pg_bin/pg_ctl" -D "$pg_data" status >/dev/null 2>&1; }
redis_running() { redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1; }

psql_local() { PGOPTIONS="-c client_min_messages=warning" psql -h 127.0.0.1 -p "$pg_port" -U "$db_user" -v ON_ERROR_STOP=1 -qtA "$@"; }

start_pg() {
  if [ ! -f "$pg_data/PG_VERSION" ]; then
    mkdir -p "$run/pg"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$run/pg"
    as_pg "$pg_bin/initdb" -D "$pg_data" -U "$db_user" --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 >"$run/pg-initdb.log" 2>&1
  fi
  mkdir -p "$pg_sock"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$pg_sock"
  chmod 0755 "$pg_sock"
  if ! pg_running; then
    as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$run/pg/postgres.log" -w -t 60 start \
      -o "-p $pg_port -k $pg_sock -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" >/dev/null
  fi
  if [ "$(psql_local -d postgres -c "SELECT 1 FROM pg_database WHERE datname='$db_name'")" != "1" ]; then
    psql_local -d postgres -c "CREATE DATABASE \"$db_name\""
  fi
  # Extensions in the database and in template1, so test databases have them too.
  for db in "$db_name" template1; do
    for ext in "${extensions[@]}"; do
      psql_local -d "$db" -c "CREATE EXTENSION IF NOT EXISTS $ext" >/dev/null
    done
  done
}

start_redis() {
  mkdir -p "$redis_dir"
  if ! redis_running; then
    redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes \
      --pidfile "$run/redis.pid" --dir "$redis_dir" --logfile "$run/redis.log" \
      --save "" --appendonly no >/dev/null
    for _ in $(seq 1 50); do redis_running && break; sleep 0.1; done
    redis_running || { echo "Redis did not start; see $run/redis.log" >&2; exit 1; }
  fi
}

write_env() {
  {
    echo "# Written by scripts/services.sh; read by sirkel/settings/base.py."
    echo "DATABASE_URL=${DATABASE_URL:-postgres://$db_user@127.0.0.1:$pg_port/$db_name}"
    echo "REDIS_URL=${REDIS_URL:-redis://127.0.0.1:$redis_port/0}"
  } >"$run/services.env"
}

cmd=${1:-status}
case "$cmd" in
  start)
    if [ -z "${DATABASE_URL:-}" ]; then start_pg; fi
    if [ -z "${REDIS_URL:-}" ]; then start_redis; fi
    write_env
    ;;
  stop)
    if pg_running; then as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null; fi
    if [ -f "$run/redis.pid" ] && redis_running; then
      redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
      rm -f "$run/redis.pid"
    fi
    ;;
  status)
    if [ -n "${DATABASE_URL:-}" ]; then echo "postgresql: external (DATABASE_URL)";
    elif pg_running; then echo "postgresql: running on 127.0.0.1:$pg_port ($pg_data)";
    else echo "postgresql: stopped"; fi
    if [ -n "${REDIS_URL:-}" ]; then echo "redis: external (REDIS_URL)";
    elif redis_running; then echo "redis: running on 127.0.0.1:$redis_port";
    else echo "redis: stopped"; fi
    ;;
  ports)
    echo "postgresql=$pg_port redis=$redis_port"
    ;;
  env)
    write_env
    cat "$run/services.env"
    ;;
  *)
    echo "usage: $0 start|stop|status|ports|env" >&2
    exit 2
    ;;
esac
