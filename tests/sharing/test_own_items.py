"""A resident's own items in HTML (create with photos, edit, photo order and descriptions,
withdraw and lend again), the items map from the list's search, booking emails to whoever
decides and to the borrower, and conversations about an item."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from places.models import Place
from sharing.models import Item, ItemPhoto, Reservation
from sharing.services import reservation_create, reservation_decide
from tests.factories import UserFactory
from tests.photos import gif, jpeg_with_gps
from tests.privacy import assert_exact_point_not_shown
from tests.sharing.conftest import days_ahead, make_hub, make_item
from tests.support import login

pytestmark = pytest.mark.usefixtures("places", "site")


def item_form(**extra) -> dict:
    return {
        "title": "Stikksag",
        "description": "Bosch, med tre blad.",
        "category": "tools",
        "max_loan_days": "5",
        "min_notice_hours": "12",
        "deposit": "200 kr kontant",
        "age_limit": "18",
        "required_proof": "",
        "accessories": "Blad\nKoffert\nBlad\n",
        "pledge": "",
        "place": "",
        "point": "",
        **extra,
    }


def photo(name="IMG_4411.jpg", colour=(200, 80, 40)):
    return SimpleUploadedFile(name, jpeg_with_gps(colour=colour), content_type="image/jpeg")


def test_a_resident_lends_out_an_item_with_photos_at_a_private_point(client):
    owner = UserFactory()
    client = login(owner)
    assert client.get("/en/laan/utlan/ny/").status_code == 200
    response = client.post(
        "/en/laan/utlan/ny/",
        item_form(point="59.91840,10.58740", photos=[photo(), photo("b.jpg", (1, 2, 3))]),
    )
    item = Item.objects.get(owner=owner)
    assert response.status_code == 302 and response["Location"] == f"/en/laan/{item.pk}/endre/"
    assert (item.title, item.max_loan_days, item.min_notice_hours, item.age_limit) == ("Stikksag", 5, 12, 18)
    assert item.accessories == ["Blad", "Koffert"] and item.deposit == "200 kr kontant"
    assert item.needs_approval and item.units.count() == 1
    assert (round(item.location.y, 4), round(item.location.x, 4)) == (59.9184, 10.5874)
    assert item.public_location.distance(item.location) > 0
    photos = list(item.photos.all())
    assert [p.position for p in photos] == [1, 2] and all("IMG" not in p.original.name for p in photos)
    page = client.get(f"/en/laan/{item.pk}/").content.decode()
    assert_exact_point_not_shown(page, 59.9184, 10.5874)
    assert photos[0].renditions["full"]["webp"] in page


def test_the_home_area_is_the_default_and_an_area_places_the_item(client):
    home = Place.objects.get(name="Sandvika")
    owner = UserFactory()
    owner.profile.home_place = home
    owner.profile.save()
    client = login(owner)
    import re

    page = client.get("/en/laan/utlan/ny/").content.decode()
    assert re.search(r'<option value="Sandvika"[^>]* selected', page)
    assert client.post("/en/laan/utlan/ny/", item_form(place="Sandvika")).status_code == 302
    item = Item.objects.get(owner=owner)
    assert (round(item.location.y, 4), round(item.location.x, 4)) == (round(home.lat, 4), round(home.lon, 4))


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"title": ""}, "This field is required."),
        ({"category": "no-such"}, "Select a valid choice."),
        ({"max_loan_days": "0"}, "greater than or equal to 1"),
        ({}, "Choose an area, or pick a point on the map."),
        ({"point": "abc"}, "The point from the map could not be read"),
        (
            {"place": "Sandvika", "photos": [SimpleUploadedFile("a.gif", gif(), content_type="image/gif")]},
            "Photo 1:",
        ),
    ],
)
def test_bad_item_forms_are_400_and_create_nothing(extra, message):
    owner = UserFactory()
    response = login(owner).post("/en/laan/utlan/ny/", item_form(**extra))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Item.objects.filter(owner=owner).exists() and not ItemPhoto.objects.exists()


def test_the_owner_edits_the_item_and_moving_it_refuzzes_the_public_point():
    owner = UserFactory()
    item = make_item(owner=owner, title="Stige", category="tools")
    client = login(owner)
    before = item.public_location
    page = client.get(f"/en/laan/{item.pk}/endre/").content.decode()
    assert 'value="Stige"' in page
    response = client.post(
        f"/en/laan/{item.pk}/endre/", item_form(title="Lang stige", point="59.89000,10.52000")
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Lang stige" and item.units.get().label == "Lang stige"
    assert (round(item.location.y, 2), round(item.location.x, 2)) == (59.89, 10.52)
    assert item.public_location != before and item.public_location.distance(item.location) > 0
    # No place and no point keeps where it is.
    client.post(f"/en/laan/{item.pk}/endre/", item_form(title="Stige"))
    item.refresh_from_db()
    assert (round(item.location.y, 2), round(item.location.x, 2)) == (59.89, 10.52)


def test_nobody_else_edits_or_withdraws_an_item(hub):
    owner, stranger = UserFactory(), login(UserFactory())
    item = make_item(owner=owner, title="Stige", category="tools")
    hub_item = make_item(hub=hub)
    for target in (item, hub_item):
        assert stranger.get(f"/en/laan/{target.pk}/endre/").status_code == 404
        assert stranger.post(f"/en/laan/{target.pk}/endre/", item_form()).status_code == 404
        assert stranger.post(f"/en/laan/{target.pk}/bilder/", {"action": "add"}).status_code == 404
        assert stranger.post(f"/en/laan/{target.pk}/trekk-tilbake/").status_code == 404
    item.refresh_from_db()
    assert item.title == "Stige" and item.status == "available"


def test_photos_are_added_described_reordered_and_deleted():
    owner = UserFactory()
    item = make_item(owner=owner, title="Stige", category="tools")
    client = login(owner)
    url = f"/en/laan/{item.pk}/bilder/"
    client.post(url, {"action": "add", "photos": [photo(), photo("b.jpg", (9, 9, 9))]})
    first, second = item.photos.all()
    client.post(url, {"action": "describe", "photo": second.pk, "alt_text": "  Stigen utslått  "})
    client.post(url, {"action": "earlier", "photo": second.pk})
    assert list(item.photos.values_list("pk", "alt_text")) == [(second.pk, "Stigen utslått"), (first.pk, "")]
    client.post(url, {"action": "delete", "photo": first.pk})
    assert list(item.photos.values_list("pk", flat=True)) == [second.pk]
    # The cover is on the card in the search.
    assert second.renditions["card"]["jpeg"] in client.get("/en/laan/").content.decode()


def test_at_most_eight_photos():
    owner = UserFactory()
    item = make_item(owner=owner, title="Stige", category="tools")
    client = login(owner)
    url = f"/en/laan/{item.pk}/bilder/"
    client.post(url, {"action": "add", "photos": [photo(colour=(n, n, n)) for n in range(8)]})
    assert item.photos.count() == 8
    response = client.post(url, {"action": "add", "photos": [photo()]})
    assert response.status_code == 400 and "at most 0 more photos" in response.content.decode()
    assert item.photos.count() == 8


def test_withdrawing_cancels_coming_bookings_and_tells_the_borrowers_then_it_lends_again(
    django_capture_on_commit_callbacks,
):
    owner, borrower = UserFactory(), UserFactory(email="laaner@example.org")
    item = make_item(owner=owner, title="Stige", category="tools")
    booking = reservation_create(item=item, borrower=borrower, start=days_ahead(3), end=days_ahead(4))
    reservation_decide(reservation=booking, by=owner, approve=True)
    mail.outbox.clear()
    client = login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/en/laan/{item.pk}/trekk-tilbake/").status_code == 302
    item.refresh_from_db()
    booking.refresh_from_db()
    assert item.status == "retired" and booking.status == "cancelled"
    assert [m.to for m in mail.outbox] == [["laaner@example.org"]] and "lånes ikke lenger ut" in mail.outbox[
        0
    ].subject
    assert client.get(f"/en/laan/{item.pk}/").status_code == 404  # out of the search and off its page
    assert client.post(f"/en/laan/{item.pk}/lan-ut-igjen/").status_code == 302
    assert Item.objects.get(pk=item.pk).status == "available"


# --- The map ------------------------------------------------------------------------------------


def test_the_map_shows_the_lists_search_as_pins_at_public_points(client, hub):
    import json
    import re

    make_item(hub=hub, title="Havkajakk")
    make_item(hub=hub, title="Elsykkel", category="bicycles")
    owner = UserFactory()
    make_item(owner=owner, title="Kajakk til låns")
    response = client.get("/en/laan/kart/", {"q": "kajakk"})
    assert response.status_code == 200
    html = response.content.decode()
    pins = json.loads(
        re.search(r'<script id="map-pins" type="application/json">(.*?)</script>', html).group(1)
    )
    assert sorted(p["title"] for p in pins) == ["Havkajakk", "Kajakk til låns"]
    assert_exact_point_not_shown(html, 59.9184, 10.5874)
    assert "/en/laan/kart/?q=kajakk" in client.get("/en/laan/", {"q": "kajakk"}).content.decode()


def test_the_map_with_a_bad_search_goes_back_to_the_list_with_the_message(client):
    response = client.get("/en/laan/kart/", {"available_from": "2026-13-40", "available_to": "2026-01-01"})
    assert response.status_code == 302 and response["Location"].startswith("/en/laan/?")


# --- Emails about bookings ----------------------------------------------------------------------


def test_a_booking_that_needs_approval_emails_the_hubs_staff_and_the_decision_the_borrower(
    hub, staff, django_capture_on_commit_callbacks
):
    second_staff = UserFactory(email="ansatt2@example.org")
    hub.memberships.create(user=second_staff)
    borrower = UserFactory(email="laaner@example.org")
    item = make_item(hub=hub, requires_approval=True)
    with django_capture_on_commit_callbacks(execute=True):
        booking = reservation_create(item=item, borrower=borrower, start=days_ahead(3), end=days_ahead(4))
    assert sorted(m.to[0] for m in mail.outbox) == sorted([staff.email, "ansatt2@example.org"])
    assert (
        "venter på godkjenningen din" in mail.outbox[0].subject
        and f"/laan/sentral/{hub.slug}/" in mail.outbox[0].body
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reservation_decide(reservation=booking, by=staff, approve=False)
    assert [m.to for m in mail.outbox] == [["laaner@example.org"]] and "ble ikke godkjent" in mail.outbox[
        0
    ].subject


def test_a_neighbours_item_emails_the_owner_and_an_approval_the_borrower(
    borrower, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="eier@example.org")
    item = make_item(owner=owner, title="Stige", category="tools")
    with django_capture_on_commit_callbacks(execute=True):
        booking = reservation_create(item=item, borrower=borrower, start=days_ahead(3), end=days_ahead(4))
    assert [m.to for m in mail.outbox] == [["eier@example.org"]] and "/laan/utlan/" in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reservation_decide(reservation=booking, by=owner, approve=True)
    assert [m.to for m in mail.outbox] == [[borrower.email]] and "er godkjent" in mail.outbox[0].subject


def test_a_booking_confirmed_at_once_sends_no_approval_email(
    hub, borrower, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reservation_create(item=make_item(hub=hub), borrower=borrower, start=days_ahead(3), end=days_ahead(4))
    assert mail.outbox == []


def test_a_notice_for_a_booking_that_moved_on_is_not_sent(hub, staff, borrower):
    from sharing.services import booking_notify

    item = make_item(hub=hub, requires_approval=True)
    booking = reservation_create(item=item, borrower=borrower, start=days_ahead(3), end=days_ahead(4))
    Reservation.objects.filter(pk=booking.pk).update(status=Reservation.Status.CANCELLED)
    assert booking_notify(reservation_id=booking.pk, kind="needs_approval") == 0


# --- Conversations about an item ----------------------------------------------------------------


def test_send_a_message_about_a_neighbours_item_opens_a_conversation_with_the_owner(borrower):
    from chat.models import Conversation

    owner = UserFactory()
    item = make_item(owner=owner, title="Stige", category="tools")
    client = login(borrower)
    assert f"/en/meldinger/ny/item/{item.pk}/" in client.get(f"/en/laan/{item.pk}/").content.decode()
    response = client.post(f"/en/meldinger/ny/item/{item.pk}/")
    conversation = Conversation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/en/meldinger/{conversation.pk}/"
    assert {conversation.user_low_id, conversation.user_high_id} == {owner.pk, borrower.pk}
    assert conversation.subject == item


def test_a_hubs_item_is_answered_by_its_first_staff_member(hub, staff, borrower):
    from chat.models import Conversation

    hub.memberships.create(user=UserFactory())
    item = make_item(hub=hub)
    login(borrower).post(f"/en/meldinger/ny/item/{item.pk}/")
    conversation = Conversation.objects.get()
    assert {conversation.user_low_id, conversation.user_high_id} == {staff.pk, borrower.pk}


def test_a_hub_without_staff_says_nobody_answers_rather_than_refusing_oddly(borrower):
    import json

    from chat.models import Conversation

    item = make_item(hub=make_hub("Stabekk utlån"))
    client = login(borrower)
    response = client.post(f"/en/meldinger/ny/item/{item.pk}/", follow=True)
    assert "Nobody can answer messages about this right now." in response.content.decode()
    assert "yourself" not in response.content.decode()
    api = client.post(
        "/api/v1/conversations",
        json.dumps({"about": {"type": "item", "id": item.pk}}),
        content_type="application/json",
    )
    assert api.status_code == 409 and api.json()["errors"] == {"detail": ["unavailable"]}
    assert not Conversation.objects.exists()


def test_no_conversation_about_a_withdrawn_item(borrower):
    from chat.models import Conversation

    item = make_item(owner=UserFactory(), title="Stige", category="tools")
    Item.objects.filter(pk=item.pk).update(status=Item.Status.RETIRED)
    login(borrower).post(f"/en/meldinger/ny/item/{item.pk}/")
    assert not Conversation.objects.exists()


def test_staff_write_to_a_borrower_about_their_booking_and_only_their_hubs(hub, staff, borrower):
    from chat.models import Conversation

    item = make_item(hub=hub)
    booking = reservation_create(item=item, borrower=borrower, start=days_ahead(3), end=days_ahead(4))
    other_staff = UserFactory()
    make_hub("Bekkestua utlån", staff=[other_staff])
    assert login(other_staff).post(f"/en/laan/sentral/{hub.slug}/melding/{booking.pk}/").status_code == 403
    response = login(staff).post(f"/en/laan/sentral/{hub.slug}/melding/{booking.pk}/")
    conversation = Conversation.objects.get()
    assert response["Location"] == f"/en/meldinger/{conversation.pk}/"
    assert {conversation.user_low_id, conversation.user_high_id} == {staff.pk, borrower.pk}


def test_the_api_count_of_items_stops_at_the_cap(client, hub, monkeypatch):
    import core.pagination

    monkeypatch.setattr(core.pagination, "COUNT_CAP", 2)
    for n in range(3):
        make_item(hub=hub, title=f"Kajakk {n}")
    body = client.get("/api/v1/items").json()
    assert (body["count"], body["count_capped"]) == (2, True)
    monkeypatch.setattr(core.pagination, "COUNT_CAP", 1000)
    body = client.get("/api/v1/items").json()
    assert (body["count"], body["count_capped"]) == (3, False)


# --- A hub's items, edited by its staff on the site ------------------------------------------------


def test_hub_staff_edit_their_hubs_item_and_choose_approval(hub, staff):
    item = make_item(hub=hub, units=3, title="Havkajakk")
    client = login(staff)
    desk = client.get(f"/en/laan/sentral/{hub.slug}/").content.decode()
    assert f'href="/en/laan/{item.pk}/endre/"' in desk  # listed with its actions on the desk
    page = client.get(f"/en/laan/{item.pk}/endre/").content.decode()
    assert 'id="id_place"' not in page and "location-picker" not in page  # the hub's place, not a choice
    assert f'href="/en/laan/sentral/{hub.slug}/"' in page
    form = item_form(title="Havkajakk, enkel", requires_approval="on")
    del form["place"], form["point"]
    response = client.post(f"/en/laan/{item.pk}/endre/", form)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.max_loan_days, item.requires_approval) == ("Havkajakk, enkel", 5, True)
    assert item.location == hub.location and item.units.count() == 3


def test_hub_staff_withdraw_and_relist_a_hub_item_and_return_to_the_desk(hub, staff):
    item = make_item(hub=hub)
    client = login(staff)
    response = client.post(f"/en/laan/{item.pk}/trekk-tilbake/")
    assert response.status_code == 302 and response["Location"] == f"/en/laan/sentral/{hub.slug}/"
    item.refresh_from_db()
    assert item.status == Item.Status.RETIRED
    assert client.post(f"/en/laan/{item.pk}/lan-ut-igjen/").status_code == 302
    item.refresh_from_db()
    assert item.status == Item.Status.AVAILABLE


def test_nobody_else_edits_a_hub_item(hub):
    item = make_item(hub=hub, title="Havkajakk")
    other_staff = UserFactory()
    make_hub("Sandvika utlån", staff=[other_staff])
    for user in (UserFactory(), other_staff):
        client = login(user)
        assert client.get(f"/en/laan/{item.pk}/endre/").status_code == 404
        assert client.post(f"/en/laan/{item.pk}/endre/", item_form(title="Mitt nå")).status_code == 404
        assert client.post(f"/en/laan/{item.pk}/trekk-tilbake/").status_code == 404
        assert client.post(f"/en/laan/{item.pk}/bilder/", {"action": "add"}).status_code == 404
    item.refresh_from_db()
    assert item.title == "Havkajakk" and item.status == Item.Status.AVAILABLE
