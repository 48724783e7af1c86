"""Every main page under the strict CSP in a real browser: no console errors of our own (CSP
violations included), no uncaught script errors. Failed tile downloads (no network here) are
the only console errors expected, and are left out."""

import pytest

from tests.factories import UserFactory, make_listing
from tests.support import assert_no_axe_violations, sign_in

pytestmark = pytest.mark.browser

PAGES = [
    "/en/",
    "/en/gis-bort/",
    "/en/gis-bort/kart/?place=Fornebu&radius_km=2",
    "/en/gis-bort/ny/",
    "/en/reparasjon/",
    "/en/laan/",
    "/en/konto/innstillinger/",
    "/en/meldinger/",
    "/en/konto/2fa/",
]


def test_main_pages_run_without_console_errors_under_the_policy(live_site, page):
    make_listing(title="Kajakk", category="water-sports", lat=59.8953, lon=10.6266)
    sign_in(page, live_site, UserFactory())
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"{page.url}: {message.text}")
            if message.type == "error" and "Failed to load resource" not in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(f"{page.url}: uncaught {error}"))
    for path in PAGES:
        response = page.goto(live_site.url + path)
        assert response.status == 200, path
        assert (
            "'unsafe-inline'"
            not in response.headers["content-security-policy"].split("script-src")[1].split(";")[0]
        )
        page.wait_for_load_state("load")
        if "/2fa/" in path:
            assert_no_axe_violations(page, context="two-factor authentication")
    assert not errors, "\n".join(errors)
