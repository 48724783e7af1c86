from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from marketplace.models import ExchangeFeedback, Listing
from marketplace.selectors import exchange_reputation
from marketplace.services import ListingError, feedback_give
from marketplace.tasks import feedback_publish
from tests.factories import UserFactory, make_listing

pytestmark = pytest.mark.usefixtures("places", "site")


@pytest.fixture
def exchange(db):
    owner, taker = UserFactory(), UserFactory()
    listing = make_listing(owner=owner)
    Listing.objects.filter(pk=listing.pk).update(
        status="completed", reserved_for=taker, completed_at=timezone.now()
    )
    listing.refresh_from_db()
    return listing, owner, taker


def test_ratings_stay_hidden_until_both_have_rated(exchange):
    listing, owner, taker = exchange
    feedback_give(author=owner, listing=listing, rating="positive", text="Hyggelig")
    assert exchange_reputation(taker) == {"completed": 1, "positive": 0, "neutral": 0, "negative": 0}
    feedback_give(author=taker, listing=listing, rating="neutral")
    assert exchange_reputation(taker)["positive"] == 1
    assert exchange_reputation(owner) == {"completed": 1, "positive": 0, "neutral": 1, "negative": 0}


def test_a_lone_rating_is_published_after_fourteen_days(exchange):
    listing, owner, taker = exchange
    feedback_give(author=owner, listing=listing, rating="negative")
    assert feedback_publish.enqueue().return_value == 0
    ExchangeFeedback.objects.update(created_at=timezone.now() - timedelta(days=15))
    assert feedback_publish.enqueue().return_value == 1
    assert exchange_reputation(taker)["negative"] == 1


def test_only_the_two_parties_rate_and_only_once(exchange):
    listing, owner, _ = exchange
    with pytest.raises(ListingError):
        feedback_give(author=UserFactory(), listing=listing, rating="negative")
    feedback_give(author=owner, listing=listing, rating="positive")
    with pytest.raises(ListingError):
        feedback_give(author=owner, listing=listing, rating="negative")
    assert ExchangeFeedback.objects.count() == 1


def test_no_feedback_before_the_exchange_is_completed(db):
    owner = UserFactory()
    listing = make_listing(owner=owner)
    with pytest.raises(ListingError):
        feedback_give(author=owner, listing=listing, rating="positive")


def test_feedback_by_form_and_outsiders_get_403(exchange):
    listing, owner, taker = exchange
    client = Client()
    client.force_login(taker)
    assert "How did the exchange go?" in client.get(f"/en/gis-bort/{listing.pk}/").content.decode()
    client.post(f"/gis-bort/{listing.pk}/tilbakemelding/", {"rating": "positive", "text": "Takk!"})
    assert ExchangeFeedback.objects.get().subject == owner
    outsider = Client()
    outsider.force_login(UserFactory())
    assert outsider.post(f"/gis-bort/{listing.pk}/tilbakemelding/", {"rating": "negative"}).status_code == 403
