"""The impact dashboard page (SVG charts + tables, figures from the ledger × the factors), the
"how we count" page and the impact counters component."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.template import Context, Template
from django.utils import translation
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, streamfield

from catalog.models import ImpactFactor
from cms.impact_pages import ImpactDashboardPage, ImpactMethodPage
from cms.models import HomePage
from cms.services import impact_pages_ensure
from tests.catalog.impact_support import FACTORS, complete_giveaway, complete_loan, log_repair, set_factor
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def impact_pages(site):
    return impact_pages_ensure(site)


def soup_of(client, url) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def total(soup, metric) -> Decimal:
    cell = soup.select_one(f"[data-totals] [data-metric='{metric}']")
    return Decimal(cell["data-value"]) if cell.has_attr("data-value") else Decimal(cell.get_text(strip=True))


def chart_and_table(soup, chart_id) -> tuple[dict, dict]:
    """{key: (label, value text, exact value)} from the SVG bars and from the table rows."""
    svg = soup.select_one(f"svg[data-chart='{chart_id}']")
    bars = {
        g["data-key"]: (
            g.select_one(".impact-chart__label").get_text(" ", strip=True),
            g.select_one(".impact-chart__value").get_text(strip=True),
            Decimal(g["data-value"]),
        )
        for g in svg.select(".impact-chart__bar")
    }
    table = soup.select_one(f"table[data-table='{chart_id}']")
    rows = {
        tr["data-key"]: (
            tr.th.get_text(" ", strip=True),
            tr.select_one("[data-measure='kg_co2e_avoided']").get_text(strip=True),
            Decimal(tr.select_one("[data-measure='kg_co2e_avoided']")["data-value"]),
        )
        for tr in table.select("tbody tr[data-key]")
    }
    return bars, rows


def test_the_dashboard_and_method_pages_are_published_in_both_languages(client, impact_pages):
    dashboard, method = impact_pages
    assert client.get(dashboard.url).status_code == 200
    assert client.get(method.url).status_code == 200
    assert client.get("/en" + dashboard.url).status_code == 200
    english = soup_of(client, "/en" + method.url)
    assert english.h1.get_text(strip=True) == "How we count"


def test_completing_a_giveaway_a_loan_and_a_repair_changes_the_dashboard_by_the_factors(
    client, impact_pages, places
):
    dashboard, _ = impact_pages
    set_factor("bikes")
    before = soup_of(client, dashboard.url)
    assert total(before, "kg_co2e_avoided") == Decimal("0.00")

    complete_giveaway(category="bicycles")
    after_giveaway = soup_of(client, dashboard.url)
    assert total(after_giveaway, "items_reused") == 1
    assert total(after_giveaway, "kg_co2e_avoided") == FACTORS["reuse_kg_co2e"]

    complete_loan(category="bicycles")
    after_loan = soup_of(client, dashboard.url)
    assert total(after_loan, "loans_completed") == 1
    assert (
        total(after_loan, "kg_co2e_avoided") - total(after_giveaway, "kg_co2e_avoided")
        == FACTORS["loan_kg_co2e"]
    )

    log_repair(category="bicycles")
    after_repair = soup_of(client, dashboard.url)
    assert total(after_repair, "repairs_logged") == 1
    assert (
        total(after_repair, "kg_co2e_avoided") - total(after_loan, "kg_co2e_avoided")
        == FACTORS["repair_kg_co2e"]
    )
    assert total(after_repair, "kg_waste_avoided") == sum(
        FACTORS[f"{k}_kg_waste"] for k in ("reuse", "loan", "repair")
    )


def test_changing_a_factor_changes_the_dashboard(client, impact_pages):
    dashboard, _ = impact_pages
    factor = set_factor("bikes")
    log_repair(category="bicycles")
    assert total(soup_of(client, dashboard.url), "kg_co2e_avoided") == Decimal("48.25")
    factor.repair_kg_co2e = Decimal("12.00")
    factor.save()
    assert total(soup_of(client, dashboard.url), "kg_co2e_avoided") == Decimal("12.00")


def test_the_dashboard_comes_from_the_page_cache_until_the_ledger_or_a_factor_changes(
    client, impact_pages, places
):
    dashboard, _ = impact_pages
    factor = set_factor("bikes")
    assert client.get(dashboard.url)["X-Page-Cache"] == "miss"
    assert client.get(dashboard.url)["X-Page-Cache"] == "hit"

    complete_giveaway(category="bicycles")
    after_giveaway = client.get(dashboard.url)
    assert after_giveaway["X-Page-Cache"] == "miss"
    assert total(BeautifulSoup(after_giveaway.content, "html.parser"), "items_reused") == 1

    factor.reuse_kg_co2e = Decimal("1.00")
    factor.save()
    after_factor = client.get(dashboard.url)
    assert after_factor["X-Page-Cache"] == "miss"
    assert total(BeautifulSoup(after_factor.content, "html.parser"), "kg_co2e_avoided") == Decimal("1.00")


def test_a_dashboard_hit_checks_the_report_version_in_the_same_round_trip(client, impact_pages, monkeypatch):
    from django.core.cache import cache

    from catalog.selectors import IMPACT_VERSION_KEY

    dashboard, _ = impact_pages
    client.get(dashboard.url)
    assert client.get(dashboard.url)["X-Page-Cache"] == "hit"  # this process has met the counter
    reads = []
    real = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys, **kw: reads.append(list(keys)) or real(keys, **kw))
    assert client.get(dashboard.url)["X-Page-Cache"] == "hit"
    assert len(reads) == 1 and IMPACT_VERSION_KEY in reads[0]


def test_signed_in_visitors_get_the_figures_rendered_once_per_report_version(
    impact_pages, places, monkeypatch
):
    """Signed-in visitors never get the page cache; the figures' fragment is computed once per
    report version and page-tree generation, and again after a ledger write or a publish."""
    from cms import impact_pages as module
    from tests.support import login

    dashboard, method = impact_pages
    client = login(StaffFactory())
    computed = []
    real = module.dashboard_context
    monkeypatch.setattr(module, "dashboard_context", lambda: computed.append(1) or real())
    first = client.get(dashboard.url)
    second = client.get(dashboard.url)
    assert "X-Page-Cache" not in second
    assert len(computed) == 1 and first.content.count(b"<svg") == second.content.count(b"<svg") > 0

    complete_giveaway(category="bicycles")
    assert total(soup_of(client, dashboard.url), "items_reused") == 1
    assert len(computed) == 2

    method.slug = "slik-teller-vi-na"  # the method page moves: the link in the fragment follows
    method.save_revision().publish()
    soup = soup_of(client, dashboard.url)
    assert len(computed) == 3
    assert any("slik-teller-vi-na" in a["href"] for a in soup.select("a.ds-link"))


@pytest.mark.parametrize("chart_id", ["impact-category", "impact-month", "impact-town", "impact-kind"])
def test_each_svg_chart_and_its_table_show_the_same_figures(client, impact_pages, places, chart_id):
    dashboard, _ = impact_pages
    set_factor("bikes")
    set_factor("books-media", repair_kg_co2e=Decimal("1.25"))
    complete_giveaway(category="bicycles")
    complete_loan(category="e-bikes")
    log_repair(category="books")
    soup = soup_of(client, dashboard.url)
    bars, rows = chart_and_table(soup, chart_id)
    assert bars and bars == rows
    assert sum(value for _, _, value in bars.values()) == total(soup, "kg_co2e_avoided")


def test_the_bars_are_drawn_to_scale_and_the_chart_is_labelled(client, impact_pages):
    dashboard, _ = impact_pages
    set_factor("bikes", repair_kg_co2e=Decimal("40.00"))
    set_factor("books-media", repair_kg_co2e=Decimal("10.00"))
    log_repair(category="bicycles")
    log_repair(category="books")
    svg = soup_of(client, dashboard.url).select_one("svg[data-chart='impact-category']")
    assert svg["role"] == "img"
    title_id, desc_id = svg["aria-labelledby"].split()
    # The description names the largest bar (the category's name in the page's language, nb).
    assert svg.find("title", id=title_id).get_text() and "Sykler" in svg.find("desc", id=desc_id).get_text()
    assert {t["data-axis"] for t in svg.select(".impact-chart__axis-title")} == {"x", "y"}
    widths = {g["data-key"]: float(g.rect["width"]) for g in svg.select(".impact-chart__bar")}
    assert widths["bikes"] == pytest.approx(4 * widths["books-media"], rel=0.01)


def test_an_empty_ledger_shows_empty_tables_not_an_error(client, impact_pages):
    dashboard, _ = impact_pages
    soup = soup_of(client, dashboard.url)
    assert total(soup, "items_reused") == 0
    assert soup.select_one("table[data-table='impact-category'] tbody").get_text(strip=True)


def test_the_dashboard_links_to_the_csv_and_the_method_page(client, impact_pages):
    dashboard, method = impact_pages
    hrefs = {a["href"] for a in soup_of(client, dashboard.url).select("a")}
    assert {"/api/v1/impact.csv", "/api/v1/impact", method.url} <= hrefs


def test_how_we_count_lists_every_category_with_its_factor_and_source(client, impact_pages):
    _, method = impact_pages
    set_factor("bikes", repair_kg_co2e=Decimal("33.33"))
    ImpactFactor.objects.filter(category__slug="bikes").update(source="A made-up test source, page 4.")
    soup = soup_of(client, method.url)
    bicycles = soup.select_one("[data-table='factors'] tr[data-category='bicycles']")
    assert "33,33" in bicycles.get_text()  # inherited from bikes, in Norwegian number format
    assert soup.select_one("[data-source='bikes']").get_text(strip=True) == "A made-up test source, page 4."
    assert "WRAP" in soup.get_text() and "Restart Project" in soup.get_text()


def test_the_impact_counters_component_shows_the_totals(impact_pages):
    set_factor("bikes")
    log_repair(category="bicycles")
    with translation.override("en"):
        html = Template("{% load impact_tags %}{% impact_counters method_url='/slik-teller-vi/' %}").render(
            Context({})
        )
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("[data-metric='repairs_logged'] .impact-counters__value").get_text() == "1"
    assert soup.select_one("[data-metric='kg_co2e_avoided'] .impact-counters__value").get_text() == "48"
    assert soup.h2.get_text() == "What we have achieved together"


class TestImpactPageTypes(WagtailPageTestCase):
    def test_the_dashboard_goes_under_the_home_page_and_the_method_page_under_it(self):
        self.assertCanCreateAt(HomePage, ImpactDashboardPage)
        self.assertCanCreateAt(ImpactDashboardPage, ImpactMethodPage)
        self.assertCanNotCreateAt(ImpactMethodPage, ImpactDashboardPage)

    def test_the_pages_render_and_are_editable(self):
        from cms.services import site_ensure

        dashboard, method = impact_pages_ensure(site_ensure())
        editor = StaffFactory(is_superuser=True, is_staff=True)  # the admin requires MFA
        self.assertPageIsRenderable(dashboard)
        self.assertPageIsRenderable(method)
        for page in (dashboard, method):
            data = nested_form_data(
                {"title": page.title, "slug": page.slug, "intro": "Ny ingress", "body": streamfield([])}
            )
            self.assertPageIsEditable(page, post_data=data, user=editor)
