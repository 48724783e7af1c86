"""Local development: `make run`."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-not-secret")

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
