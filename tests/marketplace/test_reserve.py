import pytest
from django.test import Client

from chat.models import Message
from chat.services import conversation_open
from tests.factories import UserFactory, make_listing

pytestmark = pytest.mark.usefixtures("places", "site")


def test_owner_reserves_for_a_conversation_partner_who_is_told(db):
    owner, asker = UserFactory(), UserFactory(profile__display_name="Per")
    listing = make_listing(owner=owner)
    conversation_open(user=asker, subject=listing)
    client = Client()
    client.force_login(owner)
    assert "Per" in client.get(f"/gis-bort/{listing.pk}/").content.decode()
    assert client.post(f"/gis-bort/{listing.pk}/reserver/", {"partner": asker.pk}).status_code == 302
    listing.refresh_from_db()
    assert listing.status == "reserved" and listing.reserved_for == asker
    system = Message.objects.get(kind="system")
    assert "Per" in system.body and listing.title in system.body


def test_cannot_reserve_for_someone_without_a_conversation(db):
    owner, stranger = UserFactory(), UserFactory()
    listing = make_listing(owner=owner)
    client = Client()
    client.force_login(owner)
    client.post(f"/gis-bort/{listing.pk}/reserver/", {"partner": stranger.pk})
    listing.refresh_from_db()
    assert listing.status == "active" and listing.reserved_for is None


def test_others_cannot_reserve(db):
    listing = make_listing(owner=UserFactory())
    asker = UserFactory()
    conversation_open(user=asker, subject=listing)
    client = Client()
    client.force_login(asker)
    assert client.post(f"/gis-bort/{listing.pk}/reserver/", {"partner": asker.pk}).status_code == 403
    listing.refresh_from_db()
    assert listing.status == "active"
