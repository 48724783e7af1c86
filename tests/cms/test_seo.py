"""SEO and sharing: titles, descriptions, canonical URLs, Open Graph, sitemap.xml, robots.txt
and schema.org structured data, read the way crawlers read them."""

import json
from datetime import UTC, datetime

import pytest
from defusedxml import ElementTree as ET
from django.contrib.auth.models import Group
from django.template import Context, Template
from django.test import RequestFactory
from wagtail.models import Locale, PageViewRestriction

from cms.models import StandardPage
from core import structured_data as sd
from tests.cms.seo_html import parse_head
from tests.factory_repair import make_repairer

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def _publish_under(parent, **fields) -> StandardPage:
    page = StandardPage(**fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def pages(site):
    """A published page with SEO fields, one without, a draft, an unpublished and a private page."""
    seo = _publish_under(
        site,
        title="Om Sirkel",
        slug="om",
        seo_title="Om Sirkel – gjenbruk i Bærum",
        search_description="Hva Sirkel er og hvem som står bak.",
    )
    plain = _publish_under(
        site, title="Personvern", slug="personvern", intro="Hva vi lagrer om deg, og hvorfor."
    )
    draft = StandardPage(title="Utkast", slug="utkast", live=False)
    site.add_child(instance=draft)
    draft.save_revision()
    gone = _publish_under(site, title="Gammel side", slug="gammel")
    gone.unpublish()
    private = _publish_under(site, title="Intern side", slug="intern")
    restriction = PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    restriction.groups.set(Group.objects.none())
    return {"seo": seo, "plain": plain, "draft": draft, "gone": gone, "private": private}


# --- <head> --------------------------------------------------------------------------------------


def test_a_cms_page_uses_its_seo_title_and_search_description(client, pages):
    head = parse_head(client.get("/om/").content)

    assert head.title == "Om Sirkel – gjenbruk i Bærum – Sirkel"
    assert head.meta["description"] == "Hva Sirkel er og hvem som står bak."
    assert head.meta["og:title"] == "Om Sirkel – gjenbruk i Bærum"
    assert head.meta["og:description"] == "Hva Sirkel er og hvem som står bak."
    assert head.meta["og:url"] == head.canonical() == "http://testserver/om/"
    assert head.meta["og:locale"] == "nb_NO"
    assert head.meta["og:site_name"] == "Sirkel"


def test_a_cms_page_without_seo_fields_falls_back_to_its_title_and_intro(client, pages):
    head = parse_head(client.get("/personvern/").content)

    assert head.title == "Personvern – Sirkel"
    assert head.meta["description"] == "Hva vi lagrer om deg, og hvorfor."


MAIN_PAGES = ["/", "/en/", "/gis-bort/", "/en/gis-bort/", "/reparasjon/", "/laan/", "/en/laan/", "/sok/"]


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_every_main_page_has_a_title_description_canonical_and_open_graph(client, site, path):
    response = client.get(path)
    assert response.status_code == 200
    head = parse_head(response.content)

    assert head.title.endswith("– Sirkel") and len(head.title) > len("– Sirkel") + 2
    assert len(head.meta["description"]) > 20
    assert head.canonical() == f"http://testserver{path}"
    for prop in ("og:title", "og:description", "og:url", "og:type", "og:locale"):
        assert head.meta.get(prop), f"{prop} missing on {path}"
    assert head.meta["og:url"] == head.canonical()
    alternates = head.alternates()
    assert set(alternates) == {"nb", "en", "x-default"}
    assert alternates["x-default"] == alternates["nb"]
    assert head.html_lang == ("en" if path.startswith("/en/") else "nb")


def test_the_canonical_url_drops_filters_but_keeps_a_later_page_number(client, site):
    head = parse_head(client.get("/gis-bort/", {"q": "sofa", "sort": "new"}).content)
    assert head.canonical() == "http://testserver/gis-bort/"

    head = parse_head(client.get("/gis-bort/", {"q": "sofa", "page": "3"}).content)
    assert head.canonical() == "http://testserver/gis-bort/?page=3"


def test_titles_with_markup_characters_are_escaped_once(client, site):
    page = _publish_under(site, title='Bytt "gammelt" & <nytt>', slug="bytt")

    html = client.get("/bytt/").content.decode()

    assert "<title>Bytt &quot;gammelt&quot; &amp; &lt;nytt&gt; – Sirkel</title>" in html
    assert 'content="Bytt &quot;gammelt&quot; &amp; &lt;nytt&gt;"' in html
    assert parse_head(html).meta["og:title"] == page.title


# --- sitemap.xml ---------------------------------------------------------------------------------


def _sitemap(client) -> dict[str, list[tuple[str, str]]]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {
        url.findtext("s:loc", namespaces=SITEMAP_NS): [
            (link.get("hreflang"), link.get("href")) for link in url.findall("x:link", SITEMAP_NS)
        ]
        for url in root.findall("s:url", SITEMAP_NS)
    }


def test_the_sitemap_lists_published_public_pages_only(client, pages):
    urls = _sitemap(client)

    assert "http://testserver/om/" in urls
    assert "http://testserver/personvern/" in urls
    for slug in ("utkast", "gammel", "intern"):
        assert f"http://testserver/{slug}/" not in urls, f"{slug} must not be in the sitemap"


def test_the_sitemap_lists_both_languages_with_their_alternates(client, pages):
    english = pages["seo"].copy_for_translation(Locale.objects.get(language_code="en"))
    english.title, english.slug = "About Sirkel", "about"
    english.save_revision().publish()

    urls = _sitemap(client)

    expected = [
        ("nb", "http://testserver/om/"),
        ("en", "http://testserver/en/about/"),
        ("x-default", "http://testserver/om/"),
    ]
    assert urls["http://testserver/om/"] == expected
    assert urls["http://testserver/en/about/"] == expected
    assert urls["http://testserver/"] and urls["http://testserver/en/"]
    assert urls["http://testserver/personvern/"] == []  # untranslated: no alternates


def test_the_sitemap_lists_the_apps_list_pages_in_both_languages(client, site):
    urls = _sitemap(client)

    for path in ("/gis-bort/", "/reparasjon/", "/laan/"):
        assert f"http://testserver{path}" in urls
        assert ("en", f"http://testserver/en{path}") in urls[f"http://testserver{path}"]
        assert f"http://testserver/en{path}" in urls


def test_a_page_published_after_a_sitemap_request_appears_in_the_next_one(client, site):
    _sitemap(client)
    _publish_under(site, title="Nyheter", slug="nyheter")

    assert "http://testserver/nyheter/" in _sitemap(client)


# --- robots.txt ----------------------------------------------------------------------------------


def test_robots_txt_disallows_admin_api_and_private_pages_in_both_languages(client, site):
    response = client.get("/robots.txt")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    disallowed = {line.split(":", 1)[1].strip() for line in lines if line.startswith("Disallow:")}
    assert lines[0] == "User-agent: *"
    for path in (
        "/cms/",
        "/api/",
        "/konto/",
        "/meldinger/",
        "/gis-bort/mine/",
        "/laan/mine/",
        "/laan/utlan/",
    ):
        assert path in disallowed
        assert f"/en{path}" in disallowed or path in ("/cms/", "/api/")
    assert "/reparasjon/mine/" in disallowed and "/laan/sentral/" in disallowed
    assert "/" not in disallowed and "/gis-bort/" not in disallowed
    assert "Sitemap: http://testserver/sitemap.xml" in lines


# --- structured data -----------------------------------------------------------------------------


def test_a_public_repairer_profile_carries_schema_org_local_business(client, site):
    repairer = make_repairer(name='Sykkel & Søm "AS"', phone="67 00 00 00", website="https://example.no/")

    response = client.get(f"/reparasjon/{repairer.slug}/")

    assert response.status_code == 200
    (data,) = parse_head(response.content).json_ld
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "LocalBusiness"
    assert data["name"] == 'Sykkel & Søm "AS"'
    assert data["url"] == f"http://testserver/reparasjon/{repairer.slug}/"
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "Sandviksveien 1",
        "postalCode": "1337",
        "addressLocality": "Sandvika",
        "addressCountry": "NO",
    }
    assert data["geo"]["latitude"] == pytest.approx(59.8908, abs=1e-4)
    assert data["telephone"] == "67 00 00 00"
    assert data["sameAs"] == ["https://example.no/"]
    monday = data["openingHoursSpecification"][0]
    assert monday == {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": "https://schema.org/Monday",
        "opens": "09:00",
        "closes": "17:00",
    }
    assert len(data["openingHoursSpecification"]) == 5
    assert "aggregateRating" not in data  # no reviews yet


def test_a_draft_repairer_profile_has_no_structured_data(site):
    from tests.support import login

    repairer = make_repairer(status="draft")
    response = login(repairer.owners.get()).get(f"/reparasjon/{repairer.slug}/")

    assert response.status_code == 200
    assert parse_head(response.content).json_ld == []


def test_the_json_ld_tag_renders_an_event_that_parses_and_cannot_break_out_of_its_script():
    data = sd.event(
        name="Byttemarked </script><script>alert(1)</script>",
        url="https://sirkel.example/arrangementer/byttemarked/",
        start=datetime(2026, 12, 5, 10, 0, tzinfo=UTC),
        end=datetime(2026, 12, 5, 14, 0, tzinfo=UTC),
        description="Ta med klær & leker",
        place_name="Sandvika bibliotek",
        address=sd.postal_address(street="Sandviksveien 1", postal_code="1337", town="Sandvika"),
        location=sd.geo(59.8908, 10.5238),
    )

    html = Template("{% load seo_tags %}{% json_ld data %}").render(Context({"data": data}))

    assert html.count("</script>") == 1 and "<script>alert" not in html
    (parsed,) = parse_head(html).json_ld
    assert parsed["@type"] == "Event"
    assert parsed["name"] == "Byttemarked </script><script>alert(1)</script>"
    assert parsed["startDate"] == "2026-12-05T10:00:00+00:00"
    assert parsed["location"]["@type"] == "Place"
    assert parsed["location"]["address"]["addressLocality"] == "Sandvika"
    assert parsed["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert parsed["offers"]["price"] == 0
    assert parsed["isAccessibleForFree"] is True


def test_the_json_ld_tag_renders_nothing_for_no_data():
    assert Template("{% load seo_tags %}{% json_ld data %}").render(Context({"data": None})) == ""


def test_a_page_type_with_structured_data_gets_it_in_its_head(client, site, monkeypatch):
    _publish_under(site, title="Byttemarked", slug="byttemarked")

    def structured(self, request):
        return sd.event(
            name=self.title, url=request.build_absolute_uri(), start=datetime(2026, 12, 5, tzinfo=UTC)
        )

    monkeypatch.setattr(StandardPage, "get_structured_data", structured, raising=False)
    (data,) = parse_head(client.get("/byttemarked/").content).json_ld

    assert data["@type"] == "Event" and data["name"] == "Byttemarked"
    assert json.dumps(data)  # plain JSON all the way down


def test_structured_data_leaves_out_empty_values():
    data = sd.local_business(name="Verksted", url="https://x.example/", telephone="", hours=[])

    (parsed,) = parse_head(sd.json_ld_script(data)).json_ld
    assert "telephone" not in parsed and "openingHoursSpecification" not in parsed


def test_the_language_versions_are_computed_once_per_request(site, django_assert_max_num_queries):
    from cms import seo

    request = RequestFactory().get("/")
    request.LANGUAGE_CODE = "nb"
    seo.versions(request, site)
    with django_assert_max_num_queries(0):
        seo.versions(request, site)
