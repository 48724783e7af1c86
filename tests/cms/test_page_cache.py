"""The anonymous page cache (cms.page_cache) and the query budget of each page type."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cms.models import ContentPage
from tests.factories import UserFactory, make_listing
from tests.factory_repair import make_repairer
from tests.support import login

QUERY_BUDGET = 20


def _publish_under(parent, **fields) -> ContentPage:
    page = ContentPage(**fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


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
    monkeypatch.setattr(ContentPage, "page_cache_seconds", 0, raising=False)
    client.get("/om/")

    assert "X-Page-Cache" not in client.get("/om/")


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


def _grow(site, n: int) -> None:
    """More of everything a page could list: listings, repairers, child pages."""
    for i in range(n):
        make_listing(title=f"Sofa {i}")
        make_repairer(name=f"Verksted {i}")
        _publish_under(site, title=f"Side {i}", slug=f"side-{i}")


@pytest.mark.parametrize("path", ["/", "/en/", "/om/"])
def test_each_page_type_runs_a_bounded_number_of_queries_whatever_the_data_size(
    client, about, settings, path
):
    """Uncached (the cache off), anonymous. A page type added later gets its own line here."""
    settings.PAGE_CACHE_SECONDS = 0
    client.get(path)  # warm what every process keeps (site root paths, content types)
    small = _queries(client, path)
    _grow(about.get_parent(), 6)
    client.get(path)  # publishing cleared the site root paths: warm them again
    large = _queries(client, path)

    assert small <= QUERY_BUDGET
    assert large == small, f"{path}: {small} queries with little data, {large} with more"


def test_a_cached_page_runs_fewer_queries_than_a_rendered_one(client, about, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/om/")  # warm-up, uncached
    settings.PAGE_CACHE_SECONDS = 300
    rendered = _queries(client, "/om/")
    cached = _queries(client, "/om/")

    assert cached < rendered
