"""The lender's screens in HTML: hand out and take back (with the condition report, photos and
the pledge's outcome), refer a damaged unit to a repairer, and the hub's reports with the CSV
of overdue loans. Only that hub's staff (others: 403) or the personal owner (others: 404)."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalog.models import ImpactEntry
from sharing.models import Item, Reservation, ReturnPhoto, Unit
from tests.factories import UserFactory
from tests.photos import gif, jpeg_with_gps
from tests.sharing.conftest import make_hub, make_item
from tests.support import login

pytestmark = pytest.mark.usefixtures("places", "site")


def booked_now(item, borrower, *, status=Reservation.Status.CONFIRMED, unit=None, **extra):
    """A booking from a few minutes ago until tomorrow (the service refuses past starts)."""
    now = timezone.now()
    return Reservation.objects.create(
        item=item,
        unit=unit or item.units.first(),
        borrower=borrower,
        start=now - timedelta(minutes=5),
        end=now + timedelta(days=1),
        status=status,
        **extra,
    )


def hub_url(hub, what, pk):
    return f"/en/laan/sentral/{hub.slug}/{what}/{pk}/"


# --- Check-out ----------------------------------------------------------------------------------


def test_staff_hand_out_with_the_accessories_checked_and_the_proof_seen(hub, staff, borrower):
    item = make_item(hub=hub, accessories=["Åre", "Vest"], required_proof="våttkort")
    booking = booked_now(item, borrower)
    client = login(staff)
    page = client.get(hub_url(hub, "utlever", booking.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "I have checked the borrower&#x27;s våttkort" in html and 'value="Åre"' in html
    response = client.post(
        hub_url(hub, "utlever", booking.pk),
        {"unit": booking.unit_id, "accessories": ["Vest"], "proof_verified": "on"},
    )
    assert response.status_code == 302 and response["Location"] == f"/en/laan/sentral/{hub.slug}/"
    booking.refresh_from_db()
    assert booking.status == "checked_out" and booking.checked_out_by == staff
    assert booking.accessories_out == ["Vest"] and booking.proof_verified


def test_handing_out_without_checking_the_proof_is_a_form_error(hub, staff, borrower):
    item = make_item(hub=hub, required_proof="våttkort")
    booking = booked_now(item, borrower)
    response = login(staff).post(hub_url(hub, "utlever", booking.pk), {"unit": booking.unit_id})
    assert response.status_code == 400
    assert "Check the borrower&#x27;s proof (våttkort) before handing out." in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_staff_may_hand_out_another_free_unit_but_not_one_booked_by_someone_else(hub, staff, borrower):
    item = make_item(hub=hub, units=3)
    first, second, third = item.units.all()
    booking = booked_now(item, borrower, unit=first)
    booked_now(item, UserFactory(), unit=third)  # the third is taken for the same period
    client = login(staff)
    refused = client.post(hub_url(hub, "utlever", booking.pk), {"unit": third.pk})
    assert refused.status_code == 400  # not among the choices: the form says so
    assert Reservation.objects.get(pk=booking.pk).status == "confirmed"
    assert client.post(hub_url(hub, "utlever", booking.pk), {"unit": second.pk}).status_code == 302
    booking.refresh_from_db()
    assert (booking.unit_id, booking.status) == (second.pk, "checked_out")


def test_a_unit_swap_that_loses_a_race_is_refused_by_the_constraint(hub, staff, borrower):
    from sharing.services import ReservationError, reservation_check_out

    item = make_item(hub=hub, units=2)
    first, second = item.units.all()
    booking = booked_now(item, borrower, unit=first)
    booked_now(item, UserFactory(), unit=second)  # booked after the form was shown
    with pytest.raises(ReservationError) as refused:
        reservation_check_out(reservation=booking, by=staff, unit=second)
    assert refused.value.status == 409
    booking.refresh_from_db()
    assert (booking.unit_id, booking.status) == (first.pk, "confirmed")


def test_other_hubs_staff_get_403_and_other_hubs_bookings_404(hub, staff, borrower):
    other_staff = UserFactory()
    other_hub = make_hub("Bekkestua utlån", staff=[other_staff])
    booking = booked_now(make_item(hub=hub), borrower)
    for person in (other_staff, borrower):
        assert login(person).get(hub_url(hub, "utlever", booking.pk)).status_code == 403
        assert login(person).post(hub_url(hub, "ta-imot", booking.pk), {"condition": "ok"}).status_code == 403
    # Through their own hub's address, another hub's booking does not exist.
    assert login(other_staff).get(hub_url(other_hub, "utlever", booking.pk)).status_code == 404
    assert login(other_staff).get(hub_url(other_hub, "ta-imot", booking.pk)).status_code == 404
    assert Reservation.objects.get(pk=booking.pk).status == "confirmed"


def test_the_staff_screen_links_each_pickup_and_return_to_its_form(client, hub, staff, borrower):
    item = make_item(hub=hub, units=2)
    first, second = item.units.all()
    pickup = booked_now(item, borrower, unit=first)
    out = booked_now(item, UserFactory(), status=Reservation.Status.CHECKED_OUT, unit=second)
    html = login(staff).get(f"/en/laan/sentral/{hub.slug}/").content.decode()
    assert hub_url(hub, "utlever", pickup.pk) in html
    assert hub_url(hub, "ta-imot", out.pk) in html


# --- Check-in -----------------------------------------------------------------------------------


def test_take_back_with_the_pledge_outcome_feeds_the_impact_ledger(hub, staff, borrower):
    item = make_item(hub=hub, pledge="Plukk søppel fra fjorden", accessories=["Åre", "Vest"])
    booking = booked_now(
        item,
        borrower,
        status=Reservation.Status.CHECKED_OUT,
        pledge_accepted=True,
        accessories_out=["Åre", "Vest"],
    )
    client = login(staff)
    page = client.get(hub_url(hub, "ta-imot", booking.pk)).content.decode()
    assert "Bags of litter collected" in page and "Plukk søppel fra fjorden" in page
    response = client.post(
        hub_url(hub, "ta-imot", booking.pk),
        {
            "condition": "ok",
            "accessories": ["Åre", "Vest"],
            "pledge_bags": "3",
            "pledge_kg": "4.5",
            "notes": "Fin",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/en/laan/sentral/{hub.slug}/"
    booking.refresh_from_db()
    assert booking.status == "returned" and booking.returned_by == staff
    assert (booking.pledge_bags, booking.pledge_kg, booking.return_condition) == (3, Decimal("4.5"), "ok")
    assert ImpactEntry.objects.filter(source="sharing.reservation", source_id=booking.pk).count() == 1


def test_an_item_without_a_pledge_asks_for_no_litter(hub, staff, borrower):
    booking = booked_now(make_item(hub=hub), borrower, status=Reservation.Status.CHECKED_OUT)
    assert "litter" not in login(staff).get(hub_url(hub, "ta-imot", booking.pk)).content.decode()


def test_a_damaged_return_with_photos_goes_to_repair_and_offers_nearby_repairers(hub, staff, borrower):
    from tests.factory_repair import FORNEBU, make_repairer

    repairer = make_repairer(name="Fjordens Båtservice", categories=("water-sports",), at=FORNEBU)
    item = make_item(hub=hub, category="water-sports")
    booking = booked_now(item, borrower, status=Reservation.Status.CHECKED_OUT)
    client = login(staff)
    response = client.post(
        hub_url(hub, "ta-imot", booking.pk),
        {
            "condition": "damaged",
            "notes": "Sprekk i skroget",
            "photos": [
                SimpleUploadedFile("IMG_1.jpg", jpeg_with_gps(), content_type="image/jpeg"),
                SimpleUploadedFile("IMG_2.jpg", jpeg_with_gps(colour=(1, 2, 3)), content_type="image/jpeg"),
            ],
        },
    )
    refer_url = f"/en/laan/sentral/{hub.slug}/enhet/{booking.unit_id}/reparasjon/"
    assert response.status_code == 302 and response["Location"] == refer_url
    assert Unit.objects.get(pk=booking.unit_id).status == "in_repair"
    assert Item.objects.get(pk=item.pk).status == "in_repair"
    photos = list(ReturnPhoto.objects.filter(reservation=booking))
    assert len(photos) == 2 and all("IMG" not in p.original.name for p in photos)
    assert set(photos[0].renditions) == {"thumbnail", "card", "full"}

    page = client.get(refer_url).content.decode()
    assert "Fjordens Båtservice" in page
    sent = client.post(refer_url, {"repairer": repairer.pk, "note": "Haster"})
    assert sent.status_code == 302 and sent["Location"].startswith("/en/meldinger/")
    from chat.models import Message

    body = Message.objects.get(sender=staff).body
    assert "Sprekk i skroget" in body and "Haster" in body


def test_a_refused_photo_keeps_the_loan_out_and_says_why(hub, staff, borrower):
    booking = booked_now(make_item(hub=hub), borrower, status=Reservation.Status.CHECKED_OUT)
    response = login(staff).post(
        hub_url(hub, "ta-imot", booking.pk),
        {"condition": "ok", "photos": [SimpleUploadedFile("x.gif", gif(), content_type="image/gif")]},
    )
    assert response.status_code == 400
    assert "Photo 1: Upload a photo in JPEG, PNG, WebP or HEIC format." in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == "checked_out" and not ReturnPhoto.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "This field is required."),
        ({"condition": "broken"}, "Select a valid choice."),
        ({"condition": "ok", "pledge_kg": "-1"}, "greater than or equal to 0"),
    ],
)
def test_bad_check_in_forms_are_400_with_the_reason(hub, staff, borrower, data, message):
    item = make_item(hub=hub, pledge="Plukk søppel")
    booking = booked_now(item, borrower, status=Reservation.Status.CHECKED_OUT, pledge_accepted=True)
    response = login(staff).post(hub_url(hub, "ta-imot", booking.pk), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert Reservation.objects.get(pk=booking.pk).status == "checked_out"


def test_taking_back_twice_is_a_409_message(hub, staff, borrower):
    booking = booked_now(make_item(hub=hub), borrower, status=Reservation.Status.RETURNED)
    response = login(staff).post(hub_url(hub, "ta-imot", booking.pk), {"condition": "ok"})
    assert (
        response.status_code == 409 and "This item is not out on this booking." in response.content.decode()
    )


# --- A personal owner ---------------------------------------------------------------------------


def test_a_personal_owner_hands_out_and_takes_back_their_own_item_only(borrower):
    owner = UserFactory()
    item = make_item(owner=owner, title="Stige", category="tools")
    booking = booked_now(item, borrower)
    stranger = login(UserFactory())
    assert stranger.get(f"/en/laan/utlan/{booking.pk}/utlever/").status_code == 404
    assert (
        login(borrower).post(f"/en/laan/utlan/{booking.pk}/utlever/", {"unit": booking.unit_id}).status_code
        == 404
    )
    client = login(owner)
    assert f"/en/laan/utlan/{booking.pk}/utlever/" in client.get("/en/laan/utlan/").content.decode()
    assert client.post(f"/en/laan/utlan/{booking.pk}/utlever/", {"unit": booking.unit_id}).status_code == 302
    assert stranger.post(f"/en/laan/utlan/{booking.pk}/ta-imot/", {"condition": "ok"}).status_code == 404
    assert client.post(f"/en/laan/utlan/{booking.pk}/ta-imot/", {"condition": "worn"}).status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.return_condition, booking.returned_by) == ("returned", "worn", owner)


# --- Reports ------------------------------------------------------------------------------------


def overdue_loan(item, borrower, *, days_late=2):
    now = timezone.now()
    return Reservation.objects.create(
        item=item,
        unit=item.units.first(),
        borrower=borrower,
        start=now - timedelta(days=days_late + 2),
        end=now - timedelta(days=days_late),
        status=Reservation.Status.CHECKED_OUT,
    )


def test_reports_show_overdue_loans_with_contact_details_and_units_out_of_lending(hub, staff):
    late = UserFactory(email="sen@example.org", profile__display_name="Kari Sen")
    kayak = make_item(hub=hub, title="Havkajakk", units=2)
    overdue_loan(kayak, late)
    Unit.objects.filter(pk=kayak.units.last().pk).update(status=Unit.Status.IN_REPAIR)
    html = login(staff).get(f"/en/laan/sentral/{hub.slug}/rapporter/").content.decode()
    assert "Kari Sen" in html and "sen@example.org" in html
    assert "Havkajakk 2" in html and "In repair" in html
    assert f"/en/laan/sentral/{hub.slug}/rapporter/forsinket.csv" in html


def test_the_overdue_csv_lists_each_late_loan_and_neutralises_formulas(hub, staff):
    late = UserFactory(email="sen@example.org", profile__display_name="=HYPERLINK(evil)")
    overdue_loan(make_item(hub=hub, title="Havkajakk"), late, days_late=3)
    on_time = UserFactory(email="i-tide@example.org")
    booked_now(make_item(hub=hub, title="Elsykkel", category="bicycles"), on_time, status="checked_out")
    response = login(staff).get(f"/en/laan/sentral/{hub.slug}/rapporter/forsinket.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Item", "Unit", "Borrower", "Email", "Due back", "Days late"]
    assert len(rows) == 2
    assert rows[1][0] == "Havkajakk" and rows[1][2] == "'=HYPERLINK(evil)" and rows[1][3] == "sen@example.org"
    assert rows[1][5] == "3"


def test_utilisation_is_the_share_of_the_period_lent(hub, staff, borrower):
    from datetime import datetime

    from tests.sharing.conftest import OSLO

    item = make_item(hub=hub, title="Tilhenger", category="tools", units=2)
    today = timezone.localdate()
    start = datetime.combine(today - timedelta(days=10), datetime.min.time(), OSLO)
    Reservation.objects.create(
        item=item,
        unit=item.units.first(),
        borrower=borrower,
        start=start,
        end=start + timedelta(days=5),
        status="returned",
    )
    query = {
        "start": (today - timedelta(days=10)).isoformat(),
        "end": (today - timedelta(days=1)).isoformat(),
    }
    response = login(staff).get(f"/en/laan/sentral/{hub.slug}/rapporter/", query)
    # 5 of 10 days on one of two units: a quarter.
    assert 'data-share="0.2500"' in response.content.decode()


def test_a_report_period_that_ends_before_it_starts_is_a_400(hub, staff):
    response = login(staff).get(
        f"/en/laan/sentral/{hub.slug}/rapporter/", {"start": "2026-05-10", "end": "2026-05-01"}
    )
    assert (
        response.status_code == 400 and "The end must be on or after the start." in response.content.decode()
    )


def test_reports_and_csv_are_only_for_that_hubs_staff(hub, borrower):
    other_staff = UserFactory()
    make_hub("Bekkestua utlån", staff=[other_staff])
    overdue_loan(make_item(hub=hub), borrower)
    for person in (other_staff, borrower):
        client = login(person)
        assert client.get(f"/en/laan/sentral/{hub.slug}/rapporter/").status_code == 403
        assert client.get(f"/en/laan/sentral/{hub.slug}/rapporter/forsinket.csv").status_code == 403
        assert (
            client.post(
                f"/en/laan/sentral/{hub.slug}/enhet/{hub.items.first().units.first().pk}/reparert/"
            ).status_code
            == 403
        )
    anonymous = login(borrower)
    anonymous.logout()
    assert anonymous.get(f"/en/laan/sentral/{hub.slug}/rapporter/forsinket.csv").status_code == 302


def test_a_repaired_unit_lends_again(hub, staff):
    item = make_item(hub=hub)
    unit = item.units.get()
    Unit.objects.filter(pk=unit.pk).update(status=Unit.Status.IN_REPAIR)
    Item.objects.filter(pk=item.pk).update(status=Item.Status.IN_REPAIR)
    response = login(staff).post(f"/en/laan/sentral/{hub.slug}/enhet/{unit.pk}/reparert/")
    assert response.status_code == 302
    assert (
        Unit.objects.get(pk=unit.pk).status == "available"
        and Item.objects.get(pk=item.pk).status == "available"
    )
