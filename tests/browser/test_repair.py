"""The repair directory in a real browser: a resident finds an open repairer by category and
distance; axe finds nothing on the directory, the profile and the owner's hours page."""

from datetime import time

import pytest

from places.opening_hours import Interval
from tests.factory_repair import BEKKESTUA, SANDVIKA, make_repairer
from tests.support import assert_no_axe_violations, sign_in

pytestmark = pytest.mark.browser
ALWAYS = [Interval(d, time(0), time(0)) for d in range(7)]


def test_a_resident_finds_an_open_bike_repairer_nearby_and_reads_the_profile(live_site, page):
    make_repairer(name="Alltid Åpen Sykkel", categories=("bicycles",), hours=ALWAYS, at=SANDVIKA)
    make_repairer(name="Aldri Åpen Sykkel", categories=("bicycles",), hours=[], at=SANDVIKA)
    make_repairer(name="Skomaker Bekkestua", categories=("shoes",), hours=ALWAYS, at=BEKKESTUA)
    page.goto(live_site.url + "/en/reparasjon/")
    assert_no_axe_violations(page, context="repair directory")
    page.get_by_label("Category").select_option("bikes")
    page.get_by_label("Near").fill("Sandvika")
    page.get_by_label("Open now").check()
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/en/reparasjon/?*")
    results = page.locator(".repairer-card")
    assert results.count() == 1
    card = results.first.inner_text()
    assert "Alltid Åpen Sykkel" in card and "0.0 km away" in card and "Open" in card
    assert_no_axe_violations(page, context="repair directory with results")
    page.get_by_role("link", name="Alltid Åpen Sykkel").click()
    page.wait_for_url("**/en/reparasjon/alltid-apen-sykkel/")
    assert page.get_by_role("heading", level=1).inner_text() == "Alltid Åpen Sykkel"
    assert page.locator("tr[aria-current=date]").count() == 1
    assert_no_axe_violations(page, context="repairer profile")


def test_a_resident_reviews_and_the_owner_answers(live_site, page):
    from tests.factories import UserFactory

    repairer = make_repairer(name="Fiks Sykkel", hours=ALWAYS)
    sign_in(page, live_site, UserFactory(profile__display_name="Kari"))
    page.goto(live_site.url + f"/en/reparasjon/{repairer.slug}/")
    page.get_by_label("4 of 5").check()
    page.get_by_label("Your experience").fill("Ny slange på ti minutter.")
    page.get_by_role("button", name="Publish the review").click()
    page.get_by_text("Thank you for your review.").wait_for()
    assert page.get_by_role("heading", name="4 of 5 from Kari").is_visible()
    assert_no_axe_violations(page, context="profile with a review")
    page.context.clear_cookies()
    sign_in(page, live_site, repairer.owners.get())
    page.goto(live_site.url + f"/en/reparasjon/{repairer.slug}/")
    page.get_by_label("Your public answer (once)").fill("Takk, Kari!")
    page.get_by_role("button", name="Publish the answer").click()
    page.get_by_text("Answer from Fiks Sykkel").wait_for()
    assert_no_axe_violations(page, context="profile with an answer")


def test_the_owners_hours_page_has_no_axe_violations(live_site, page):
    repairer = make_repairer(status="draft")
    sign_in(page, live_site, repairer.owners.get())
    page.goto(live_site.url + f"/en/reparasjon/mine/{repairer.pk}/apningstider/")
    page.get_by_label("Monday").fill("10-14, 15-18")
    page.get_by_role("button", name="Save opening hours").click()
    page.wait_for_url(f"**/en/reparasjon/mine/{repairer.pk}/apningstider/")
    assert page.get_by_label("Monday").input_value() == "10:00–14:00, 15:00–18:00"
    assert_no_axe_violations(page, context="owner's opening hours")
    page.goto(live_site.url + f"/en/reparasjon/mine/{repairer.pk}/")
    assert_no_axe_violations(page, context="owner's profile form")
