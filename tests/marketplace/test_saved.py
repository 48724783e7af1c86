"""Favourites, hiding, and saved searches with their emails."""

import re

import pytest
from django.core import mail
from django.test import Client

from marketplace.models import Favourite, SavedSearch, SavedSearchHit
from marketplace.services import saved_search_create, saved_searches_send_digests
from tests.factories import UserFactory, make_listing
from tests.support import login

pytestmark = pytest.mark.usefixtures("places", "site")


@pytest.fixture
def searcher(db):
    return UserFactory(profile__display_name="Sara")


def test_favourite_toggles(searcher):
    listing = make_listing()
    client = login(searcher)
    client.post(f"/gis-bort/{listing.pk}/lagre/")
    assert Favourite.objects.filter(user=searcher, listing=listing).exists()
    assert listing.title in client.get("/gis-bort/lagret/").content.decode()
    client.post(f"/gis-bort/{listing.pk}/lagre/")
    assert not Favourite.objects.exists()


def test_hidden_listing_and_poster_leave_my_results_only(searcher):
    pest = UserFactory()
    boring = make_listing(title="Kjedelig stol")
    make_listing(owner=pest, title="Spam lampe")
    make_listing(owner=pest, title="Spam bord")
    make_listing(title="Fin sofa")
    client = login(searcher)
    client.post(f"/gis-bort/{boring.pk}/skjul/annonse/")
    client.post(f"/gis-bort/{pest.listings.first().pk}/skjul/annonsor/")
    mine = client.get("/gis-bort/", {"anywhere": "1"}).content.decode()
    assert "Fin sofa" in mine and "Kjedelig" not in mine and "Spam" not in mine
    others = Client().get("/gis-bort/").content.decode()
    assert "Kjedelig" in others and "Spam lampe" in others
    api = client.get("/api/v1/listings").json()
    assert [r["title"] for r in api["results"]] == ["Fin sofa"]
    client.post("/gis-bort/lagret/", {"action": "unhide"})
    assert "Spam bord" in client.get("/gis-bort/").content.decode()


def test_saving_a_search_from_the_list_page(searcher):
    client = login(searcher)
    response = client.post(
        "/gis-bort/lagret/sok/",
        {"q": "sykkel", "place": "Bekkestua", "radius_km": "5", "name": "Sykler", "frequency": "daily"},
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get()
    assert (
        saved.params == {"q": "sykkel", "place": "Bekkestua", "radius_km": "5"} and saved.frequency == "daily"
    )


def test_an_invalid_search_cannot_be_saved(searcher):
    client = login(searcher)
    client.post("/gis-bort/lagret/sok/", {"near": "garbage", "name": "x", "frequency": "instant"})
    assert not SavedSearch.objects.exists()


def test_new_matching_listing_sends_exactly_one_email(searcher, django_capture_on_commit_callbacks):
    saved_search_create(
        user=searcher,
        name="Kajakk",
        params={"q": "kajakk", "place": "Fornebu", "radius_km": "5"},
        frequency="instant",
    )
    with django_capture_on_commit_callbacks(execute=True):
        listing = make_listing(title="Kajakk med åre", category="water-sports", lat=59.8953, lon=10.6266)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [searcher.email] and "Kajakk med åre" in mail.outbox[0].body
    # Publishing again (renewal, re-publish) never announces it twice.
    from marketplace.services import saved_searches_match_listing

    assert saved_searches_match_listing(listing=listing) == 0
    assert len(mail.outbox) == 1 and SavedSearchHit.objects.count() == 1


def test_non_matching_listing_sends_nothing(searcher, django_capture_on_commit_callbacks):
    saved_search_create(
        user=searcher,
        name="Kajakk",
        params={"q": "kajakk", "place": "Fornebu", "radius_km": "2"},
        frequency="instant",
    )
    with django_capture_on_commit_callbacks(execute=True):
        make_listing(title="Sofa", category="sofas", lat=59.8953, lon=10.6266)  # wrong text
        make_listing(title="Kajakk", category="water-sports", lat=59.9433, lon=10.5044)  # too far away
    assert mail.outbox == []
    assert not SavedSearchHit.objects.exists()


def test_own_listings_do_not_trigger_own_searches(searcher, django_capture_on_commit_callbacks):
    saved_search_create(user=searcher, name="Alt", params={}, frequency="instant")
    with django_capture_on_commit_callbacks(execute=True):
        make_listing(owner=searcher)
    assert mail.outbox == []


def test_daily_digest_collects_hits_into_one_email(searcher, django_capture_on_commit_callbacks):
    saved_search_create(user=searcher, name="Sykler", params={"category": "bikes"}, frequency="daily")
    with django_capture_on_commit_callbacks(execute=True):
        make_listing(title="Sykkel A")
        make_listing(title="Sykkel B")
    assert mail.outbox == []
    assert saved_searches_send_digests() == 1
    assert len(mail.outbox) == 1 and "Sykkel A" in mail.outbox[0].body and "Sykkel B" in mail.outbox[0].body
    assert saved_searches_send_digests() == 0


def test_unsubscribe_link_works_without_login(searcher, django_capture_on_commit_callbacks):
    saved_search_create(user=searcher, name="Alt", params={}, frequency="instant")
    with django_capture_on_commit_callbacks(execute=True):
        make_listing()
    path = re.search(r"https?://[^/]+(/\S*varsel/stopp/\S+/)", mail.outbox[0].body).group(1)
    anonymous = Client()
    assert anonymous.get(path).status_code == 200
    anonymous.post(path)
    assert not SavedSearch.objects.get().active
    assert Client().get(path.replace("stopp/", "stopp/x")).status_code == 400
