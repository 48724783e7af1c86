"""The home page's live blocks from the other page types and apps (the next events, the impact
counters) and how they meet the anonymous page cache: what an anonymous visitor sees depends on
the address only, and a signed-in visitor's home area never reaches the shared cache."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Locale

from cms.services import impact_pages_ensure
from places.models import Place
from tests.factories import UserFactory, make_listing
from tests.factories.events import days_ahead, make_event, make_event_index, oslo
from tests.factory_repair import SANDVIKA
from tests.support import login

FAR_AWAY = (60.20, 10.75)  # Nittedal, about 35 km from Sandvika


@pytest.fixture
def index(site):
    return make_event_index(site)


def test_home_shows_the_next_upcoming_published_events_soonest_first(client, index):
    make_event(index, title="Byttemarked i Sandvika", slug="bytte", start=oslo(days_ahead(9), 11))
    make_event(index, title="Sykkelservice Bekkestua", slug="sykkel", start=oslo(days_ahead(2), 10))
    make_event(index, title="Utkast til arrangement", slug="utkast", live=False)
    make_event(index, title="Reparasjonskafé i fjor", slug="fjor", start=timezone.now() - timedelta(days=3))

    with_events = client.get("/").content.decode()

    block = with_events.split('data-testid="home-events"')[1].split("</ul>")[0]
    assert block.index("Sykkelservice Bekkestua") < block.index("Byttemarked i Sandvika")
    assert "Utkast til arrangement" not in block and "Reparasjonskafé i fjor" not in block
    assert 'href="/arrangementer/"' in with_events


def test_home_shows_only_events_near_the_chosen_place(client, index, places):
    from places.geo import make_point

    make_event(index, title="Kafé ved Bekkestua", slug="naer")
    make_event(index, title="Kafé i Nittedal", slug="fjern", location=make_point(*FAR_AWAY))

    html = client.get("/", {"sted": "Bekkestua"}).content.decode()

    block = html.split('data-testid="home-events"')[1].split("</ul>")[0]
    assert "Kafé ved Bekkestua" in block and "Kafé i Nittedal" not in block


def test_the_english_home_shows_the_english_events_only(client, index):
    event = make_event(index, title="Reparasjonskafé", slug="kafe")
    en = Locale.objects.get(language_code="en")
    index.copy_for_translation(en).save_revision().publish()
    english = event.copy_for_translation(en)
    english.title = "Repair café"
    english.save_revision().publish()

    html = client.get("/en/").content.decode()

    block = html.split('data-testid="home-events"')[1].split("</ul>")[0]
    assert "Repair café" in block and "Reparasjonskafé" not in block


def test_home_says_when_no_events_are_coming_up(client, site):
    with_none = client.get("/en/").content.decode()

    assert "No events are coming up." in with_none
    assert 'data-testid="home-events"' not in with_none


def test_home_shows_the_impact_counters_with_a_link_to_how_we_count(client, site):
    from tests.catalog.impact_support import complete_giveaway, set_factor

    set_factor("bicycles")
    complete_giveaway(category="bicycles")
    _dashboard, method = impact_pages_ensure(site)

    html = client.get("/").content.decode()

    counters = html.split('class="impact-counters-section"')[1].split("</section>")[0]
    assert '<span class="impact-counters__value">1</span>' in counters.split('data-metric="items_reused"')[1]
    assert f'href="{method.url}"' in counters


# --- the page cache ------------------------------------------------------------------------------


def test_each_chosen_place_is_its_own_cached_copy(client, site, places):
    make_listing(title="Sofa i Sandvika", category="sofas", lat=SANDVIKA[0], lon=SANDVIKA[1])
    make_listing(title="Sofa i Nittedal", category="sofas", lat=FAR_AWAY[0], lon=FAR_AWAY[1])
    near_sandvika = client.get("/", {"sted": "Sandvika"})  # cached now
    assert near_sandvika["X-Page-Cache"] == "miss"

    everywhere = client.get("/")

    assert everywhere["X-Page-Cache"] == "miss"
    assert "Sofa i Nittedal" in everywhere.content.decode()
    again = client.get("/", {"sted": "Sandvika"})
    assert again["X-Page-Cache"] == "hit"
    assert "Sofa i Sandvika" in again.content.decode() and "Sofa i Nittedal" not in again.content.decode()


def test_a_signed_in_visitors_home_area_is_neither_cached_nor_replaced_by_the_anonymous_copy(
    client, site, places
):
    make_listing(title="Sofa i Sandvika", category="sofas", lat=SANDVIKA[0], lon=SANDVIKA[1])
    make_listing(title="Sofa i Nittedal", category="sofas", lat=FAR_AWAY[0], lon=FAR_AWAY[1])
    resident = UserFactory()
    resident.profile.home_place = Place.objects.get(name="Sandvika")
    resident.profile.save()
    assert client.get("/")["X-Page-Cache"] == "miss"  # the anonymous copy: all of Bærum

    mine = login(resident).get("/")
    anonymous = client.get("/")

    assert "X-Page-Cache" not in mine
    assert "Sofa i Nittedal" not in mine.content.decode()
    assert anonymous["X-Page-Cache"] == "hit"
    assert "Sofa i Nittedal" in anonymous.content.decode()
    assert "Sandvika" not in anonymous.content.decode().split('id="nearby-title"')[1].split("</h2>")[0]


def test_the_home_page_caches_its_live_blocks_a_minute_at_most(site):
    from cms.models import GuidePage, HomePage
    from cms.page_cache import page_cache_seconds

    assert 0 < page_cache_seconds(HomePage()) <= 60
    assert 0 < page_cache_seconds(GuidePage()) <= 60


def test_the_setting_at_zero_turns_off_the_home_pages_own_cache(client, site, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/")

    assert "X-Page-Cache" not in client.get("/")


def test_the_live_sections_are_rendered_once_a_minute_per_place(client, site, places, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the fragment cache works without the page cache
    make_listing(title="Sofa i Sandvika", category="sofas", lat=SANDVIKA[0], lon=SANDVIKA[1])
    client.get("/")
    make_listing(title="Sofa nummer to", category="sofas", lat=SANDVIKA[0], lon=SANDVIKA[1])

    same_minute = client.get("/").content.decode()
    near_sandvika = client.get("/", {"sted": "Sandvika"}).content.decode()

    assert "Sofa i Sandvika" in same_minute and "Sofa nummer to" not in same_minute
    assert "Sandvika" in near_sandvika.split('id="nearby-title"')[1].split("</h2>")[0]
    assert "Sofa nummer to" in near_sandvika
