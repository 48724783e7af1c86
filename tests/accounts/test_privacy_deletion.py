"""Deleting an account: confirmed with the password; personal data erased or anonymised in every
app (searched for in the whole database afterwards); listings withdrawn, coming bookings
cancelled with a notice to the hub, messages kept for the other party from "deleted user",
sessions, sockets and API tokens ended; and running it again changes nothing."""

import asyncio

import pytest
from allauth.account.models import EmailAddress
from channels.layers import get_channel_layer
from django.contrib.gis.measure import D
from django.core import mail
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.utils import translation

from accounts.models import User
from accounts.services import account_delete, api_token_create, deleted_email
from chat.models import Block, Message
from chat.services import ChatError, message_send, user_group
from cms.events.models import EventRegistration
from cms.events.services import RegistrationData, registration_create
from marketplace.models import Favourite, Listing, ListingImage, SavedSearch
from places.geo import make_point
from repair.models import QuoteRequestPhoto, RepairLog, Review
from sharing.models import Item, ItemPhoto, Reservation, ReturnPhoto, WaitlistEntry
from tests.accounts.privacy_world import KARI_HOME, build
from tests.factories import TEST_PASSWORD
from tests.support import login

pytestmark = pytest.mark.usefixtures("places")


@pytest.fixture
def world(site):
    return build(site)


def files_of(*querysets) -> list[str]:
    names = []
    for queryset in querysets:
        for photo in queryset:
            names += [photo.original.name] + [r["jpeg"] for r in photo.renditions.values()]
    return names


def delete(user, capture):
    with capture(execute=True):
        account_delete(user=user)
    user.refresh_from_db()


def rows_mentioning(text: str) -> list[str]:
    """Every table whose rows, as text, contain `text` (case-insensitive)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            # The table name comes from the database's own catalogue, quoted; the text is a parameter.
            query = f"SELECT count(*) FROM {connection.ops.quote_name(table)} AS t WHERE t::text ILIKE %s"  # noqa: S608
            cursor.execute(query, [f"%{text}%"])
            if cursor.fetchone()[0]:
                found.append(table)
    return found


def test_no_personal_data_is_left_anywhere_in_the_database(world, django_capture_on_commit_callbacks):
    kari = world.kari
    assert rows_mentioning("kari.nordmann@example.test") and rows_mentioning("Kari Nordmann")
    delete(kari, django_capture_on_commit_callbacks)
    assert rows_mentioning("kari.nordmann@example.test") == []
    assert rows_mentioning("Kari Nordmann") == []
    assert rows_mentioning("Ring 900 00 000") == []  # free text in her listing
    home = make_point(*KARI_HOME)
    assert not Listing.objects.filter(location__dwithin=(home, D(m=50))).exists()
    assert not Item.objects.filter(location__dwithin=(home, D(m=50))).exists()


def test_the_account_is_emptied_and_cannot_sign_in(world, django_capture_on_commit_callbacks):
    kari = world.kari
    _token, key = api_token_create(user=kari, name="Mitt skript")
    elsewhere = login(kari)  # a session on another device
    delete(kari, django_capture_on_commit_callbacks)

    assert kari.email == deleted_email(kari.pk) and not kari.is_active
    assert not kari.has_usable_password() and kari.erased_at is not None
    assert kari.profile.home_place is None and kari.profile.display_name == ""
    with translation.override("en"):
        assert kari.display_name == "deleted user"
    assert not EmailAddress.objects.filter(user=kari).exists() and not kari.groups.exists()
    assert not kari.api_tokens.filter(revoked_at__isnull=True).exists()

    assert elsewhere.get("/konto/innstillinger/").status_code == 302  # the old session is dead
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert not Client().login(email="kari.nordmann@example.test", password=TEST_PASSWORD)


def test_listings_are_withdrawn_and_their_photos_deleted(world, django_capture_on_commit_callbacks):
    hers = files_of(ListingImage.objects.filter(listing__owner=world.kari))
    his = files_of(ListingImage.objects.filter(listing__owner=world.ola))
    delete(world.kari, django_capture_on_commit_callbacks)

    listing = Listing.objects.get(pk=world.listing.pk)
    assert listing.status == Listing.Status.WITHDRAWN and not listing.images.exists()
    assert listing.location == listing.public_location and listing.description == ""
    assert not any(default_storage.exists(name) for name in hers)
    assert all(default_storage.exists(name) for name in his)
    freed = Listing.objects.get(pk=world.reserved_for_kari.pk)
    assert (freed.status, freed.reserved_for) == (Listing.Status.ACTIVE, None)
    assert not Favourite.objects.filter(user=world.kari).exists()
    assert not SavedSearch.objects.filter(user=world.kari).exists()


def test_coming_bookings_are_cancelled_and_the_hub_told(world, django_capture_on_commit_callbacks):
    ola_booking = Reservation.objects.get(borrower=world.ola, item=world.hub_item)
    world.staff.profile.preferred_language = "en"  # the notice is in the reader's language
    world.staff.profile.save()
    mail.outbox.clear()
    with translation.override("en"):
        delete(world.kari, django_capture_on_commit_callbacks)

    booking = Reservation.objects.get(pk=world.booking.pk)
    assert booking.status == Reservation.Status.CANCELLED
    notices = [m for m in mail.outbox if m.to == ["siri@hub.example.test"]]
    assert len(notices) == 1 and "Havkajakk" in notices[0].subject
    assert "deleted their Sirkel account" in notices[0].body
    assert Reservation.objects.get(pk=world.past_booking.pk).status == Reservation.Status.RETURNED  # history
    assert Reservation.objects.get(pk=ola_booking.pk).status == Reservation.Status.CONFIRMED
    assert not WaitlistEntry.objects.filter(user=world.kari).exists()


def test_her_own_items_are_withdrawn_with_their_photos(world, django_capture_on_commit_callbacks):
    photos = files_of(ItemPhoto.objects.filter(item__owner=world.kari), ReturnPhoto.objects.all())
    delete(world.kari, django_capture_on_commit_callbacks)
    item = Item.objects.get(pk=world.kari_item.pk)
    assert item.status == Item.Status.RETIRED and item.location == item.public_location
    assert not ItemPhoto.objects.filter(item=item).exists() and not ReturnPhoto.objects.exists()
    assert not any(default_storage.exists(name) for name in photos)


def test_the_other_party_keeps_the_conversation_from_a_deleted_user(
    world, django_capture_on_commit_callbacks
):
    delete(world.kari, django_capture_on_commit_callbacks)
    with translation.override("en"):
        page = login(world.ola).get(f"/en/meldinger/{world.conversation.pk}/").content.decode()
    assert "Hei! Er sofaen ledig?" in page and "Ja, kom i morgen." in page
    assert "deleted user" in page and "Kari" not in page
    assert Message.objects.filter(conversation=world.conversation).count() == 2
    with pytest.raises(ChatError) as refused:
        message_send(conversation=world.conversation, sender=world.ola, body="Hallo?")
    assert refused.value.status == 403
    assert not Block.objects.filter(blocker=world.kari).exists()


def test_her_open_sockets_are_closed(world, django_capture_on_commit_callbacks):
    """A socket of hers listens on her user group (as chat.consumers does); deleting the account
    sends it the close event, from another event loop, through Redis."""
    layer = get_channel_layer()
    loop = asyncio.new_event_loop()
    try:
        channel = loop.run_until_complete(layer.new_channel())
        loop.run_until_complete(layer.group_add(user_group(world.kari.pk), channel))
        delete(world.kari, django_capture_on_commit_callbacks)
        event = loop.run_until_complete(asyncio.wait_for(layer.receive(channel), timeout=5))
        assert event == {"type": "socket.close"}
        loop.run_until_complete(layer.group_discard(user_group(world.kari.pk), channel))
    finally:
        loop.run_until_complete(layer.flush())
        loop.close()


def test_reviews_stay_from_a_deleted_user_and_quote_photos_go(world, django_capture_on_commit_callbacks):
    photos = files_of(QuoteRequestPhoto.objects.filter(quote__requester=world.kari))
    delete(world.kari, django_capture_on_commit_callbacks)
    review = Review.objects.get(pk=world.review.pk)
    with translation.override("en"):
        assert review.author.display_name == "deleted user"
        page = Client().get(f"/en/reparasjon/{world.repairer.slug}/").content.decode()
    assert "Rask og hyggelig service." in page and "Kari" not in page
    assert not QuoteRequestPhoto.objects.exists() and not any(default_storage.exists(n) for n in photos)
    assert RepairLog.objects.get().logged_by is None  # anonymous open data


def test_her_place_at_an_event_goes_to_the_first_waiting(world, django_capture_on_commit_callbacks):
    waiting = registration_create(
        event=world.event, user=world.ola, data=RegistrationData(item="Lampe", problem="Vakler")
    )
    assert waiting.status == EventRegistration.Status.WAITLISTED
    delete(world.kari, django_capture_on_commit_callbacks)
    assert not EventRegistration.objects.filter(user=world.kari).exists()
    waiting.refresh_from_db()
    assert waiting.status == EventRegistration.Status.CONFIRMED


def test_deleting_twice_changes_nothing_more(world, django_capture_on_commit_callbacks):
    delete(world.kari, django_capture_on_commit_callbacks)
    first = User.objects.values("email", "erased_at", "is_active").get(pk=world.kari.pk)
    counts = (
        Listing.objects.count(),
        Reservation.objects.count(),
        Message.objects.count(),
        Review.objects.count(),
    )
    delete(world.kari, django_capture_on_commit_callbacks)
    assert User.objects.values("email", "erased_at", "is_active").get(pk=world.kari.pk) == first
    assert (
        Listing.objects.count(),
        Reservation.objects.count(),
        Message.objects.count(),
        Review.objects.count(),
    ) == counts


def test_the_page_asks_for_the_password_first(world, django_capture_on_commit_callbacks):
    client = login(world.kari)
    page = client.get("/konto/innstillinger/slett-konto/")
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.content.decode()
    wrong = client.post("/konto/innstillinger/slett-konto/", {"password": "not-it"})
    assert wrong.status_code == 400
    world.kari.refresh_from_db()
    assert world.kari.is_active and world.kari.erased_at is None
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/konto/innstillinger/slett-konto/", {"password": TEST_PASSWORD})
    assert done.status_code == 200
    world.kari.refresh_from_db()
    assert world.kari.erased_at is not None and not world.kari.is_active
    assert client.get("/konto/innstillinger/").status_code == 302  # signed out


def test_an_account_without_a_password_types_the_word(db, django_capture_on_commit_callbacks):
    from tests.factories import UserFactory

    user = UserFactory()
    user.set_unusable_password()
    user.save()
    client = login(user)
    with translation.override("en"):
        assert (
            client.post("/en/konto/innstillinger/slett-konto/", {"confirmation": "nope"}).status_code == 400
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert (
                client.post("/en/konto/innstillinger/slett-konto/", {"confirmation": "delete"}).status_code
                == 200
            )
    user.refresh_from_db()
    assert user.erased_at is not None


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.post("/konto/innstillinger/slett-konto/", {"password": "x"})
    assert response.status_code == 302 and "/konto/login/" in response["Location"]
