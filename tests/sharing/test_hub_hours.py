"""Pickups and returns at a hub that keeps opening hours happen while it is open; the hours are
edited in the admin and shown in the API."""

from datetime import time, timedelta

import pytest
from django.test import Client

from places.opening_hours import Interval
from sharing.models import HubHoursException
from sharing.services import ReservationError, hub_hours_set, reservation_create, reservation_extend
from tests.factories import StaffFactory
from tests.sharing.conftest import days_ahead, make_item

WEEKDAYS_10_TO_18 = [Interval(day, time(10), time(18)) for day in range(5)]


def next_weekday(n: int, weekday: int, hour: int):
    """A day of the week (0 = Monday) at `hour`, Oslo time, in the `n`th week after the coming
    Monday's week began (so Monday < Tuesday < ... within one `n`)."""
    tomorrow = days_ahead(1, hour)
    monday = (7 - tomorrow.weekday()) % 7 + 1  # days from today to the Monday on or after tomorrow
    return days_ahead(monday + weekday + 7 * (n - 1), hour)


@pytest.fixture
def open_weekdays(hub):
    hub_hours_set(hub=hub, intervals=WEEKDAYS_10_TO_18)
    return hub


def test_pickup_and_return_while_the_hub_is_open(open_weekdays, borrower):
    item = make_item(hub=open_weekdays)
    monday, tuesday = next_weekday(1, 0, 10), next_weekday(1, 1, 18)
    # Pickup at opening time, return exactly at closing time: both fine.
    assert reservation_create(item=item, borrower=borrower, start=monday, end=tuesday)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (lambda: next_weekday(1, 0, 9), lambda: next_weekday(1, 0, 12), "start"),  # before opening
        (lambda: next_weekday(1, 0, 12), lambda: next_weekday(1, 0, 19), "end"),  # after closing
        (
            lambda: next_weekday(1, 5, 12),
            lambda: next_weekday(1, 6, 12) + timedelta(days=1),
            "start",
        ),  # Saturday
    ],
)
def test_times_when_the_hub_is_closed_are_refused_with_the_field(open_weekdays, borrower, start, end, field):
    item = make_item(hub=open_weekdays)
    with pytest.raises(ReservationError) as refused:
        reservation_create(item=item, borrower=borrower, start=start(), end=end())
    assert (refused.value.status, refused.value.field) == (400, field)
    assert "closed" in refused.value.message


def test_a_closed_day_exception_applies(open_weekdays, borrower):
    item = make_item(hub=open_weekdays)
    wednesday = next_weekday(1, 2, 12)
    HubHoursException.objects.create(
        hub=open_weekdays, start_date=wednesday.date(), end_date=wednesday.date(), note="Stengt"
    )
    with pytest.raises(ReservationError, match="closed"):
        reservation_create(item=item, borrower=borrower, start=wednesday, end=wednesday + timedelta(hours=3))


def test_a_hub_without_hours_does_not_limit_times(hub, borrower):
    item = make_item(hub=hub)
    assert reservation_create(item=item, borrower=borrower, start=days_ahead(3, 3), end=days_ahead(3, 5))


def test_an_extension_must_end_while_the_hub_is_open(open_weekdays, borrower):
    item = make_item(hub=open_weekdays, max_loan_days=7)
    booking = reservation_create(
        item=item, borrower=borrower, start=next_weekday(1, 0, 10), end=next_weekday(1, 1, 12)
    )
    with pytest.raises(ReservationError, match="closed at the return time"):
        reservation_extend(reservation=booking, by=borrower, until=next_weekday(1, 1, 20))
    assert reservation_extend(reservation=booking, by=borrower, until=next_weekday(1, 2, 17)).status


def test_hubs_api_shows_the_week_and_whether_it_is_open(open_weekdays):
    result = Client().get("/api/v1/hubs").json()["results"][0]
    assert result["opening_hours"][0] == {"weekday": 0, "opens": "10:00", "closes": "18:00"}
    assert len(result["opening_hours"]) == 5
    assert isinstance(result["open_now"], bool)


def test_the_admin_saves_the_hours(open_weekdays, site, roles):
    from accounts.models import Role
    from accounts.services import user_add_role
    from tests.support import login

    editor = StaffFactory()  # the admin requires MFA
    user_add_role(user=editor, role=Role.EDITOR)
    hub = open_weekdays
    form = {
        "name": hub.name,
        "slug": hub.slug,
        "description": "",
        "address": hub.address,
        "lat": "59.8953",
        "lon": "10.6266",
        "email": "",
        "phone": "",
        "rules": "",
        "max_active_per_user": "3",
        "staff_emails": "",
        "hours_monday": "10–14, 16–20",
        "hours_saturday": "11-15",
    }
    response = login(editor).post(f"/cms/snippets/sharing/hub/edit/{hub.pk}/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert sorted((h.weekday, h.opens, h.closes) for h in hub.weekly_hours.all()) == [
        (0, time(10), time(14)),
        (0, time(16), time(20)),
        (5, time(11), time(15)),
    ]
    bad = login(editor).post(
        f"/cms/snippets/sharing/hub/edit/{hub.pk}/", {**form, "hours_monday": "ti til tolv"}
    )
    assert bad.status_code == 200
    assert hub.weekly_hours.count() == 3
