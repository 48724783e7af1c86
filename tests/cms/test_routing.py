"""cms.routing: a path's page is remembered per page-cache generation, never served stale."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cms.models import StandardPage
from cms.page_cache import generation
from tests.factories import publish_page_under


def _publish_under(parent, **fields) -> StandardPage:
    return publish_page_under(parent, StandardPage(**fields))


@pytest.fixture
def about(site, settings):
    settings.PAGE_CACHE_SECONDS = 0  # every request renders: routing runs each time
    return _publish_under(site, title="Om Sirkel", slug="om", intro="Første versjon")


def _page_queries(client, path) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    tree = sum(1 for q in queries.captured_queries if 'FROM "wagtailcore_page"' in q["sql"])
    return response.status_code, tree


def test_a_remembered_route_skips_the_tree_walk(client, about):
    first_status, first_tree = _page_queries(client, "/om/")
    second_status, second_tree = _page_queries(client, "/om/")
    assert first_status == second_status == 200
    assert second_tree < first_tree
    assert "Første versjon" in client.get("/om/").content.decode()


def test_the_page_is_read_afresh_each_time(client, about):
    client.get("/om/")
    StandardPage.objects.filter(pk=about.pk).update(intro="Rettet i databasen")  # no signal
    assert "Rettet i databasen" in client.get("/om/").content.decode()


def test_a_renamed_page_moves_with_its_path(client, about):
    client.get("/om/")
    about.slug = "om-oss"
    about.save_revision().publish()
    assert client.get("/om/").status_code == 404
    assert client.get("/om-oss/").status_code == 200


def test_an_unpublished_page_is_gone_at_once(client, about):
    client.get("/om/")
    about.unpublish()
    assert client.get("/om/").status_code == 404


def test_a_page_made_private_is_still_checked(client, about):
    client.get("/om/")
    PageViewRestriction.objects.create(page=about, restriction_type=PageViewRestriction.LOGIN)
    response = client.get("/om/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_page_unpublished_behind_the_generations_back_is_not_served(client, about):
    """Even if the generation did not move (a change made without Wagtail's signals), the page is
    read with live=True: an unpublished page falls back to Wagtail's own routing (404)."""
    client.get("/om/")
    StandardPage.objects.filter(pk=about.pk).update(live=False)
    assert client.get("/om/").status_code == 404


def test_an_emptied_cache_starts_a_generation_nothing_was_remembered_under(about):
    before = generation()
    cache.clear()  # as a Redis restart would
    assert generation() > before


def test_each_language_has_its_own_route(client, site, about):
    assert client.get("/om/").status_code == 200
    assert client.get("/en/om/").status_code == 404  # no English translation of it
    assert client.get("/en/").status_code == 200


def test_the_generation_is_read_once_a_request_and_afresh_after_a_publish(client, about, site):
    from cms import page_cache

    page_cache._request_started()  # what request_started calls (the signal also closes the connection)
    try:
        first = page_cache.generation()
        cache.incr(page_cache.GENERATION_KEY)  # another process publishes meanwhile
        assert page_cache.generation() == first  # one request sees one generation
        _publish_under(site, title="Nyheter", slug="nyheter")  # this process publishes
        assert page_cache.generation() > first + 1
    finally:
        page_cache._request_finished()
    outside = page_cache.generation()
    cache.incr(page_cache.GENERATION_KEY)
    assert page_cache.generation() == outside + 1  # outside a request: read every time


def test_a_guides_body_is_rendered_per_visitor_home_area_and_follows_its_topic(site, places):
    """The guide's breadcrumb and body are a fragment (cms.pages.GuidePage.body_cache_seconds):
    the related block still lists what is nearest each signed-in visitor's home area, and a
    renamed topic shows at once."""
    import json

    from catalog.models import Category
    from cms.models import GuidePage, TopicIndexPage
    from places.models import Place
    from tests.factories import UserFactory, make_listing
    from tests.support import login

    topics = TopicIndexPage(title="Guider", slug="guider")
    site.add_child(instance=topics)
    topics.save_revision().publish()
    related = {
        "type": "related_categories",
        "value": {"categories": [Category.objects.get(slug="bicycles").pk], "show": ["listings"]},
    }
    guide = GuidePage(title="Sykkelslangen", slug="slangen", intro="Lapp selv.", body=json.dumps([related]))
    topics.add_child(instance=guide)
    guide.save_revision().publish()
    make_listing(title="Sykkel ved Bekkestua", lat=59.9184, lon=10.5874)
    make_listing(title="Sykkel i Sandvika", lat=59.8898, lon=10.5230)

    def first_listing(home: str) -> str:
        user = UserFactory()
        user.profile.home_place = Place.objects.get(name=home)
        user.profile.save()
        html = login(user).get("/guider/slangen/").content.decode()
        return min(("Sykkel ved Bekkestua", "Sykkel i Sandvika"), key=html.index)

    assert first_listing("Bekkestua") == "Sykkel ved Bekkestua"
    assert first_listing("Sandvika") == "Sykkel i Sandvika"

    topics.title = "Gode råd"
    topics.save_revision().publish()
    assert "Gode råd" in login(UserFactory()).get("/guider/slangen/").content.decode()


def test_public_pages_follows_view_restrictions_at_once(site, about):
    """cms.page_cache.public_pages: Wagtail's public() with the private sections remembered."""
    from wagtail.models import Page

    from cms.page_cache import public_pages

    child = _publish_under(about, title="Under om", slug="under")
    live = Page.objects.live().filter(pk__in=[about.pk, child.pk])

    def public_ids() -> set[int]:
        return set(public_pages(live).values_list("pk", flat=True))

    assert public_ids() == {about.pk, child.pk} == set(live.public().values_list("pk", flat=True))
    restriction = PageViewRestriction.objects.create(page=about, restriction_type=PageViewRestriction.LOGIN)
    assert public_ids() == set() == set(live.public().values_list("pk", flat=True))  # the section
    restriction.delete()
    assert public_ids() == {about.pk, child.pk}
    with CaptureQueriesContext(connection) as queries:
        list(public_pages(live))
    assert len(queries.captured_queries) == 1  # the pages only: the sections are remembered
