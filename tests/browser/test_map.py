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
