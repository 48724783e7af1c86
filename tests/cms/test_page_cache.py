"""The anonymous page cache (cms.page_cache) and the query budget of each page type."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cms.models import StandardPage
from tests.factories import UserFactory, make_listing, publish_page_under
from tests.factory_repair import make_repairer
from tests.support import login

QUERY_BUDGET = 20
# A guide whose "related in Sirkel" block runs the apps' three searches (listings with photos,
# repairers with categories, hours, exceptions and photos, items with photos, and the category
# tree: 12 queries) under four levels of page routing: a fixed number, over the 20. The
# block keeps its results a minute (cms.selectors.RELATED_CACHE_SECONDS), so it runs them once
# a minute per category set, and the guide is within QUERY_BUDGET the rest of the time.
RELATED_BLOCK_BUDGET = 23
# Every cache empty (after a publish, or once a minute): the page tree's lookups that each
# process otherwise remembers per generation (routing, the footer's links, the language
# versions, the home page's links) run again, and so do the fragments (the home page's live
# sections, the guide's body with its related searches). A fixed number too, just a larger one.
COLD_QUERY_BUDGET = 30


def _publish_under(parent, **fields) -> StandardPage:
    return publish_page_under(parent, StandardPage(**fields))


@pytest.fixture
def about(site):
    return _publish_under(site, title="Om Sirkel", slug="om", intro="Første versjon")


def test_a_second_anonymous_visit_is_served_from_the_cache(client, about):
    first = client.get("/om/")
    second = client.get("/om/")

    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_publishing_a_new_version_is_visible_at_once(client, about):
    client.get("/om/")
    about.intro = "Andre versjon"
    about.save_revision().publish()

    response = client.get("/om/")

    assert "Andre versjon" in response.content.decode()


def test_publishing_another_page_refreshes_pages_that_list_it(client, site, about):
    client.get("/")
    _publish_under(site, title="Nyheter", slug="nyheter")

    assert client.get("/")["X-Page-Cache"] == "miss"


def test_an_unpublished_page_is_not_served_from_the_cache(client, about):
    client.get("/om/")
    about.unpublish()

    assert client.get("/om/").status_code == 404


def test_a_page_made_private_is_not_served_from_the_cache(client, about):
    client.get("/om/")
    PageViewRestriction.objects.create(page=about, restriction_type=PageViewRestriction.LOGIN)

    response = client.get("/om/")

    assert response.status_code == 302 and "/login" in response["Location"]


def test_signed_in_visitors_are_never_cached_nor_served_the_anonymous_copy(client, about):
    client.get("/om/")
    member = login(UserFactory())

    response = member.get("/om/")

    assert "X-Page-Cache" not in response
    assert "Log out" in response.content.decode() or "Logg ut" in response.content.decode()


def test_each_language_is_cached_separately(client, site):
    client.get("/")
    response = client.get("/en/")

    assert response["X-Page-Cache"] == "miss" and '<html lang="en"' in response.content.decode()


def test_a_page_type_can_opt_out(client, about, monkeypatch):
    monkeypatch.setattr(StandardPage, "page_cache_seconds", 0, raising=False)
    client.get("/om/")

    assert "X-Page-Cache" not in client.get("/om/")


def test_a_page_that_used_the_csp_nonce_is_never_replayed(client, about, monkeypatch):
    rendered = StandardPage.get_context

    def reading_the_nonce(self, request, *args, **kwargs):
        context = rendered(self, request, *args, **kwargs)
        context["nonce"] = str(request.csp_nonce)  # as a template with a nonced <script> does
        return context

    monkeypatch.setattr(StandardPage, "get_context", reading_the_nonce)
    first = client.get("/om/")
    second = client.get("/om/")

    assert "'nonce-" in first["Content-Security-Policy"]
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second


def test_a_hit_has_the_headers_of_the_page_it_replays(client, about):
    rendered = client.get("/om/")
    replayed = client.get("/om/")

    assert replayed["X-Page-Cache"] == "hit"
    ignored = {"X-Page-Cache", "X-Request-ID"}
    assert {k: v for k, v in replayed.items() if k not in ignored} == {
        k: v for k, v in rendered.items() if k not in ignored
    }
    for header in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "Referrer-Policy"):
        assert replayed[header]


def test_a_hit_without_a_session_runs_no_query(client, about):
    client.get("/om/")

    assert _queries(client, "/om/") == 0


def test_an_anonymous_visitor_with_a_session_cookie_gets_the_cached_copy(client, about):
    from django.test import Client

    client.get("/om/")
    other = Client()
    other.cookies["sessionid"] = "no-such-session"

    response = other.get("/om/")

    assert response["X-Page-Cache"] == "hit" and response.content == client.get("/om/").content


def test_a_search_is_neither_served_from_the_cache_nor_stored(client, about):
    """A GET with a search parameter counts against the rate limits, which run after sessions."""
    client.get("/om/", {"q": "sykkel"})

    assert "X-Page-Cache" not in client.get("/om/", {"q": "sykkel"})


def test_a_page_made_private_while_cached_is_not_served_to_a_visitor_without_a_session(client, about):
    assert client.get("/om/")["X-Page-Cache"] == "miss"
    PageViewRestriction.objects.create(
        page=about, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )

    response = client.get("/om/")

    assert "X-Page-Cache" not in response and "Første versjon" not in response.content.decode()


def test_the_setting_turns_the_cache_off(client, about, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/om/")

    assert "X-Page-Cache" not in client.get("/om/")


# --- query budget ----------------------------------------------------------------------------------


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


@pytest.fixture
def editorial(about):
    """A topic with a guide (its related block on bicycles) and news with one item."""
    import json
    from datetime import date

    from catalog.models import Category
    from cms.models import GuidePage, NewsIndexPage, NewsPage, TopicIndexPage

    home = about.get_parent()
    topics = TopicIndexPage(title="Guider", slug="guider")
    home.add_child(instance=topics)
    topics.save_revision().publish()
    related = {
        "type": "related_categories",
        "value": {
            "categories": [Category.objects.get(slug="bicycles").pk],
            "show": ["listings", "repairers", "items"],
        },
    }
    guide = GuidePage(title="Sykkelslangen", slug="slangen", intro="Lapp selv.", body=json.dumps([related]))
    topics.add_child(instance=guide)
    guide.save_revision().publish()
    news = NewsIndexPage(title="Nyheter", slug="nyheter")
    home.add_child(instance=news)
    news.save_revision().publish()
    item = NewsPage(title="Ny sentral", slug="ny", date=date(2026, 11, 2), intro="x", body="[]")
    news.add_child(instance=item)
    item.save_revision().publish()
    _one_of_each_app_row(0)
    return topics, news


def _all_week():
    from datetime import time

    from places.opening_hours import Interval

    return tuple(Interval(day, time(0), time(23, 59)) for day in range(7))


def _one_of_each_app_row(i: int, hub=None) -> None:
    """What the home page's and the guide's live blocks list: a listing, a repairer open now
    and an item to borrow, all in the guide's category."""
    from tests.sharing.conftest import make_hub, make_item

    make_listing(title=f"Sykkel {i}", category="bicycles")
    make_repairer(name=f"Verksted {i}", hours=_all_week(), categories=("bicycles",))
    make_item(
        hub=hub or make_hub(name=f"Utlånssentral {i}"), title=f"Sykkel til utlån {i}", category="bicycles"
    )


def _grow(editorial, n: int) -> None:
    """More of everything a page could list: listings, repairers, items, child pages."""
    from datetime import date

    from cms.models import GuidePage, NewsPage

    topics, news = editorial
    home = topics.get_parent()
    for i in range(1, n + 1):
        _one_of_each_app_row(i)
        _publish_under(home, title=f"Side {i}", slug=f"side-{i}")
        guide = GuidePage(title=f"Guide {i}", slug=f"guide-{i}", intro="x", body="[]")
        topics.add_child(instance=guide)
        guide.save_revision().publish()
        item = NewsPage(title=f"Nyhet {i}", slug=f"nyhet-{i}", date=date(2026, 11, 3), intro="x", body="[]")
        news.add_child(instance=item)
        item.save_revision().publish()


@pytest.mark.parametrize(
    "path", ["/", "/en/", "/om/", "/guider/", "/guider/slangen/", "/nyheter/", "/nyheter/ny/"]
)
def test_each_page_type_runs_a_bounded_number_of_queries_whatever_the_data_size(
    client, editorial, settings, path
):
    """Uncached (the cache off), anonymous. A page type added later gets its own line here."""
    settings.PAGE_CACHE_SECONDS = 0
    client.get(path)  # warm what every process keeps (site root paths, content types)
    small = _queries(client, path)
    _grow(editorial, 6)
    client.get(path)  # publishing cleared the site root paths: warm them again
    large = _queries(client, path)

    assert small <= QUERY_BUDGET
    assert large == small, f"{path}: {small} queries with little data, {large} with more"


@pytest.mark.parametrize(
    "path", ["/", "/en/", "/om/", "/guider/", "/guider/slangen/", "/nyheter/", "/nyheter/ny/"]
)
def test_each_page_type_rendered_cold_runs_a_bounded_number_of_queries_whatever_the_data_size(
    client, editorial, settings, path
):
    """Every cache empty (fragments, routes, tree values, the blocks' searches): what a render
    costs once a minute. The guide runs its related block's three searches then."""
    from django.core.cache import cache

    from core.memo import forget_all

    def cold() -> int:
        cache.clear()
        forget_all()
        return _queries(client, path)

    settings.PAGE_CACHE_SECONDS = 0
    client.get(path)
    small = cold()
    _grow(editorial, 6)
    large = cold()

    assert small <= COLD_QUERY_BUDGET
    assert large == small, f"{path}: {small} queries with little data, {large} with more"


def test_a_guide_running_its_related_searches_runs_a_bounded_number_of_queries_whatever_the_data_size(
    client, editorial, settings, monkeypatch
):
    """The minute when the block's results are computed again (the cache off)."""
    monkeypatch.setattr("cms.selectors.RELATED_CACHE_SECONDS", 0)
    monkeypatch.setattr("cms.pages.GuidePage.body_cache_seconds", 0)  # the body's fragment too
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/guider/slangen/")
    small = _queries(client, "/guider/slangen/")
    _grow(editorial, 6)
    client.get("/guider/slangen/")
    large = _queries(client, "/guider/slangen/")

    assert small <= RELATED_BLOCK_BUDGET
    assert large == small, f"{small} queries with little data, {large} with more"


def test_the_related_block_runs_its_searches_once_for_many_renders(client, editorial, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/guider/slangen/")
    again = _queries(client, "/guider/slangen/")

    assert again <= QUERY_BUDGET
    assert "Sykkel 0" in client.get("/guider/slangen/").content.decode()


def test_a_cached_page_runs_fewer_queries_than_a_rendered_one(client, about, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/om/")  # warm-up, uncached
    settings.PAGE_CACHE_SECONDS = 300
    rendered = _queries(client, "/om/")
    cached = _queries(client, "/om/")

    assert cached < rendered
