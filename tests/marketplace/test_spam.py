"""The spam heuristic: a new account's first listings that contain links wait for a moderator."""

import importlib

import pytest
from django.utils import translation

from accounts.models import Role
from accounts.services import roles_ensure, user_add_role
from marketplace.models import Listing, ListingReport
from marketplace.selectors import listings_public
from marketplace.services import NEW_ACCOUNT_LISTINGS, contains_link, listing_moderate_restore, listing_update
from tests.factories import UserFactory, make_listing, mfa_enable
from tests.support import login


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


def test_the_automatic_report_stores_a_code_and_moderators_read_it_in_their_language(places, site):
    listing = make_listing(owner=UserFactory(), description="https://example.com")
    report = ListingReport.objects.get(listing=listing)
    assert (report.automatic, report.text) == (ListingReport.Automatic.NEW_ACCOUNT_LINK, "")
    roles_ensure()
    moderator = UserFactory()
    user_add_role(user=moderator, role=Role.MODERATOR)
    mfa_enable(moderator)  # staff screens require it
    page = login(moderator).get(f"/cms/moderering/annonse/{listing.pk}/").content.decode()
    assert "Automatisk: en annonse fra en ny konto inneholder en lenke." in page
    with translation.override("en"):
        assert report.get_automatic_display() == "Automatic: a new account's listing contains a link."


def test_the_migration_turns_the_stored_english_sentence_into_the_code(places):
    from django.apps import apps

    migration = importlib.import_module("marketplace.migrations.0006_listingreport_automatic")
    listing = make_listing(owner=UserFactory())
    old = ListingReport.objects.create(listing=listing, reason="spam", text=migration.OLD_TEXT)
    typed = ListingReport.objects.create(
        listing=listing, reporter=UserFactory(), reason="spam", text=migration.OLD_TEXT
    )
    migration.forwards(apps, None)
    old.refresh_from_db()
    typed.refresh_from_db()
    assert (old.automatic, old.text) == ("new_account_link", "")
    assert (typed.automatic, typed.text) == ("", migration.OLD_TEXT)  # what a person typed stays
