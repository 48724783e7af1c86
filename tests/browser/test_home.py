import pytest

from tests.support import assert_no_axe_violations

pytestmark = pytest.mark.browser


def test_home_page_switches_language_and_has_no_axe_violations(live_site, page):
    page.goto(live_site.url + "/")
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Gi bort, bytt")
    assert_no_axe_violations(page, context="home (nb)")

    page.get_by_role("link", name="English").click()
    page.wait_for_url(live_site.url + "/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Give away, swap")
    assert_no_axe_violations(page, context="home (en)")

    page.get_by_role("link", name="Norsk (bokmål)").click()
    page.wait_for_url(live_site.url + "/")
    assert page.locator("html").get_attribute("lang") == "nb"


def test_skip_link_moves_focus_to_main(live_site, page):
    page.goto(live_site.url + "/")
    page.keyboard.press("Tab")
    skip = page.locator(".ds-skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("path", ["/konto/login/", "/en/konto/login/", "/konto/signup/", "/sok/?q=gjenbruk"])
def test_account_and_search_pages_have_no_axe_violations(live_site, page, path):
    page.goto(live_site.url + path)
    assert_no_axe_violations(page)


def test_home_page_fits_a_320_px_screen(live_site, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    small = context.new_page()
    small.goto(live_site.url + "/")
    overflow = small.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    context.close()
    assert overflow <= 0
