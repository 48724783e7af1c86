"""Settings shared by every environment. Everything that differs between machines comes from
the environment (see docs/configuration.md); `.run/services.env`, written by
`scripts/services.sh`, supplies DATABASE_URL and REDIS_URL for the project-local services when
the environment does not set them."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _load_services_env() -> None:
    """Fill DATABASE_URL / REDIS_URL from the file services.sh writes, never overriding the
    real environment."""
    env_file = Path(os.environ.get("SIRKEL_SERVICES_ENV", BASE_DIR / ".run" / "services.env"))
    if not env_file.exists():
        return
    for line in env_file.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() and not line.lstrip().startswith("#"):
            os.environ.setdefault(key.strip(), value.strip())


_load_services_env()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# JSON for the API, a page in the visitor's language for the site.
CSRF_FAILURE_VIEW = "core.security.csrf_failure"

INSTALLED_APPS = [
    # Sirkel apps (ground floor first, see ARCHITECTURE.md "Who may import whom")
    "accounts",
    "places",
    "catalog",
    "chat",
    "marketplace",
    "repair",
    "sharing",
    "cms",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",  # docs/decisions/0008-content-translation.md
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    "modelcluster",
    "taggit",
    # Third party
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "ninja",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "channels",
    # Django
    "daphne",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "core.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous visitors without a session get cached CMS pages from here (cms/page_cache.py).
    "cms.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A NUL in any query or form value: 400 before any view (PostgreSQL cannot store it).
    "core.middleware.NulByteMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.security.StaffMfaMiddleware",
    "core.ratelimit.RateLimitMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "sirkel.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chat.context_processors.unread",
                "csp.context_processors.nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "sirkel.wsgi.application"
ASGI_APPLICATION = "sirkel.asgi.application"

# --- Database: PostgreSQL + PostGIS, the only database --------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, engine="django.contrib.gis.db.backends.postgis")
    if DATABASE_URL
    else {"ENGINE": "django.contrib.gis.db.backends.postgis", "NAME": "sirkel"},
}
# Django's own connection pool (psycopg_pool): CONN_MAX_AGE leaks connections under ASGI
# (Django ticket #33497, see PITFALLS.md).
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
    "min_size": int(os.environ.get("DB_POOL_MIN", "1")),
    "max_size": int(os.environ.get("DB_POOL_MAX", "10")),
    "timeout": 10,
}
# Session settings for every connection: no JIT (ST_DWithin on geography has procost 10000, so
# plan costs pass jit_above_cost and PostgreSQL spent 50-360 ms compiling queries that run in
# 3 ms) and no parallel workers (20-40 ms to start, never paying back on a page of results).
# bench/README.md has the measurements. DB_SESSION_OPTIONS replaces them.
_session_options = os.environ.get("DB_SESSION_OPTIONS", "-c jit=off -c max_parallel_workers_per_gather=0")
if _session_options:
    _options = DATABASES["default"]["OPTIONS"]
    _options["options"] = f"{_options.get('options', '')} {_session_options}".strip()

# Connections per event loop for the statements async code runs without a thread (core.async_db:
# the chat message store), besides Django's pool above.
ASYNC_DB_POOL_SIZE = int(os.environ.get("ASYNC_DB_POOL_SIZE", "4"))
# Server-side prepared statements there (off only behind PgBouncer < 1.21 in transaction mode).
ASYNC_DB_PREPARE = os.environ.get("ASYNC_DB_PREPARE", "true").lower() not in ("0", "false", "no", "off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, channel layer -------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "sirkel")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "core.channel_layer.PubSubChannelLayer",  # channels-redis PubSub, lock-free publish
        "CONFIG": {
            "hosts": [
                {
                    "address": REDIS_URL,
                    # Per process; publishes wait for a free one (core.channel_layer)
                    "max_connections": int(os.environ.get("CHANNEL_REDIS_MAX_CONNECTIONS", "500")),
                }
            ],
            "prefix": os.environ.get("CHANNEL_PREFIX", "sirkel"),
        },
    }
}

# --- Privacy ------------------------------------------------------------------------------------
# Key for the deterministic fuzzing of public points (places.geo.fuzz_point); SECRET_KEY if empty.
LOCATION_FUZZ_SALT = os.environ.get("LOCATION_FUZZ_SALT", "")

# --- Background tasks --------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Accounts ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Offline: leaked-password patterns (keyboard walks, repeats, a common word + digits).
    {"NAME": "accounts.passwords.CommonPatternValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
# Failed logins: at most 5 per account per 5 minutes, 20 per IP per 5 minutes (Redis cache).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/5m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Sirkel] "
# allauth's rate limits count in the default cache (Redis): shared by every process.
# Two-factor authentication (accounts/security.py says who must use it).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Sirkel"
MFA_REQUIRED_URL_PREFIXES = ["/cms/"]
# Every view of a lending hub's desk (sharing/urls.py, "sentral/<hub>/..."; a test checks the list
# covers them all) and the item screens hub staff use for their hub's items. Those are shared with
# residents lending their own things, who are not asked for MFA (only staff are).
MFA_REQUIRED_VIEW_NAMES = [
    "sharing:hub",
    "sharing:decide",
    "sharing:hub_check_out",
    "sharing:hub_check_in",
    "sharing:hub_message",
    "sharing:hub_refer",
    "sharing:hub_repaired",
    "sharing:hub_reports",
    "sharing:hub_overdue_csv",
    "sharing:item_edit",
    "sharing:item_photos",
    "sharing:item_withdraw",
    "sharing:item_relist",
]

# --- Email ---------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / ".run" / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Sirkel <ikke-svar@sirkel.baerum.no>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation: Norwegian Bokmål first, English second ---------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
NODE_MODULES = BASE_DIR / "node_modules"
# Third-party front-end assets come from npm (package.json + lock), never copied into the repo.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/designsystemet", NODE_MODULES / "@digdir" / "designsystemet-css" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/leaflet-markercluster", NODE_MODULES / "leaflet.markercluster" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Files that must never be served as media: people's data exports (accounts.DataExport). Only
# a view that checks who is asking reads them. With media on S3, point this storage at a private
# bucket instead (docs/decisions/0017-privacy-export-and-deletion.md).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private"))
STORAGES["private"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
}

# --- Wagtail ------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Sirkel"
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "norwegian"}
}
WAGTAILEMBEDS_FINDERS = []  # embed-free by decision: nothing is fetched from third parties
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Translating a page copies it into the other locale for editing; no alias copies of untranslated
# pages (they would show Norwegian text under /en/): the switcher says instead that a page is not
# translated (docs/decisions/0008-content-translation.md).
WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = False
# Anonymous responses of CMS pages are cached whole for this many seconds (cms/page_cache.py);
# publishing any page starts a new generation. 0 turns the cache off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# Approval by a second editor publishes the page although editors cannot publish alone.
WAGTAIL_FINISH_WORKFLOW_ACTION = "cms.workflow_finish.publish_approved"
# No autosave (Wagtail's default saves a revision 0.5 s after any change in the editor): the
# second-editor rule (cms.workflow) treats the author of the latest revision as the page's
# author, so an approver who merely opened the editor, and whose editor widgets settled the form,
# became its author and lost "Approve". Editors save drafts themselves (docs/decisions/0005).
WAGTAIL_AUTOSAVE_INTERVAL = 0

# --- Maps ---------------------------------------------------------------------------------------
# Any XYZ tile server; pages keep working (list views) when tiles cannot load.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)
MAP_MAX_PINS = 500

# --- API ------------------------------------------------------------------------------------------
NINJA_PAGINATION_MAX_LIMIT = 100

# --- Security headers and abuse limits (core/security.py, core/ratelimit.py) ---------------------
_tile_origin = "{0.scheme}://{0.netloc}".format(urlsplit(MAP_TILE_URL))
_tile_sources = [_tile_origin.replace("{s}.", "")] + (
    [_tile_origin.replace("{s}.", "*.")] if "{s}." in _tile_origin else []
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # Scripts from our origin or with the request's nonce ({{ request.csp_nonce }}); never
        # 'unsafe-inline' (tests/core/test_security.py checks every template).
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *_tile_sources],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The Wagtail admin's templates carry inline scripts and styles (docs/decisions/0009).
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "frame-src": ["'self'"],  # page previews
        "frame-ancestors": ["'self'"],
    }
}
# No Gravatar in the admin: it would send a hash of every staff member's email to a third party,
# and its images are not allowed by img-src. Wagtail shows its default avatar instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Pages loading one of these get Permissions-Policy geolocation=(self); all others none.
GEOLOCATION_SCRIPTS = ["js/location-picker"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Per user (or API token) and per IP, "count/seconds", in the Redis cache (core/ratelimit.py).
# Benchmarks, which send everything from one loopback address, turn them off.
RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS_ENABLED", True)
RATE_LIMITS = {
    "write": {
        "user": os.environ.get("RATE_LIMIT_WRITE_USER", "60/60"),
        "ip": os.environ.get("RATE_LIMIT_WRITE_IP", "120/60"),
    },
    "search": {
        "user": os.environ.get("RATE_LIMIT_SEARCH_USER", "120/60"),
        "ip": os.environ.get("RATE_LIMIT_SEARCH_IP", "240/60"),
    },
    "admin_write": {"user": "600/60", "ip": "600/60"},
}
# Wagtail documents through Wagtail's view (privacy checks), downloaded unless PDF/plain text.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# /media/ served by Django (core.security.media_serve) where no proxy does it: dev and tests.
SERVE_MEDIA = env_bool("SERVE_MEDIA")

# --- Observability (core/observability.py) --------------------------------------------------------
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")

SILENCED_SYSTEM_CHECKS = [
    # Debian 12 ships GDAL 3.6, older than GeoDjango 5.2's tested minimum; the parts we use
    # (points, geography distance) work on it. Remove when the base image moves to Debian 13.
    "gis.W001",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.observability.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
