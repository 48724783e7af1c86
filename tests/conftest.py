"""Test infrastructure: the real PostGIS test database (pytest-django), the worker's own Redis
database, a live Daphne serving the test database, and Debian's Chromium through Playwright."""

import shutil

import pytest
from django.core.cache import cache
from django.db import connection

from tests.live import LiveDaphne, database_url

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rate-limit counters, Wagtail's site paths). Every
    xdist worker has a Redis database of its own, so this touches no one else."""
    from core.memo import forget_all

    cache.clear()
    # What processes remember belongs to the previous test's data (the page-cache generations
    # would tell them apart; the search's estimates would be merely stale).
    forget_all()
    yield


@pytest.fixture
def site(db):
    """The page tree with a published HomePage (nb + en) as the default site's root."""
    from cms.services import site_ensure

    return site_ensure()


@pytest.fixture
def places(db):
    from places.services import places_load

    places_load()


@pytest.fixture
def roles(db):
    from accounts.services import roles_ensure

    roles_ensure()


# --- live server -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_daphne(django_db_setup, django_db_blocker, tmp_path_factory):
    """A Daphne process on a free port against this worker's test database and Redis database.
    Tests that use it must commit their data (see `live_site`)."""
    from django.conf import settings

    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
    tmp = tmp_path_factory.mktemp("daphne")
    server = LiveDaphne(
        database=url,
        redis_url=settings.REDIS_URL,
        mail_dir=tmp / "mail",
        log_path=tmp / "daphne.log",
    )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def second_daphne(live_daphne, tmp_path_factory):
    """Another Daphne process on the same database and Redis: WebSocket clients on the two
    processes must reach each other through the channel layer."""
    from django.conf import settings

    tmp = tmp_path_factory.mktemp("daphne2")
    server = LiveDaphne(
        database=live_daphne.database,
        redis_url=settings.REDIS_URL,
        mail_dir=tmp / "mail",
        log_path=tmp / "daphne.log",
    )
    yield server
    server.stop()


@pytest.fixture
def live_site(live_daphne, transactional_db):
    """Committed site data for a live test (the tables are flushed after each such test)."""
    from accounts.services import roles_ensure
    from catalog.services import categories_load, impact_factors_load
    from cms.services import site_ensure
    from places.services import places_load

    # The flush after each live test empties every table, data migrations' rows included.
    roles_ensure()
    places_load()
    categories_load()
    impact_factors_load()
    site_ensure()
    for old in live_daphne.mail_dir.glob("*"):
        old.unlink()
    return live_daphne


# --- browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Debian's chromium package is missing: run scripts/install-system-deps.sh"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A browser tab. Every browser test also fails on a Content-Security-Policy violation
    (an inline script or style, a source the policy does not allow), reported by the browser
    as a console error."""
    context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    violations = []
    tab.on(
        "console",
        lambda message: (
            violations.append(f"{tab.url}: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield tab
    context.close()
    assert not violations, "CSP violations:\n" + "\n".join(violations)
