# syntax=docker/dockerfile:1
#
# Sirkel production image. One image for every role; the first argument picks it
# (scripts/entrypoint.sh): web (gunicorn), ws (Daphne, /ws/ only), worker, migrate, demo.
#
#   docker build -t sirkel .
#   docker run --rm -e SECRET_KEY=... -e DATABASE_URL=... -e REDIS_URL=... sirkel web
#
# The same install scripts as development and CI are used here, so the image and a developer's
# machine get their packages the same way.

# --- Front-end packages from package-lock.json ------------------------------------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/setup-assets.sh scripts/
# Runtime packages only: axe-core (a devDependency) is for the accessibility tests.
RUN NPM_FLAGS="--omit=dev" bash scripts/setup-assets.sh

# --- Runtime ----------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS runtime

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VENV=/app/.venv \
    PYTHON=/app/.venv/bin/python \
    PATH=/app/.venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=sirkel.settings.production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/srv/media \
    PRIVATE_MEDIA_ROOT=/srv/private

WORKDIR /app

# System libraries GeoDjango loads (GDAL, GEOS, PROJ), gettext and the PostgreSQL client.
COPY scripts/install-system-deps.sh scripts/
RUN SIRKEL_DEPS=runtime bash scripts/install-system-deps.sh \
    && rm -rf /var/lib/apt/lists/*

# Python packages (runtime set only) into /app/.venv. This layer changes only with requirements.txt.
COPY requirements.txt ./
COPY scripts/setup-python.sh scripts/
RUN bash scripts/setup-python.sh \
    && "$PYTHON" -c "import daphne, gunicorn, psycopg, psycopg_pool"

# The application, then the npm packages built in the first stage (.dockerignore keeps the
# host's .venv and node_modules out of the build context).
COPY . .
COPY --from=assets /app/node_modules ./node_modules
RUN chmod 0755 scripts/*.sh

# Translations and static files are built into the image. settings.production refuses to start
# without SECRET_KEY and DATABASE_URL; neither command opens a database connection, so
# throw-away values are enough and none of them ends up in the image's environment.
RUN export SECRET_KEY=build-time-only-not-a-secret \
        DATABASE_URL=postgres://build:build@127.0.0.1:9/build \
        REDIS_URL=redis://127.0.0.1:9/0 \
    && "$PYTHON" manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0 \
    && "$PYTHON" manage.py collectstatic --noinput -v 0

# Unprivileged user. The code stays owned by root (read-only to the app); the user writes only
# to media and to the static directory the migrate role publishes for nginx. Creating these
# directories here means fresh named volumes mounted on them start out owned by `sirkel`.
RUN groupadd --system --gid 10001 sirkel \
    && useradd --system --uid 10001 --gid sirkel --home-dir /home/sirkel --create-home \
        --shell /usr/sbin/nologin sirkel \
    && mkdir -p /srv/media /srv/private /srv/static \
    && chown sirkel:sirkel /srv/media /srv/private /srv/static
USER sirkel

# web listens on 8000, ws on 8001 (both can be changed with PORT).
EXPOSE 8000 8001

# GET /healthz (database and Redis) on the role's own port, with Python's urllib: no curl in the
# image. Roles without an HTTP port (worker, migrate) report healthy.
HEALTHCHECK --interval=30s --timeout=6s --start-period=30s --retries=3 \
    CMD ["/app/scripts/entrypoint.sh", "healthcheck"]

ENTRYPOINT ["/app/scripts/entrypoint.sh"]
CMD ["web"]
