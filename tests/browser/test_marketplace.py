"""The marketplace in Chromium: a resident lists a lamp with two photos, a neighbour finds it,
saves it and asks for it, the owner reserves it for them and marks it given away."""

import re

import pytest

from marketplace.models import Listing, ListingImage
from tests import photos
from tests.factories import UserFactory
from tests.support import assert_no_axe_violations, sign_in

pytestmark = pytest.mark.browser


def test_list_find_save_reserve_and_complete(live_site, browser):
    owner = UserFactory(profile__display_name="Olga")
    neighbour = UserFactory(profile__display_name="Nils")

    owner_context = browser.new_context(locale="nb-NO")
    owner_page = owner_context.new_page()
    owner_page.set_default_timeout(15_000)
    sign_in(owner_page, live_site, owner)

    owner_page.goto(live_site.url + "/en/gis-bort/ny/")
    assert_no_axe_violations(owner_page, context="listing form")
    owner_page.get_by_label("Give away").check()
    owner_page.get_by_label("Title").fill("Messinglampe fra 70-tallet")
    owner_page.get_by_label("Description").fill("Virker fint, litt støv.")
    owner_page.get_by_label("Category").select_option("lamps")
    owner_page.get_by_label("Condition").select_option("good")
    owner_page.get_by_label("Area").select_option("Bekkestua")
    owner_page.get_by_label("Photos").set_input_files(
        [
            {"name": "lampe1.jpg", "mimeType": "image/jpeg", "buffer": photos.jpeg_with_gps()},
            {"name": "lampe2.png", "mimeType": "image/png", "buffer": photos.png()},
        ]
    )
    owner_page.get_by_role("button", name="Publish").click()
    owner_page.wait_for_url(re.compile(r".*/gis-bort/\d+/$"))
    listing = Listing.objects.get(title="Messinglampe fra 70-tallet")
    assert ListingImage.objects.filter(listing=listing).count() == 2
    assert owner_page.locator("picture img").count() == 2
    assert_no_axe_violations(owner_page, context="listing detail (owner)")

    neighbour_context = browser.new_context(locale="nb-NO")
    page = neighbour_context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_site, neighbour)
    page.goto(live_site.url + "/en/gis-bort/")
    page.get_by_label("What are you looking for?").fill("lampe")
    page.get_by_label("Near").fill("Stabekk")
    page.get_by_label("Distance").select_option("5")
    page.get_by_role("button", name="Search", exact=True).click()
    card = page.get_by_role("link", name="Messinglampe fra 70-tallet")
    assert card.is_visible()
    assert "km away" in page.locator(".listing-card").first.inner_text()
    assert_no_axe_violations(page, context="listing search results")

    page.get_by_label("Distance").select_option("1")
    page.get_by_label("Near").fill("Sandvika")
    page.get_by_role("button", name="Search", exact=True).click()
    assert page.get_by_text("Try a wider area").is_visible()

    page.goto(live_site.url + f"/en/gis-bort/{listing.pk}/")
    page.get_by_role("button", name="Save", exact=True).click()
    assert page.get_by_role("button", name="Saved").get_attribute("aria-pressed") == "true"
    assert_no_axe_violations(page, context="listing detail (visitor)")
    page.get_by_role("button", name="Send a message").click()
    page.wait_for_url(re.compile(r".*/meldinger/\d+/$"))
    page.get_by_role("textbox", name="Message").fill("Hei! Kan jeg hente lampen i kveld?")
    page.get_by_role("button", name="Send").click()
    assert page.get_by_text("Kan jeg hente lampen i kveld?").is_visible()

    owner_page.reload()
    owner_page.get_by_label("Reserve for").select_option(label="Nils")
    owner_page.get_by_role("button", name="Reserve", exact=True).click()
    assert owner_page.get_by_text("Reserved for Nils").is_visible()
    owner_page.get_by_role("button", name="Mark as given away / swapped").click()
    listing.refresh_from_db()
    assert listing.status == "completed" and listing.reserved_for == neighbour

    owner_context.close()
    neighbour_context.close()
