import pytest

from tests.factories import make_listing
from tests.support import assert_no_axe_violations

pytestmark = pytest.mark.browser


def test_map_pin_opens_with_the_keyboard_even_without_tiles(live_site, page):
    make_listing(title="Kajakk", category="water-sports", lat=59.8953, lon=10.6266)
    page.goto(live_site.url + "/en/gis-bort/kart/?place=Fornebu&radius_km=2")
    marker = page.locator(".leaflet-marker-icon").first
    marker.wait_for()
    assert page.get_by_role("link", name="Kajakk").is_visible()  # the list below is the fallback
    assert_no_axe_violations(page, context="listing map")
    marker.focus()
    page.keyboard.press("Enter")
    popup_link = page.locator(".leaflet-popup").get_by_role("link", name="Open the listing")
    popup_link.wait_for()
    popup_link.click()
    page.wait_for_url("**/en/gis-bort/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Kajakk"


def test_a_click_on_the_form_map_sets_the_listing_point(live_site, page):
    from marketplace.models import Listing
    from places.models import Place
    from tests.factories import UserFactory
    from tests.support import sign_in

    sign_in(page, live_site, UserFactory())
    page.goto(live_site.url + "/en/gis-bort/ny/")
    page.get_by_label("Give away").check()
    page.get_by_label("Title").fill("Stige")
    page.get_by_label("Category").select_option("ladders")
    page.get_by_label("Condition").select_option("used")
    page.locator(".location-picker__map").click(position={"x": 150, "y": 100})
    assert page.locator("[data-status]").inner_text().startswith("Point chosen on the map")
    point = page.locator("input[name=point]").input_value()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**/en/gis-bort/*/")
    listing = Listing.objects.get(title="Stige")
    lat, lon = (float(v) for v in point.split(","))
    assert (round(listing.location.y, 5), round(listing.location.x, 5)) == (round(lat, 5), round(lon, 5))
    assert not Place.objects.filter(point=listing.location).exists()
