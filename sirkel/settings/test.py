"""The test suite: real PostGIS and Redis (project-local services or DATABASE_URL/REDIS_URL).

Each pytest-xdist worker gets its own test database (pytest-django) and its own Redis database
number, so workers never see each other's cache, rate-limit counters or channel groups, and a
`make run` in the same checkout (Redis database 0, database "sirkel") is left alone."""

import os
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, CHANNEL_LAYERS, DATABASES, REDIS_URL

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
_worker_number = int(WORKER[2:]) if WORKER[2:].isdigit() else 0


def _redis_db(url: str, number: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{number}"))


# Redis databases 1..15 for tests (0 is `make run`'s). A live Daphne started by the tests gets
# TEST_REDIS_URL so it shares the worker's database.
REDIS_URL = os.environ.get("TEST_REDIS_URL") or _redis_db(REDIS_URL, 1 + _worker_number % 15)
CACHES["default"]["LOCATION"] = REDIS_URL
CACHES["default"]["KEY_PREFIX"] = f"test-{WORKER}"
CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]["address"] = REDIS_URL
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"test-{WORKER}"

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
WHITENOISE_USE_FINDERS = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = BASE_DIR / ".run" / "test-media" / WORKER
PRIVATE_MEDIA_ROOT = BASE_DIR / ".run" / "test-private" / WORKER
STORAGES["private"]["OPTIONS"]["location"] = PRIVATE_MEDIA_ROOT  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# pytest-django opens and closes connections freely; no pool in tests.
DATABASES["default"]["OPTIONS"].pop("pool", None)

if os.environ.get("SIRKEL_LIVE_SERVER"):
    # The Daphne process the tests start: tests flush tables between live tests, which gives
    # content types new ids, so this process must not keep them cached between requests.
    MIDDLEWARE = ["tests.live.ForgetCachedContentTypesMiddleware", *MIDDLEWARE]  # noqa: F405
SERVE_MEDIA = True
# axe-core for the accessibility checks of the browser tests, loaded from our own origin (CSP).
STATICFILES_DIRS = [*STATICFILES_DIRS, ("vendor/axe-core", NODE_MODULES / "axe-core")]  # noqa: F405
