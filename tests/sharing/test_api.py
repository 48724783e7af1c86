"""The lending API as API.md describes it: items, availability, reservations (201 / 409 / 400),
cancellation, and that nobody sees or cancels someone else's booking."""

import json
from datetime import timedelta

import pytest
from django.test import Client

from sharing.models import Reservation
from tests.factories import UserFactory
from tests.sharing.conftest import days_ahead, make_hub, make_item
from tests.support import login

pytestmark = pytest.mark.usefixtures("places")
EN = {"accept-language": "en"}


def reserve(client, item, start, end, **extra):
    body = {"start": start.isoformat(), "end": end.isoformat(), **extra}
    return client.post(
        f"/api/v1/items/{item.pk}/reservations", json.dumps(body), content_type="application/json", headers=EN
    )


def test_booking_returns_201_and_a_second_overlapping_one_409_with_the_next_free_period(hub, borrower):
    item = make_item(hub=hub)
    first = reserve(login(borrower), item, days_ahead(2), days_ahead(3))
    assert first.status_code == 201, first.content
    assert first.json() | {"id": 0} == {
        "id": 0,
        "item": item.pk,
        "start": first.json()["start"],
        "end": first.json()["end"],
        "status": "confirmed",
    }
    second = reserve(login(UserFactory()), item, days_ahead(2) + timedelta(hours=3), days_ahead(3))
    assert second.status_code == 409
    body = second.json()
    assert "No Havkajakk is free" in body["detail"]
    assert body["next_free"]["start"].startswith(days_ahead(3).isoformat()[:16])


def test_approval_items_answer_pending(hub, borrower):
    item = make_item(hub=hub, requires_approval=True)
    response = reserve(login(borrower), item, days_ahead(2), days_ahead(3))
    assert response.status_code == 201
    assert response.json()["status"] == "pending"


def test_times_without_an_offset_are_oslo_time(hub, borrower):
    item = make_item(hub=hub)
    day = days_ahead(30).date()
    response = login(borrower).post(
        f"/api/v1/items/{item.pk}/reservations",
        json.dumps({"start": f"{day}T10:00", "end": f"{day}T14:00"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["start"].endswith(("+01:00", "+02:00"))
    assert response.json()["start"][11:16] == "10:00"


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("tomorrow", "2030-01-01T10:00", "start"),
        ("2030-01-01T10:00", "2030-01-01T09:00", "end"),
        ("2020-01-01T10:00", "2020-01-02T10:00", "start"),
        ("2030-01-01T10:00+01:00", "2030-02-01T10:00+01:00", "end"),
        ("2030-13-01T10:00", "2030-01-02T10:00", "start"),
        ("x" * 10_000, "2030-01-02T10:00", "start"),
    ],
)
def test_bad_periods_are_400_with_the_field(hub, borrower, start, end, field):
    item = make_item(hub=hub)
    response = login(borrower).post(
        f"/api/v1/items/{item.pk}/reservations",
        json.dumps({"start": start, "end": end}),
        content_type="application/json",
        headers=EN,
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Reservation.objects.exists()


def test_booking_needs_a_signed_in_user_and_csrf_for_the_session(hub, borrower):
    item = make_item(hub=hub)
    assert reserve(Client(), item, days_ahead(2), days_ahead(3)).status_code == 401
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(borrower)
    assert reserve(strict, item, days_ahead(2), days_ahead(3)).status_code in (401, 403)
    assert not Reservation.objects.exists()


def test_unknown_item_is_404(borrower):
    response = login(borrower).post(
        "/api/v1/items/999999/reservations",
        json.dumps({"start": "2030-01-01T10:00", "end": "2030-01-02T10:00"}),
        content_type="application/json",
    )
    assert response.status_code == 404


def test_availability_lists_the_periods_when_no_unit_is_free(hub, borrower):
    item = make_item(hub=hub, units=2)
    reserve(login(borrower), item, days_ahead(2), days_ahead(4))
    reserve(login(UserFactory()), item, days_ahead(3), days_ahead(5))
    day = days_ahead(1).date()
    response = Client().get(
        f"/api/v1/items/{item.pk}/availability", {"from": str(day), "to": str(day + timedelta(days=9))}
    )
    assert response.status_code == 200
    busy = response.json()["busy"]
    assert len(busy) == 1  # both units are booked only while the two bookings overlap
    assert busy[0]["start"].startswith(days_ahead(3).isoformat()[:16])
    assert busy[0]["end"].startswith(days_ahead(4).isoformat()[:16])


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2030-01-01"},
        {"from": "junk", "to": "2030-01-02"},
        {"from": "2030-01-01", "to": "2032-01-01"},
    ],
)
def test_bad_availability_windows_are_400(hub, params):
    item = make_item(hub=hub)
    assert Client().get(f"/api/v1/items/{item.pk}/availability", params).status_code == 400


def test_item_search_by_free_period_category_hub_and_radius(hub, borrower):
    kayak = make_item(hub=hub, title="Kajakk med åre", units=1)
    bike = make_item(hub=hub, title="Elsykkel", category="e-bikes", units=3)
    sandvika = make_hub("Sandvika utlån", lat=59.8910, lon=10.5230)
    tent = make_item(hub=sandvika, title="Telt for fire", category="camping-hiking")
    reserve(login(borrower), kayak, days_ahead(5, 0), days_ahead(7, 0))

    def titles(**params):
        response = Client().get("/api/v1/items", params)
        assert response.status_code == 200, response.content
        return [r["title"] for r in response.json()["results"]]

    free = str(days_ahead(5).date()), str(days_ahead(6).date())
    assert sorted(titles(available_from=free[0], available_to=free[1])) == ["Elsykkel", "Telt for fire"]
    assert sorted(titles()) == ["Elsykkel", "Kajakk med åre", "Telt for fire"]
    assert titles(category="bikes") == ["Elsykkel"]
    assert sorted(titles(hub=hub.slug)) == ["Elsykkel", "Kajakk med åre"]
    assert titles(q="kajak") == ["Kajakk med åre"]  # typo-tolerant like listings
    near = titles(near="59.8915,10.5235", radius_km="2")
    assert near == ["Telt for fire"]
    body = Client().get("/api/v1/items", {"near": "59.8915,10.5235", "radius_km": "20"}).json()
    first = body["results"][0]
    assert first["title"] == "Telt for fire"
    assert first["hub"] == {"id": sandvika.pk, "name": "Sandvika utlån"}
    assert first["units"] == 1 and first["distance_km"] is not None
    assert {r["id"]: r["units"] for r in body["results"]}[bike.pk] == 3
    assert tent.pk in {r["id"] for r in body["results"]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"category": "nope"}, "category"),
        ({"hub": "nowhere"}, "hub"),
        ({"available_from": "2030-01-01"}, "available_to"),
        ({"available_from": "2030-01-05", "available_to": "2030-01-01"}, "available_to"),
        ({"near": "91,10"}, "near"),
    ],
)
def test_bad_item_search_parameters_are_400(db, params, field):
    response = Client().get("/api/v1/items", params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_personal_items_show_the_owner_name_and_a_fuzzed_point(borrower):
    owner = UserFactory(profile__display_name="Nabo-Nina")
    item = make_item(owner=owner, title="Tilhenger", category="tools")
    result = Client().get(f"/api/v1/items/{item.pk}").json()
    assert result["owner"] == {"display_name": "Nabo-Nina"} and result["hub"] is None
    assert result["requires_approval"] is True
    assert (result["lat"], result["lon"]) != (round(item.location.y, 5), round(item.location.x, 5))


def test_the_borrower_cancels_and_nobody_else_can(hub, borrower):
    item = make_item(hub=hub)
    booking = reserve(login(borrower), item, days_ahead(2), days_ahead(3)).json()
    stranger = login(UserFactory())
    assert stranger.delete(f"/api/v1/reservations/{booking['id']}").status_code == 404
    assert login(borrower).delete(f"/api/v1/reservations/{booking['id']}").status_code == 204
    assert Reservation.objects.get(pk=booking["id"]).status == "cancelled"
    # Cancelling twice is a conflict, not a 500.
    assert login(borrower).delete(f"/api/v1/reservations/{booking['id']}").status_code == 409


def test_hub_staff_may_cancel_a_booking_at_their_hub(hub, staff, borrower):
    item = make_item(hub=hub)
    booking = reserve(login(borrower), item, days_ahead(2), days_ahead(3)).json()
    assert login(staff).delete(f"/api/v1/reservations/{booking['id']}").status_code == 204


def test_my_reservations_lists_only_mine(hub, borrower):
    item = make_item(hub=hub, units=2)
    reserve(login(borrower), item, days_ahead(2), days_ahead(3))
    reserve(login(UserFactory()), item, days_ahead(2), days_ahead(3))
    body = login(borrower).get("/api/v1/reservations").json()
    assert body["count"] == 1


def test_hubs_are_listed_with_location(hub):
    body = Client().get("/api/v1/hubs").json()
    assert body["count"] == 1
    assert body["results"][0]["name"] == hub.name
    assert (body["results"][0]["lat"], body["results"][0]["lon"]) == (59.896, 10.627)


def test_waitlist_join_by_api_only_when_full(hub, borrower):
    item = make_item(hub=hub)
    body = {"start": days_ahead(2).isoformat(), "end": days_ahead(3).isoformat()}
    client = login(UserFactory())

    def join():
        return client.post(
            f"/api/v1/items/{item.pk}/waitlist", json.dumps(body), content_type="application/json", headers=EN
        )

    assert join().status_code == 409  # free: book it instead
    reserve(login(borrower), item, days_ahead(2), days_ahead(3))
    created = join()
    assert created.status_code == 201 and created.json()["status"] == "waiting"
    assert join().status_code == 409  # once per period


def test_extend_by_api(hub, borrower):
    item = make_item(hub=hub, max_loan_days=5)
    booking = reserve(login(borrower), item, days_ahead(2), days_ahead(3)).json()

    def extend(client, end):
        return client.post(
            f"/api/v1/reservations/{booking['id']}/extend",
            json.dumps({"end": end.isoformat()}),
            content_type="application/json",
            headers=EN,
        )

    assert extend(login(UserFactory()), days_ahead(4)).status_code == 404
    response = extend(login(borrower), days_ahead(4))
    assert response.status_code == 200 and response.json()["end"].startswith(days_ahead(4).isoformat()[:16])
    assert extend(login(borrower), days_ahead(9)).status_code == 400  # longer than 5 days
