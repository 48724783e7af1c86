"""The guide, topic, news and standard page types under simple_translation (decision 0008):
the English copy is served at its /en/ address with hreflang, the switcher goes to it, the
English topic index and search list the English guides; the demo pages' English versions; the
footer links the accessibility statement in the visitor's language."""

import json
from datetime import date

import pytest
from wagtail.models import Locale

from cms.demo import demo_pages_ensure
from cms.demo_translations import demo_translations_ensure
from cms.models import GuidePage, NewsIndexPage, NewsPage, StandardPage, TopicIndexPage
from tests.cms.seo_html import parse_head


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _in_english(page, **fields):
    copy = page.copy_for_translation(Locale.objects.get(language_code="en"))
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    return copy


def _body(text: str) -> str:
    return json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"}])


@pytest.fixture
def guide(site):
    topics = _publish(site, TopicIndexPage(title="Guider", slug="guider", intro="Råd"))
    guide = _publish(
        topics,
        GuidePage(
            title="Lapp sykkelslangen", slug="slangen", intro="Lapp selv.", body=_body("Ta av hjulet.")
        ),
    )
    _in_english(topics, title="Guides", slug="guides")
    _in_english(guide, title="Patch the inner tube", slug="inner-tube", body=_body("Take the wheel off."))
    return guide


def test_an_english_guide_is_served_at_its_en_address_with_hreflang(client, guide):
    response = client.get("/en/guides/inner-tube/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Take the wheel off." in html and "Ta av hjulet." not in html
    head = parse_head(html)
    assert head.html_lang == "en"
    assert head.alternates() == {
        "nb": "http://testserver/guider/slangen/",
        "en": "http://testserver/en/guides/inner-tube/",
        "x-default": "http://testserver/guider/slangen/",
    }


def test_the_switcher_on_a_guide_goes_to_its_translation(client, guide):
    html = client.get("/guider/slangen/").content.decode()

    assert 'href="/en/guides/inner-tube/" hreflang="en" lang="en"' in html


def test_the_english_topic_index_lists_the_english_guide(client, guide):
    html = client.get("/en/guides/").content.decode()

    assert "Patch the inner tube" in html and "Lapp sykkelslangen" not in html
    assert 'href="/en/guides/inner-tube/"' in html


def test_the_site_search_in_english_finds_the_english_guide(client, guide):
    html = client.get("/en/sok/", {"q": "wheel"}).content.decode()

    pages = html.split('id="results-pages"')[1].split("</section>")[0]
    assert "Patch the inner tube" in pages


def test_news_and_standard_pages_are_translatable_too(client, site):
    news = _publish(site, NewsIndexPage(title="Nyheter", slug="nyheter"))
    item = _publish(
        news, NewsPage(title="Ny sentral", slug="ny", date=date(2026, 11, 2), intro="x", body="[]")
    )
    about = _publish(site, StandardPage(title="Om Sirkel", slug="om"))
    _in_english(news, title="News", slug="news")
    _in_english(item, title="A new hub", slug="new-hub")
    _in_english(about, title="About Sirkel", slug="about")

    assert "A new hub" in client.get("/en/news/").content.decode()
    assert client.get("/en/news/new-hub/").status_code == 200
    assert 'href="/en/about/" hreflang="en"' in client.get("/om/").content.decode()


def test_an_untranslated_guide_says_so_in_the_switcher(client, site):
    topics = _publish(site, TopicIndexPage(title="Guider", slug="guider"))
    _publish(topics, GuidePage(title="Bare norsk", slug="bare-norsk", intro="x", body=_body("Tekst.")))

    html = client.get("/guider/bare-norsk/").content.decode()

    assert "This page is only available in" in html


# --- demo pages and the footer ---------------------------------------------------------------------


def test_the_main_demo_pages_get_english_versions(client, site):
    demo_pages_ensure(site)
    demo_translations_ensure()

    statement = client.get("/en/tilgjengelighetserklaering/")
    guide = client.get("/en/guider/slik-reparerer-du-sykkelslangen/")

    assert statement.status_code == 200
    assert "Accessibility statement" in statement.content.decode()
    assert "uutilsynet.no" in statement.content.decode()
    assert guide.status_code == 200
    html = guide.content.decode()
    assert "How to repair a bicycle inner tube" in html and "Take the wheel off" in html
    assert "Ta av hjulet" not in html
    again = demo_translations_ensure()
    assert not any(note.startswith("translated") for note in again)


def test_the_footer_links_the_accessibility_statement_in_the_visitors_language(client, site):
    demo_pages_ensure(site)
    demo_translations_ensure()

    norwegian = client.get("/gis-bort/").content.decode().split("<footer")[1]
    english = client.get("/en/gis-bort/").content.decode().split("<footer")[1]

    assert 'href="/tilgjengelighetserklaering/">Tilgjengelighetserklæring</a>' in norwegian
    assert 'href="/en/tilgjengelighetserklaering/">Accessibility statement</a>' in english
    assert "Tilgjengelighetserklæring" not in english
