import pytest

from tests.support import assert_no_axe_violations

pytestmark = pytest.mark.browser


def test_the_impact_dashboard_and_how_we_count_have_no_axe_violations(live_site, page):
    from cms.services import impact_pages_ensure
    from tests.catalog.impact_support import complete_giveaway, log_repair

    dashboard, method = impact_pages_ensure()
    complete_giveaway(category="bicycles")
    log_repair(category="books")

    page.goto(live_site.url + dashboard.url)
    assert page.get_by_role("heading", level=1).inner_text() == dashboard.title
    assert page.locator("svg[role='img'][data-chart='impact-category']").count() == 1
    assert page.locator("table[data-table='impact-category'] tbody tr").count() == 2
    assert_no_axe_violations(page, context="impact dashboard")

    page.locator(f"a[href='{method.url}']").first.click()
    page.wait_for_url(live_site.url + method.url)
    assert page.locator("[data-table='factors'] tr[data-category='bicycles']").count() == 1
    assert_no_axe_violations(page, context="how we count")

    page.goto(live_site.url + "/en" + dashboard.url)
    assert_no_axe_violations(page, context="impact dashboard (en)")
