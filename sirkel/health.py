"""GET /healthz: 200 when PostgreSQL and Redis answer, 503 (with which one failed) otherwise."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _redis_ok() -> bool:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@never_cache
@require_GET
def healthz(request):
    database, cache = _database_ok(), _redis_ok()
    body = {
        "status": "ok" if database and cache else "error",
        "database": "ok" if database else "error",
        "redis": "ok" if cache else "error",
    }
    return JsonResponse(body, status=200 if database and cache else 503)


def _migrations_applied() -> bool:
    """True when every migration on disk is recorded as applied in the database."""
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        targets = executor.loader.graph.leaf_nodes()
        return not executor.migration_plan(targets)
    except Exception:
        return False


@never_cache
@require_GET
def readyz(request):
    """Readiness: the process may take traffic when PostgreSQL and Redis answer and the
    database schema matches the code (no unapplied migrations). 503 with what is missing."""
    database, cache = _database_ok(), _redis_ok()
    migrations = database and _migrations_applied()
    ready = database and cache and migrations
    body = {
        "status": "ok" if ready else "error",
        "database": "ok" if database else "error",
        "redis": "ok" if cache else "error",
        "migrations": "ok" if migrations else ("pending" if database else "unknown"),
    }
    return JsonResponse(body, status=200 if ready else 503)
