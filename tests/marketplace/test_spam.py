"""The spam heuristic: a new account's first listings that contain links wait for a moderator."""

import pytest
from django.utils import translation

from accounts.models import Role
from accounts.services import roles_ensure, user_add_role
from marketplace.models import Listing, ListingReport
from marketplace.selectors import listings_public
from marketplace.services import NEW_ACCOUNT_LISTINGS, contains_link, listing_moderate_restore, listing_update
from tests.factories import UserFactory, make_listing


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    "text", ["Se https://billig.example.com", "www.spam.test", "Kjøp på bestdeals.shop nå", "HTTP://X.NO"]
)
def test_links_are_recognised(text):
    assert contains_link(text)


@pytest.mark.parametrize("text", ["Sykkel, 26 tommer", "Hentes i Sandvika kl. 17.30", "3.5 kg, ca. 2 m lang"])
def test_ordinary_text_has_no_link(text):
    assert not contains_link(text)


def test_a_new_accounts_listing_with_a_link_waits_for_a_moderator(places):
    listing = make_listing(owner=UserFactory(), description="Mer info på https://example.com/tilbud")
    listing.refresh_from_db()
    assert listing.hidden_at is not None
    assert listing not in listings_public()
    report = ListingReport.objects.get(listing=listing)
    assert report.reporter is None and report.reason == "spam" and report.outcome == "open"


def test_a_new_accounts_listing_without_links_is_public_at_once(places):
    listing = make_listing(owner=UserFactory(), description="Hentes i Sandvika")
    assert listing.hidden_at is None
    assert not ListingReport.objects.exists()


def test_an_established_account_may_post_links(places):
    owner = UserFactory()
    for n in range(NEW_ACCOUNT_LISTINGS):
        make_listing(owner=owner, title=f"Ting {n}")
    listing = make_listing(owner=owner, description="Bruksanvisning: https://produsent.example/manual")
    assert listing.hidden_at is None


def test_adding_a_link_by_editing_is_checked_too(places):
    listing = make_listing(owner=UserFactory(), description="Hentes i Sandvika")
    listing_update(listing=listing, changes={"description": "Se www.billigsalg.example"})
    listing.refresh_from_db()
    assert listing.hidden_at is not None


def test_a_moderator_restoring_it_publishes_it_for_good(places):
    roles_ensure()
    moderator = UserFactory()
    user_add_role(user=moderator, role=Role.MODERATOR)
    listing = make_listing(owner=UserFactory(), description="https://example.com")
    listing_moderate_restore(moderator=moderator, listing=listing)
    listing_update(listing=listing, changes={"title": "Sykkel (oppdatert)"})
    listing.refresh_from_db()
    assert listing.hidden_at is None
    assert Listing.objects.get(pk=listing.pk) in listings_public()
