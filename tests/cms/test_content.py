"""The page types, the home page's live sections and the site search."""

import json
from datetime import date

import pytest
from django.test import Client
from django.utils import translation
from wagtail.models import Page

from cms.demo import demo_pages_ensure
from cms.models import GuidePage, HomePage, NewsIndexPage, NewsPage, StandardPage, TopicIndexPage
from cms.selectors import site_search
from tests.factories import UserFactory, make_listing
from tests.factory_repair import BEKKESTUA, SANDVIKA, make_repairer


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def topics(site):
    return _publish(site, TopicIndexPage(title="Guider", slug="guider", intro="Råd om gjenbruk"))


def _guide(topics, title="Slik reparerer du sykkelslangen", slug="sykkelslangen", **extra):
    body = [{"type": "paragraph", "value": "<p>Ta av hjulet og finn hullet.</p>"}]
    return _publish(
        topics, GuidePage(title=title, slug=slug, intro="Lapp selv.", body=json.dumps(body), **extra)
    )


# --- Page tree -----------------------------------------------------------------------------------


def test_page_types_live_where_they_belong(site, topics):
    assert TopicIndexPage.can_create_at(site) and NewsIndexPage.can_create_at(site)
    assert GuidePage.can_create_at(topics) and not GuidePage.can_create_at(site)
    assert not NewsPage.can_create_at(site) and not NewsPage.can_create_at(topics)
    assert set(HomePage.allowed_subpage_models()) >= {StandardPage, TopicIndexPage, NewsIndexPage}


def test_topic_index_lists_its_published_guides_only(client, topics):
    _guide(topics)
    draft = GuidePage(title="Hemmelig utkast", slug="utkast", intro="x", body="[]", live=False)
    topics.add_child(instance=draft)
    html = client.get("/guider/").content.decode()
    assert "Slik reparerer du sykkelslangen" in html
    assert "Hemmelig utkast" not in html


def test_guide_page_shows_intro_body_and_the_way_back_to_its_topic(client, topics):
    _guide(topics)
    html = client.get("/guider/sykkelslangen/").content.decode()
    assert "Ta av hjulet og finn hullet." in html
    assert 'href="/guider/"' in html and "<h1" in html


def test_news_index_lists_newest_first(client, site):
    news = _publish(site, NewsIndexPage(title="Nyheter", slug="nyheter"))
    for day, title in ((3, "Eldre nyhet"), (20, "Nyeste nyhet")):
        _publish(news, NewsPage(title=title, slug=f"n{day}", date=date(2026, 11, day), intro="x", body="[]"))
    html = client.get("/nyheter/").content.decode()
    assert html.index("Nyeste nyhet") < html.index("Eldre nyhet")
    assert 'datetime="2026-11-20"' in html


def test_private_page_is_not_served_to_anonymous_visitors(client, site):
    from wagtail.models import PageViewRestriction

    page = _publish(site, StandardPage(title="Internt", slug="internt"))
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = client.get("/internt/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_page_link_with_a_bad_page_number_is_calm(client, topics):
    _guide(topics)
    assert client.get("/guider/", {"page": "x"}).status_code == 200
    assert client.get("/guider/", {"page": "9999"}).status_code == 200


# --- Home page -----------------------------------------------------------------------------------


def test_home_shows_newest_listings_open_repairers_and_items(client, site):
    from tests.sharing.conftest import make_hub, make_item

    make_listing(title="Barnevogn gis bort", category="prams-car-seats")
    make_repairer(name="Alltid åpent verksted", hours=_all_week())
    make_repairer(name="Stengt verksted", hours=())
    make_item(hub=make_hub(), title="Havkajakk", category="water-sports")
    html = client.get("/").content.decode()
    assert "Barnevogn gis bort" in html and "Havkajakk" in html
    assert "Alltid åpent verksted" in html
    assert "Stengt verksted" not in html


def _all_week():
    from datetime import time

    from places.opening_hours import Interval

    return tuple(Interval(day, time(0), time(23, 59)) for day in range(7))


FAR_AWAY = (60.20, 10.75)  # Nittedal, about 35 km from Sandvika


def test_home_shows_the_newest_listings_near_the_chosen_place(client, site, places):
    make_listing(title="Sofa i Sandvika", category="sofas", lat=SANDVIKA[0], lon=SANDVIKA[1])
    make_listing(title="Sofa på Bekkestua", category="sofas", lat=BEKKESTUA[0], lon=BEKKESTUA[1])
    make_listing(title="Sofa langt unna", category="sofas", lat=FAR_AWAY[0], lon=FAR_AWAY[1])
    html = client.get("/", {"sted": "Sandvika"}).content.decode()
    assert "Sofa i Sandvika" in html and "Sofa på Bekkestua" in html
    assert "Sofa langt unna" not in html
    assert html.index("Sofa på Bekkestua") < html.index("Sofa i Sandvika")  # the newest first
    assert "Sofa langt unna" in client.get("/").content.decode()


def test_home_uses_a_signed_in_visitors_home_area(site, places):
    from places.models import Place

    make_listing(title="Sofa i Sandvika", category="sofas", lat=SANDVIKA[0], lon=SANDVIKA[1])
    make_listing(title="Sofa langt unna", category="sofas", lat=FAR_AWAY[0], lon=FAR_AWAY[1])
    user = UserFactory()
    user.profile.home_place = Place.objects.get(name="Sandvika")
    user.profile.save()
    client = Client()
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "Sandvika" in html.split('id="nearby-title"')[1][:200]
    assert "Sofa i Sandvika" in html and "Sofa langt unna" not in html


def test_home_with_an_unknown_place_says_so_and_shows_all_of_baerum(client, site):
    make_listing(title="Sofa gis bort", category="sofas")
    with translation.override("en"):
        response = client.get("/en/", {"sted": "Atlantis"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "That place was not found" in html and "Sofa gis bort" in html


def test_home_sections_can_be_switched_off(client, site):
    site.show_nearby = False
    site.save_revision().publish()
    assert 'id="nearby-title"' not in client.get("/").content.decode()


def test_hero_image_needs_alternative_text(site):
    from django.core.exceptions import ValidationError
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    site.hero_image = Image.objects.create(title="Hero", file=get_test_image_file())
    site.hero_image_alt = ""
    with pytest.raises(ValidationError):
        site.full_clean()


# --- Site search ---------------------------------------------------------------------------------


def test_search_groups_pages_listings_repairers_and_items(client, topics):
    from tests.sharing.conftest import make_hub, make_item

    _guide(topics, title="Sykkel om vinteren", slug="vinter")
    make_listing(title="Sykkel gis bort", category="bicycles")
    make_repairer(name="Sandvika Sykkelverksted")
    make_item(hub=make_hub(), title="Sykkel med henger", category="bicycles")
    make_listing(title="Sofa gis bort", category="sofas")
    html = client.get("/sok/", {"q": "sykler"}).content.decode()
    groups = {
        key: html.split(f'id="results-{key}"')[1].split("</section>")[0]
        for key in ("pages", "listings", "repairers", "items")
    }
    assert "Sykkel om vinteren" in groups["pages"]
    assert "Sykkel gis bort" in groups["listings"] and "Sofa" not in groups["listings"]
    assert "Sandvika Sykkelverksted" in groups["repairers"]
    assert "Sykkel med henger" in groups["items"]


def test_page_search_uses_norwegian_stemming_and_the_el_plural(topics):
    _guide(topics, title="Når sykkelen er punktert", slug="punktert")
    # "sykler" is searched as "sykkel" too, and stemming connects "sykkel" and "sykkelen".
    with_stem = [p.title for p in site_search("sykler")["pages"]]
    assert with_stem == ["Når sykkelen er punktert"]


def test_page_search_finds_only_live_public_pages_in_the_visitors_language(client, site, topics):
    _guide(topics)
    draft = GuidePage(title="Sykkelslangen utkast", slug="utkast", intro="slangen", body="[]", live=False)
    topics.add_child(instance=draft)
    draft.body = json.dumps([{"type": "paragraph", "value": "<p>hjulet</p>"}])
    draft.save_revision()
    titles = [p.title for p in site_search("hjulet", language_code="nb")["pages"]]
    assert titles == ["Slik reparerer du sykkelslangen"]
    assert list(site_search("hjulet", language_code="en")["pages"]) == []


def test_search_shows_a_link_to_all_matching_listings_when_there_are_more(client, site):
    for n in range(7):
        make_listing(title=f"Sykkel nummer {n}", category="bicycles")
    html = client.get("/sok/", {"q": "sykkel"}).content.decode()
    listings = html.split('id="results-listings"')[1].split("</section>")[0]
    assert listings.count("<article") == 5
    assert 'href="/gis-bort/?q=sykkel"' in listings


def test_search_with_only_stop_words_or_symbols_is_calm(client, site):
    for query in ("og", "!!!", "'; DROP TABLE", "x" * 500):
        assert client.get("/sok/", {"q": query}).status_code == 200


def test_search_pages_are_paged(client, topics):
    for n in range(12):
        _guide(topics, title=f"Gjenbruk guide {n}", slug=f"guide-{n}")
    first = client.get("/sok/", {"q": "gjenbruk"}).content.decode()
    second = client.get("/sok/", {"q": "gjenbruk", "page": "2"}).content.decode()
    pages_group = first.split('id="results-pages"')[1].split("</section>")[0]
    assert pages_group.split('class="search-results"')[1].split("</ul>")[0].count("<li>") == 10
    assert 'id="results-listings"' in first and 'id="results-listings"' not in second
    assert 'rel="prev"' in second


# --- Demo content --------------------------------------------------------------------------------


def test_demo_pages_are_idempotent_and_cover_every_type(site):
    made = demo_pages_ensure(site)
    assert made == 14 and demo_pages_ensure(site) == 0
    assert GuidePage.objects.live().count() == 6 and NewsPage.objects.live().count() == 3
    statement = StandardPage.objects.get(slug="tilgjengelighetserklaering")
    text = json.dumps(statement.body.get_prep_value(), ensure_ascii=False)
    assert "Uu-tilsynet" in text and "Digdir" in text and "WCAG 2.1" in text
    assert "likestillings- og diskrimineringsloven § 18" in text and "uustatus.no" in text
    assert statement.show_in_menus  # linked from every page's footer


def test_demo_guides_render_with_steps_faq_and_related(client, site):
    demo_pages_ensure(site)
    html = client.get("/guider/slik-reparerer-du-sykkelslangen/").content.decode()
    assert "<ol" in html and "<details" in html and "related-block" in html


def test_demo_content_makes_no_second_privacy_page_and_the_footer_links_the_one(client, site):
    demo_pages_ensure(site)
    assert not Page.objects.filter(slug__in=["personvern", "personvernerklaering"]).exists()
    home = client.get("/").content.decode()
    assert 'href="/personvernerklaering/"' in home and 'href="/personvern/"' not in home
    assert client.get("/personvernerklaering/").status_code == 200
