"""Two neighbours with data in every app, built through the apps' services, for the privacy
tests: `kari` (whose data is exported or deleted) and `ola` (the other party everywhere)."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalog.models import Category
from core.images import sanitize_upload
from places.geo import make_point
from places.models import Place
from tests.factories import UserFactory, make_listing
from tests.factories.events import make_event, make_event_index
from tests.factory_repair import make_repairer
from tests.photos import jpeg_with_gps
from tests.sharing.conftest import days_ahead, make_hub, make_item

# Kari's home (the exact point of her listing and her own item) and Ola's.
KARI_HOME = (59.91843, 10.58741)
OLA_HOME = (59.93127, 10.55213)


def photo(colour=(200, 80, 40)):
    return sanitize_upload(
        SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(colour=colour), content_type="image/jpeg")
    )


@dataclass
class World:
    kari: object
    ola: object
    staff: object
    hub: object
    listing: object
    ola_listing: object
    reserved_for_kari: object
    hub_item: object
    kari_item: object
    booking: object
    past_booking: object
    waitlist: object
    repairer: object
    review: object
    quote: object
    conversation: object
    event: object


def build(site) -> World:
    from chat.services import block_user, conversation_open, message_send
    from cms.events.services import RegistrationData, registration_create
    from marketplace.services import (
        favourite_toggle,
        listing_image_add,
        listing_reserve,
        report_create,
        saved_search_create,
    )
    from repair.services import RepairLogData, quote_request_send, repair_log_create, review_save
    from sharing.models import Reservation
    from sharing.services import (
        CheckIn,
        item_photo_add,
        reservation_check_in,
        reservation_check_out,
        reservation_create,
        reservation_decide,
        waitlist_join,
    )

    kari = UserFactory(email="kari.nordmann@example.test", profile__display_name="Kari Nordmann")
    kari.profile.home_place = Place.objects.get(name="Sandvika")
    kari.profile.save()
    ola = UserFactory(email="ola.hansen@example.test", profile__display_name="Ola Hansen")
    staff = UserFactory(email="siri@hub.example.test", profile__display_name="Siri i utlånet")

    # Marketplace: Kari's listing with a photo, Ola's listing with a photo, one of Ola's
    # listings reserved for Kari, a favourite, a saved search, a report.
    listing = make_listing(
        owner=kari, title="Barnesykkel", description="Ring 900 00 000", lat=KARI_HOME[0], lon=KARI_HOME[1]
    )
    listing_image_add(listing=listing, image=photo(), alt_text="Blå sykkel")
    ola_listing = make_listing(owner=ola, title="Sofa gis bort", lat=OLA_HOME[0], lon=OLA_HOME[1])
    listing_image_add(listing=ola_listing, image=photo((10, 200, 10)), alt_text="Grønn sofa")
    reserved_for_kari = make_listing(owner=ola, title="Bokhylle", lat=OLA_HOME[0], lon=OLA_HOME[1])
    conversation_open(user=kari, subject=reserved_for_kari)
    listing_reserve(listing=reserved_for_kari, partner=kari)
    favourite_toggle(user=kari, listing=ola_listing)
    saved_search_create(user=kari, name="Sykler i Sandvika", params={"q": "sykkel"}, frequency="daily")
    report_create(reporter=kari, listing=ola_listing, reason="spam", text="Ser ut som reklame")

    # Chat: Kari and Ola talk about Ola's sofa; Kari blocks someone else.
    conversation, _created = conversation_open(user=kari, subject=ola_listing)
    message_send(conversation=conversation, sender=kari, body="Hei! Er sofaen ledig?")
    message_send(conversation=conversation, sender=ola, body="Ja, kom i morgen.")
    block_user(blocker=kari, blocked=UserFactory())

    # Repair: Kari reviews Ola's business, asks for a quote with a photo, logs a repair.
    repairer = make_repairer(owner=ola, name="Olas Sykkelverksted")
    review, _created = review_save(repairer=repairer, author=kari, rating=4, text="Rask og hyggelig service.")
    quote = quote_request_send(
        requester=kari,
        repairer=repairer,
        category=Category.objects.get(slug="bicycles"),
        text="Giret hopper av.",
        photos=[photo((1, 2, 3))],
    )
    repair_log_create(
        user=kari,
        data=RepairLogData(
            logged_as="resident",
            category=Category.objects.get(slug="bicycles"),
            product="Barnesykkel",
            problem="Punktering",
            outcome="fixed",
            repaired_on=timezone.localdate(),
        ),
    )

    # Lending: Kari books a hub's kayak, waits for another, has borrowed before; she lends out
    # her own drill (with a photo), which Ola borrowed and she took back with a photo.
    hub = make_hub(staff=[staff])
    hub_item = make_item(hub=hub, title="Havkajakk")
    booking = reservation_create(item=hub_item, borrower=kari, start=days_ahead(3), end=days_ahead(4))
    reservation_create(item=hub_item, borrower=ola, start=days_ahead(6), end=days_ahead(7))
    waitlist = waitlist_join(item=hub_item, user=kari, start=days_ahead(6), end=days_ahead(7))
    now = timezone.now()
    past_booking = Reservation.objects.create(
        item=hub_item,
        unit=hub_item.units.first(),
        borrower=kari,
        start=now - timedelta(days=20),
        end=now - timedelta(days=19),
        status=Reservation.Status.RETURNED,
        returned_at=now - timedelta(days=19),
    )
    kari_item = make_item(owner=kari, title="Drill", category="tools")
    kari_item.location = make_point(*KARI_HOME)
    kari_item.save(update_fields=["location"])
    item_photo_add(item=kari_item, image=photo((40, 40, 200)), by=kari)
    ola_loan = reservation_create(
        item=kari_item, borrower=ola, start=now + timedelta(hours=1), end=now + timedelta(days=1)
    )
    reservation_decide(reservation=ola_loan, by=kari, approve=True)
    Reservation.objects.filter(pk=ola_loan.pk).update(start=now - timedelta(minutes=5))
    ola_loan.refresh_from_db()
    reservation_check_out(reservation=ola_loan, by=kari)
    reservation_check_in(
        reservation=ola_loan, by=kari, report=CheckIn(condition="ok"), photos=[photo((9, 9, 9))]
    )

    # Events: Kari signs up for a repair café, bringing her bike.
    event = make_event(make_event_index(site), capacity=1)
    registration_create(event=event, user=kari, data=RegistrationData(item="Sykkel", problem="Bremsene"))

    return World(
        kari=kari,
        ola=ola,
        staff=staff,
        hub=hub,
        listing=listing,
        ola_listing=ola_listing,
        reserved_for_kari=reserved_for_kari,
        hub_item=hub_item,
        kari_item=kari_item,
        booking=booking,
        past_booking=past_booking,
        waitlist=waitlist,
        repairer=repairer,
        review=review,
        quote=quote,
        conversation=conversation,
        event=event,
    )
