"""Lending in HTML: the item list with each filter, the item page and its calendar, the booking
form (success, 409 with the next free period, 400s, sign-in, CSRF), my loans with cancellation,
and the hub staff screen with its authorisation and decisions."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from sharing.models import Reservation, WaitlistEntry
from sharing.selectors import DayState, day_availability
from tests.factories import UserFactory
from tests.sharing.conftest import OSLO, days_ahead, make_hub, make_item, oslo
from tests.support import login

pytestmark = pytest.mark.usefixtures("places", "site")


def book(item, borrower, start, end, *, status=Reservation.Status.CONFIRMED, unit=None):
    """A reservation as it stands in the database (past or present, any status)."""
    return Reservation.objects.create(
        item=item, unit=unit or item.units.first(), borrower=borrower, start=start, end=end, status=status
    )


def html_of(response) -> str:
    return response.content.decode()


def form_data(start: datetime, end: datetime, **extra) -> dict:
    return {
        "start_date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_date": end.date().isoformat(),
        "end_time": end.strftime("%H:%M"),
        **extra,
    }


# --- The list ----------------------------------------------------------------------------------


def test_list_shows_every_item_with_its_hub_or_a_neighbour(client, hub, borrower):
    make_item(hub=hub, title="Havkajakk", units=3)
    make_item(owner=borrower, title="Stikksag", category="tools")
    response = client.get("/en/laan/")
    assert response.status_code == 200
    html = html_of(response)
    assert "Havkajakk" in html and "Stikksag" in html
    assert "Fornebu utlånssentral" in html and "A neighbour's" in html
    assert "3 units" in html


def test_list_filters_by_text(client, hub):
    make_item(hub=hub, title="Havkajakk")
    make_item(hub=hub, title="Elsykkel", category="bicycles")
    html = html_of(client.get("/en/laan/", {"q": "kajakk"}))
    assert "Havkajakk" in html and "Elsykkel" not in html


def test_list_filters_by_category(client, hub):
    make_item(hub=hub, title="Havkajakk")
    make_item(hub=hub, title="Elsykkel", category="bicycles")
    html = html_of(client.get("/en/laan/", {"category": "bicycles"}))
    assert "Elsykkel" in html and "Havkajakk" not in html


def test_list_filters_by_hub(client, hub):
    other = make_hub("Sandvika utlånssentral", lat=59.8913, lon=10.5256)
    make_item(hub=hub, title="Havkajakk")
    make_item(hub=other, title="Lastesykkel", category="bicycles")
    html = html_of(client.get("/en/laan/", {"hub": other.slug}))
    assert "Lastesykkel" in html and "Havkajakk" not in html


def test_list_filters_by_a_unit_free_for_the_whole_period(client, hub, borrower):
    taken = make_item(hub=hub, title="Havkajakk")
    make_item(hub=hub, title="Robåt")
    book(taken, borrower, days_ahead(5, 0), days_ahead(7, 0))
    day = days_ahead(5).date().isoformat()
    html = html_of(client.get("/en/laan/", {"available_from": day, "available_to": day}))
    assert "Robåt" in html and "Havkajakk" not in html
    assert f"/laan/{taken.pk + 1}/?month={day[:7]}#calendar" in html  # opens on that month


def test_list_filters_by_place_and_radius_and_shows_the_distance(client, hub):
    far = make_hub("Bekkestua utlånssentral", lat=59.9186, lon=10.5880)
    make_item(hub=hub, title="Havkajakk")
    make_item(hub=far, title="Telt", category="camping-hiking")
    html = html_of(client.get("/en/laan/", {"place": "Fornebu", "radius_km": "2"}))
    assert "Havkajakk" in html and "Telt" not in html
    assert "km away" in html


def test_list_pages_twenty_at_a_time(client, hub):
    for n in range(21):
        make_item(hub=hub, title=f"Hammer {n:02d}", category="tools")
    first = html_of(client.get("/en/laan/"))
    assert "21 things to borrow" in first and 'rel="next"' in first and "page=2" in first
    second = html_of(client.get("/en/laan/", {"page": "2"}))
    assert "Hammer 20" in second and "Hammer 00" not in second


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"near": "garbage"}, 400, "LAT,LON"),
        ({"place": "Atlantis"}, 404, ""),
        ({"category": "no-such-thing"}, 400, "Unknown category"),
        ({"hub": "nowhere"}, 400, "Unknown lending hub"),
        ({"available_from": "2030-01-05"}, 400, "Give both the start and the end"),
        ({"available_from": "tomorrow", "available_to": "2030-01-05"}, 400, "Give a date or a time"),
        ({"available_from": "2030-01-05", "available_to": "2030-01-01"}, 400, "The end must be after"),
    ],
)
def test_bad_search_parameters_are_form_errors_not_500(client, db, params, status, message):
    response = client.get("/en/laan/", params)
    assert response.status_code == status
    html = html_of(response)
    assert "The search could not be run" in html and message in html


def test_header_links_to_lending(client, db):
    assert 'href="/en/laan/"' in html_of(client.get("/en/gis-bort/"))


# --- The item page -----------------------------------------------------------------------------


def test_detail_shows_the_terms_the_hub_and_a_photo_placeholder(client, db, staff):
    hub = make_hub(staff=[staff], rules="Lever tørt og rent.", email="utlan@example.test")
    item = make_item(
        hub=hub,
        units=6,
        description="Stabil turkajakk.",
        deposit="200 kr i depositum",
        age_limit=16,
        required_proof="våttkort",
        pledge="Plukk søppel fra fjorden",
        accessories=("åre", "vest"),
    )
    response = client.get(f"/en/laan/{item.pk}/")
    assert response.status_code == 200
    html = html_of(response)
    for text in (
        "Stabil turkajakk.",
        "200 kr i depositum",
        "16 years or older",
        "våttkort",
        "Plukk søppel fra fjorden",
        "åre",
        "vest",
        "6 identical units to lend",
        "Forneburingen 1",
        "Lever tørt og rent.",
        "No photo yet",
    ):
        assert text in html, text


def test_the_owner_of_a_personal_item_is_not_offered_to_book_it(borrower):
    item = make_item(owner=borrower, title="Stikksag", category="tools")
    html = html_of(login(borrower).get(f"/en/laan/{item.pk}/"))
    assert "This is your own item" in html and 'class="ds-button" data-variant="primary"' not in html


def test_detail_of_a_retired_item_is_404(client, hub):
    item = make_item(hub=hub)
    item.status = "retired"
    item.save(update_fields=["status"])
    assert client.get(f"/en/laan/{item.pk}/").status_code == 404


def _state_by_day(days) -> dict[int, str]:
    return {d.day.day: d.state for d in days}


def test_calendar_marks_a_booked_day_exactly_on_the_autumn_clock_change(hub, borrower):
    """31 October 2027 has 25 hours: a booking of the 30th and 31st (local midnights) must not
    spill into 1 November, nor leave the last hour of the 31st free."""
    item = make_item(hub=hub)
    book(item, borrower, oslo(2027, 10, 30), oslo(2027, 11, 1))
    october = _state_by_day(day_availability(item, 2027, 10, today=date(2027, 1, 1)))
    assert (october[29], october[30], october[31]) == (DayState.FREE, DayState.BOOKED, DayState.BOOKED)
    november = _state_by_day(day_availability(item, 2027, 11, today=date(2027, 1, 1)))
    assert november[1] == DayState.FREE


def test_calendar_marks_a_booked_day_exactly_on_the_spring_clock_change(hub, borrower):
    """28 March 2027 has 23 hours."""
    item = make_item(hub=hub)
    book(item, borrower, oslo(2027, 3, 28), oslo(2027, 3, 29))
    march = _state_by_day(day_availability(item, 2027, 3, today=date(2027, 1, 1)))
    assert (march[27], march[28], march[29]) == (DayState.FREE, DayState.BOOKED, DayState.FREE)


def test_calendar_free_partly_and_booked_with_two_units(hub, borrower):
    item = make_item(hub=hub, units=2)
    first, second = item.units.all()
    # The 4th: one unit all day, the other is untouched -> free.
    book(item, borrower, oslo(2027, 10, 4), oslo(2027, 10, 5), unit=first)
    # The 5th: one unit all day, the other 10-14 -> partly.
    book(item, borrower, oslo(2027, 10, 5), oslo(2027, 10, 6), unit=first)
    book(item, borrower, oslo(2027, 10, 5, 10), oslo(2027, 10, 5, 14), unit=second)
    # The 6th: both units all day -> booked; a cancelled booking frees nothing and takes nothing.
    book(item, borrower, oslo(2027, 10, 6), oslo(2027, 10, 7), unit=first)
    book(item, borrower, oslo(2027, 10, 6), oslo(2027, 10, 7), unit=second)
    book(item, borrower, oslo(2027, 10, 8), oslo(2027, 10, 9), status=Reservation.Status.CANCELLED)
    # The 10th: the units busy in turn (morning / afternoon), so no moment without a free unit,
    # but neither is free all day -> partly.
    book(item, borrower, oslo(2027, 10, 10), oslo(2027, 10, 10, 12), unit=first)
    book(item, borrower, oslo(2027, 10, 10, 12), oslo(2027, 10, 11), unit=second)
    days = _state_by_day(day_availability(item, 2027, 10, today=date(2027, 10, 2)))
    assert days[1] == DayState.PAST
    assert (days[4], days[5], days[6], days[8], days[10]) == (
        DayState.FREE,
        DayState.PARTLY,
        DayState.BOOKED,
        DayState.FREE,
        DayState.PARTLY,
    )
    assert len(days) == 31


def _next_october(today: date) -> date:
    year = today.year if today.month < 10 else today.year + 1
    return date(year, 10, 1)


def test_calendar_page_is_a_table_with_booking_links_for_free_days(client, hub, borrower):
    item = make_item(hub=hub)
    october = _next_october(timezone.localdate())
    year = october.year
    book(item, borrower, oslo(year, 10, 30), oslo(year, 11, 1))
    response = client.get(f"/en/laan/{item.pk}/", {"month": f"{year}-10"})
    assert response.status_code == 200
    html = html_of(response)
    assert f"<caption>Availability in October {year}</caption>" in html
    assert '<th scope="col"><abbr title="Monday">Mon</abbr></th>' in html
    assert f"/en/laan/{item.pk}/reserver/?start_date={year}-10-29" in html
    assert f"start_date={year}-10-30" not in html and f"start_date={year}-10-31" not in html
    assert html.count("calendar__day--booked") == 2 + 1  # the two days and the legend
    assert f"?month={year}-11#calendar" in html


def test_calendar_month_outside_the_range_or_unreadable_shows_this_month(client, hub):
    item = make_item(hub=hub)
    this_month = timezone.localdate().strftime("%B %Y")
    for month in ("garbage", "1999-01", "2026-13", "9" * 30, "9" * 30 + "-01", "-1-01"):
        response = client.get(f"/en/laan/{item.pk}/", {"month": month})
        assert response.status_code == 200
        assert f"Availability in {this_month}" in html_of(response)
    assert 'rel="prev"' not in html_of(client.get(f"/en/laan/{item.pk}/"))


# --- Booking -----------------------------------------------------------------------------------


def test_booking_needs_sign_in(client, hub):
    item = make_item(hub=hub)
    for response in (client.get(f"/laan/{item.pk}/reserver/"), client.post(f"/laan/{item.pk}/reserver/", {})):
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/login/?next=/laan/")
    assert not Reservation.objects.exists()


def test_booking_form_is_prefilled_from_the_calendar_link(hub, borrower):
    item = make_item(hub=hub, pledge="Plukk søppel", required_proof="våttkort")
    html = html_of(login(borrower).get(f"/en/laan/{item.pk}/reserver/", {"start_date": "2030-06-01"}))
    assert 'value="2030-06-01"' in html and 'value="10:00"' in html and 'value="2030-06-02"' in html
    assert "I accept the pledge" in html and "I have: våttkort" in html


def test_booking_form_for_today_starts_after_now(hub, borrower):
    item = make_item(hub=hub)
    now = timezone.localtime()
    expected = "10:00" if now.hour < 10 else f"{min(now.hour + 1, 23):02d}:00"
    html = html_of(login(borrower).get(f"/en/laan/{item.pk}/reserver/", {"start_date": now.date()}))
    assert f'name="start_time" value="{expected}"' in html


def test_booking_by_form_in_oslo_time_redirects_to_my_loans(hub, borrower):
    item = make_item(hub=hub, pledge="Plukk søppel")
    start, end = days_ahead(3, 9), days_ahead(4, 17)
    client = login(borrower)
    response = client.post(f"/en/laan/{item.pk}/reserver/", form_data(start, end, pledge_accepted="on"))
    assert response.status_code == 302 and response["Location"] == "/en/laan/mine/"
    reservation = Reservation.objects.get()
    assert (reservation.start, reservation.end) == (start, end)
    assert reservation.status == "confirmed" and reservation.pledge_accepted
    mine = html_of(client.get("/en/laan/mine/"))
    assert "It is confirmed" in mine and "Havkajakk" in mine


def test_booking_an_item_needing_approval_says_so(hub, borrower):
    item = make_item(hub=hub, requires_approval=True)
    client = login(borrower)
    client.post(f"/en/laan/{item.pk}/reserver/", form_data(days_ahead(3), days_ahead(4)))
    assert Reservation.objects.get().status == "pending"
    assert "The lender will approve it" in html_of(client.get("/en/laan/mine/"))


def test_booking_across_the_autumn_clock_change_keeps_local_times(hub, borrower):
    item = make_item(hub=hub, max_loan_days=7)
    year = _next_october(timezone.localdate()).year
    start, end = datetime(year, 10, 30, 10, tzinfo=OSLO), datetime(year, 11, 1, 10, tzinfo=OSLO)
    response = login(borrower).post(f"/en/laan/{item.pk}/reserver/", form_data(start, end))
    assert response.status_code == 302
    reservation = Reservation.objects.get()
    assert timezone.localtime(reservation.start).hour == 10 == timezone.localtime(reservation.end).hour
    assert reservation.end - reservation.start == timedelta(hours=49)


def test_a_taken_period_is_409_with_the_next_free_period_and_a_one_click_booking(hub, borrower):
    item = make_item(hub=hub)
    book(item, UserFactory(), days_ahead(3, 10), days_ahead(5, 10))
    client = login(borrower)
    response = client.post(f"/en/laan/{item.pk}/reserver/", form_data(days_ahead(4, 10), days_ahead(6, 10)))
    assert response.status_code == 409
    html = html_of(response)
    assert "No Havkajakk is free for that period" in html
    assert "The next free period" in html
    suggested = days_ahead(5, 10)
    link = (
        f"/en/laan/{item.pk}/reserver/?start_date={suggested.date()}&amp;start_time=10%3A00"
        f"&amp;end_date={days_ahead(7).date()}&amp;end_time=10%3A00"
    )
    assert link in html
    assert "Book this period instead" in html
    # The one-click form carries the suggested period.
    suggestion_box = html.split('id="suggestion-heading"')[1].split("</section>")[0]
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', suggestion_box))
    hidden.pop("csrfmiddlewaretoken")
    assert hidden == {
        "start_date": str(suggested.date()),
        "start_time": "10:00",
        "end_date": str(days_ahead(7).date()),
        "end_time": "10:00",
    }
    again = client.post(f"/en/laan/{item.pk}/reserver/", hidden)
    assert again.status_code == 302
    assert Reservation.objects.filter(borrower=borrower, start=suggested).exists()


def test_the_one_click_form_keeps_the_accepted_pledge(hub, borrower):
    item = make_item(hub=hub, pledge="Plukk søppel", required_proof="våttkort")
    book(item, UserFactory(), days_ahead(3, 10), days_ahead(5, 10))
    response = login(borrower).post(
        f"/en/laan/{item.pk}/reserver/",
        form_data(days_ahead(4), days_ahead(5), pledge_accepted="on", proof_confirmed="on"),
    )
    assert response.status_code == 409
    html = html_of(response)
    assert '<input type="hidden" name="pledge_accepted" value="on">' in html
    assert '<input type="hidden" name="proof_confirmed" value="on">' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (form_data(days_ahead(4), days_ahead(3)), "The end must be after the start."),
        (form_data(days_ahead(-2), days_ahead(1)), "The start is in the past."),
        (form_data(days_ahead(2), days_ahead(30)), "at most 7 days"),
        (
            {"start_date": "2030-02-30", "start_time": "10:00", "end_date": "", "end_time": "25:00"},
            "valid date",
        ),
    ],
)
def test_bad_periods_are_400_with_a_message(hub, borrower, data, message):
    item = make_item(hub=hub)
    response = login(borrower).post(f"/en/laan/{item.pk}/reserver/", data)
    assert response.status_code == 400
    assert message in html_of(response)
    assert not Reservation.objects.exists()


def test_a_time_skipped_by_the_spring_clock_change_is_400(hub, borrower):
    item = make_item(hub=hub)
    year = timezone.localdate().year + 1
    march_end = date(year, 3, 31)
    change = march_end - timedelta(days=(march_end.weekday() + 1) % 7)  # the last Sunday
    start = datetime.combine(change, time(2, 30))
    response = login(borrower).post(
        f"/en/laan/{item.pk}/reserver/",
        {"start_date": change, "start_time": "02:30", "end_date": change, "end_time": "12:00"},
    )
    assert response.status_code == 400
    assert f"{start:%H:%M} does not exist that day" in html_of(response)


def test_the_pledge_and_the_proof_must_be_confirmed(hub, borrower):
    item = make_item(hub=hub, pledge="Plukk søppel", required_proof="våttkort")
    client = login(borrower)
    response = client.post(f"/en/laan/{item.pk}/reserver/", form_data(days_ahead(2), days_ahead(3)))
    assert response.status_code == 400 and "Accept the pledge" in html_of(response)
    response = client.post(
        f"/en/laan/{item.pk}/reserver/", form_data(days_ahead(2), days_ahead(3), pledge_accepted="on")
    )
    assert response.status_code == 400 and "Confirm that you have: våttkort" in html_of(response)


def test_booking_ones_own_item_is_refused(borrower):
    item = make_item(owner=borrower)
    response = login(borrower).post(f"/en/laan/{item.pk}/reserver/", form_data(days_ahead(2), days_ahead(3)))
    assert response.status_code == 400 and "This is your own item." in html_of(response)


def test_booking_without_the_csrf_token_is_refused(hub, borrower):
    item = make_item(hub=hub)
    client = Client(enforce_csrf_checks=True)
    client.force_login(borrower)
    response = client.post(f"/laan/{item.pk}/reserver/", form_data(days_ahead(2), days_ahead(3)))
    assert response.status_code == 403
    assert not Reservation.objects.exists()
    assert 'name="csrfmiddlewaretoken"' in html_of(client.get(f"/laan/{item.pk}/reserver/"))


# --- My loans ----------------------------------------------------------------------------------


def test_my_loans_groups_by_status_and_shows_only_mine(hub, borrower):
    item = make_item(hub=hub, units=5)
    units = list(item.units.all())
    book(item, borrower, days_ahead(2), days_ahead(3), unit=units[0])
    book(item, borrower, days_ahead(-1), days_ahead(1), status="checked_out", unit=units[1])
    book(item, borrower, days_ahead(-9), days_ahead(-8), status="returned", unit=units[2])
    book(item, borrower, days_ahead(4), days_ahead(5), status="cancelled", unit=units[3])
    book(item, UserFactory(), days_ahead(6), days_ahead(7), unit=units[4])
    html = html_of(login(borrower).get("/en/laan/mine/"))
    for section, status in (
        ("upcoming", "Confirmed"),
        ("borrowed", "Borrowed"),
        ("past", "Returned"),
        ("cancelled", "Cancelled"),
    ):
        part = html.split(f'id="{section}"')[1].split("</section>")[0]
        assert status in part and part.count('class="ds-card reservation"') == 1, section
    assert html.count("Cancel the booking") == 1


def test_my_loans_needs_sign_in(client, db):
    response = client.get("/laan/mine/")
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_cancel_own_booking(hub, borrower):
    item = make_item(hub=hub)
    reservation = book(item, borrower, days_ahead(2), days_ahead(3))
    client = login(borrower)
    assert client.get(f"/laan/mine/{reservation.pk}/avbestill/").status_code == 405
    response = client.post(f"/en/laan/mine/{reservation.pk}/avbestill/")
    assert response.status_code == 302 and response["Location"] == "/en/laan/mine/"
    reservation.refresh_from_db()
    assert reservation.status == "cancelled"
    assert "is cancelled" in html_of(client.get("/en/laan/mine/"))


def test_cancelling_someone_elses_booking_is_404(hub, borrower):
    item = make_item(hub=hub)
    reservation = book(item, UserFactory(), days_ahead(2), days_ahead(3))
    assert login(borrower).post(f"/laan/mine/{reservation.pk}/avbestill/").status_code == 404
    reservation.refresh_from_db()
    assert reservation.status == "confirmed"


def test_a_borrowed_item_cannot_be_cancelled(hub, borrower):
    item = make_item(hub=hub)
    reservation = book(item, borrower, days_ahead(-1), days_ahead(1), status="checked_out")
    client = login(borrower)
    client.post(f"/en/laan/mine/{reservation.pk}/avbestill/")
    reservation.refresh_from_db()
    assert reservation.status == "checked_out"
    assert "Only a booking that has not been picked up" in html_of(client.get("/en/laan/mine/"))


# --- The hub's staff screen --------------------------------------------------------------------


def test_staff_screen_needs_sign_in(client, hub):
    response = client.get(f"/laan/sentral/{hub.slug}/")
    assert response.status_code == 302 and response["Location"].startswith(
        "/konto/login/?next=/laan/sentral/"
    )


def test_staff_screen_is_403_for_other_hubs_staff_and_borrowers(hub, borrower):
    other_staff = UserFactory()
    make_hub("Sandvika utlånssentral", staff=[other_staff])
    refused = login(other_staff).get(f"/en/laan/sentral/{hub.slug}/")
    assert refused.status_code == 403 and "Not allowed" in html_of(refused)
    assert login(borrower).get(f"/laan/sentral/{hub.slug}/").status_code == 403
    assert login(other_staff).get("/laan/sentral/no-such-hub/").status_code == 404


def test_staff_screen_lists_approvals_pickups_and_returns(hub, staff, borrower):
    item = make_item(hub=hub, units=4, requires_approval=True)
    units = list(item.units.all())
    now = timezone.localtime()
    today_start = timezone.make_aware(datetime.combine(now.date(), time()))
    book(item, borrower, days_ahead(5), days_ahead(6), status="pending", unit=units[0])
    book(item, borrower, today_start + timedelta(hours=23), days_ahead(2), unit=units[1])
    book(
        item,
        borrower,
        days_ahead(-2),
        today_start + timedelta(minutes=1),
        status="checked_out",
        unit=units[2],
    )
    book(item, borrower, days_ahead(3), days_ahead(4), unit=units[3])  # a later pickup: not today
    response = login(staff).get(f"/en/laan/sentral/{hub.slug}/")
    assert response.status_code == 200
    html = html_of(response)
    assert "Waiting for approval (1)" in html and "Pickups today (1)" in html
    assert "Returns due today or late (1)" in html
    assert "Borrower: Ola" in html and borrower.email in html
    assert units[1].label in html and units[2].label in html


def test_staff_screen_flags_late_returns(hub, staff, borrower):
    item = make_item(hub=hub)
    book(item, borrower, days_ahead(-3), days_ahead(-1), status="checked_out")
    html = html_of(login(staff).get(f"/en/laan/sentral/{hub.slug}/"))
    assert "Returns due today or late (1)" in html and ">Late</strong>" in html


def test_staff_approve_and_reject(hub, staff, borrower):
    item = make_item(hub=hub, units=2, requires_approval=True)
    first = book(item, borrower, days_ahead(2), days_ahead(3), status="pending")
    second = book(item, borrower, days_ahead(2), days_ahead(3), status="pending", unit=item.units.last())
    client = login(staff)
    response = client.post(f"/en/laan/sentral/{hub.slug}/reservasjon/{first.pk}/", {"decision": "approve"})
    assert response.status_code == 302 and response["Location"] == f"/en/laan/sentral/{hub.slug}/"
    client.post(f"/en/laan/sentral/{hub.slug}/reservasjon/{second.pk}/", {"decision": "reject"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.decided_by, second.status) == ("confirmed", staff, "rejected")
    html = html_of(client.get(f"/en/laan/sentral/{hub.slug}/"))
    assert "Rejected: Havkajakk for Ola" in html and "Waiting for approval (0)" in html


def test_deciding_is_for_this_hubs_staff_only(hub, borrower):
    item = make_item(hub=hub, requires_approval=True)
    reservation = book(item, borrower, days_ahead(2), days_ahead(3), status="pending")
    other_staff = UserFactory()
    other = make_hub("Sandvika utlånssentral", staff=[other_staff])
    url = f"/laan/sentral/{hub.slug}/reservasjon/{reservation.pk}/"
    assert login(other_staff).post(url, {"decision": "approve"}).status_code == 403
    assert login(borrower).post(url, {"decision": "approve"}).status_code == 403
    # Through the other hub's own screen the booking does not exist.
    wrong_hub = f"/laan/sentral/{other.slug}/reservasjon/{reservation.pk}/"
    assert login(other_staff).post(wrong_hub, {"decision": "approve"}).status_code == 404
    assert Client().post(url, {"decision": "approve"}).status_code == 302
    reservation.refresh_from_db()
    assert reservation.status == "pending"


# --- A resident's own items --------------------------------------------------------------------


def test_the_owner_approves_a_booking_of_their_own_item(borrower):
    owner = UserFactory(profile__display_name="Nabo Nils")
    item = make_item(owner=owner, title="Stikksag", category="tools")
    client = login(borrower)
    client.post(f"/en/laan/{item.pk}/reserver/", form_data(days_ahead(2), days_ahead(3)))
    reservation = Reservation.objects.get()
    assert reservation.status == "pending"
    owner_client = login(owner)
    assert "Things I lend out" in html_of(owner_client.get("/en/laan/mine/"))
    html = html_of(owner_client.get("/en/laan/utlan/"))
    assert "Waiting for your approval (1)" in html and "Borrower: Ola" in html
    assert borrower.email not in html  # a neighbour sees the name, not the address
    response = owner_client.post(f"/en/laan/utlan/{reservation.pk}/", {"decision": "approve"})
    assert response.status_code == 302 and response["Location"] == "/en/laan/utlan/"
    reservation.refresh_from_db()
    assert reservation.status == "confirmed" and reservation.decided_by == owner
    assert "Booked and lent out (1)" in html_of(owner_client.get("/en/laan/utlan/"))


def test_only_the_owner_decides_on_their_item(borrower):
    owner = UserFactory()
    item = make_item(owner=owner, title="Stikksag", category="tools")
    reservation = book(item, borrower, days_ahead(2), days_ahead(3), status="pending")
    for someone in (borrower, UserFactory()):
        assert (
            login(someone).post(f"/laan/utlan/{reservation.pk}/", {"decision": "approve"}).status_code == 404
        )
    assert Client().get("/laan/utlan/").status_code == 302
    reservation.refresh_from_db()
    assert reservation.status == "pending"


# --- Waitlist: join from a refused booking, offers on my loans -----------------------------------


def test_a_refused_booking_can_join_the_waitlist_for_that_period(hub, borrower):
    item = make_item(hub=hub)
    book(item, UserFactory(), days_ahead(3, 10), days_ahead(5, 10))
    client = login(borrower)
    wanted = form_data(days_ahead(4, 10), days_ahead(5, 10))
    html = html_of(client.post(f"/en/laan/{item.pk}/reserver/", wanted))
    waitlist_box = html.split('id="waitlist-heading"')[1].split("</section>")[0]
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', waitlist_box))
    hidden.pop("csrfmiddlewaretoken")
    assert hidden == wanted
    response = client.post(f"/en/laan/{item.pk}/venteliste/", hidden)
    assert response.status_code == 302 and response["Location"] == "/en/laan/mine/"
    entry = WaitlistEntry.objects.get(user=borrower)
    assert (entry.start, entry.end) == (days_ahead(4, 10), days_ahead(5, 10))
    mine = html_of(client.get("/en/laan/mine/"))
    assert "On the waitlist" in mine and "You are on the waitlist for Havkajakk" in mine
    client.post(f"/en/laan/mine/venteliste/{entry.pk}/forlat/")
    entry.refresh_from_db()
    assert entry.status == "withdrawn"


def test_joining_the_waitlist_when_a_unit_is_free_is_refused_with_a_message(hub, borrower):
    item = make_item(hub=hub)
    client = login(borrower)
    response = client.post(f"/en/laan/{item.pk}/venteliste/", form_data(days_ahead(4), days_ahead(5)))
    assert response.status_code == 302 and "/reserver/?start_date=" in response["Location"]
    assert not WaitlistEntry.objects.exists()
    assert "book it instead" in html_of(client.get(response["Location"]))


def _offer(item, user, **extra):
    hold = book(item, user, days_ahead(4, 10), days_ahead(5, 10), status="held")
    hold.hold_until = timezone.now() + timedelta(hours=12)
    hold.save(update_fields=["hold_until"])
    WaitlistEntry.objects.create(
        item=item, user=user, start=hold.start, end=hold.end, status="offered", offer=hold, **extra
    )
    return hold


@pytest.mark.parametrize(("decision", "status"), [("accept", "confirmed"), ("decline", "cancelled")])
def test_an_offer_from_the_waitlist_is_taken_or_declined_on_my_loans(hub, borrower, decision, status):
    hold = _offer(make_item(hub=hub), borrower)
    client = login(borrower)
    html = html_of(client.get("/en/laan/mine/"))
    assert "Free for you from the waitlist" in html and "Held for you until" in html
    response = client.post(f"/en/laan/mine/tilbud/{hold.pk}/", {"decision": decision})
    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.status == status


def test_someone_elses_offer_is_404(hub, borrower):
    hold = _offer(make_item(hub=hub), UserFactory())
    assert login(borrower).post(f"/laan/mine/tilbud/{hold.pk}/", {"decision": "accept"}).status_code == 404
    hold.refresh_from_db()
    assert hold.status == "held"


# --- Extending loans ---------------------------------------------------------------------------


def test_the_borrower_extends_a_current_loan(hub, borrower):
    item = make_item(hub=hub)
    loan = book(item, borrower, days_ahead(-1), days_ahead(1), status="checked_out")
    client = login(borrower)
    html = html_of(client.get("/en/laan/mine/"))
    assert "Extend the loan" in html and f'value="{days_ahead(2).date()}"' in html
    new_end = days_ahead(3, 12)
    response = client.post(
        f"/en/laan/mine/{loan.pk}/forleng/", {"end_date": new_end.date(), "end_time": "12:00"}
    )
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.end == new_end
    assert "Havkajakk is extended" in html_of(client.get("/en/laan/mine/"))


def test_an_extension_into_someone_elses_booking_is_refused_with_the_reason(hub, borrower):
    item = make_item(hub=hub)
    loan = book(item, borrower, days_ahead(-1), days_ahead(1), status="checked_out")
    book(item, UserFactory(), days_ahead(2), days_ahead(3))
    client = login(borrower)
    client.post(f"/en/laan/mine/{loan.pk}/forleng/", {"end_date": days_ahead(2).date(), "end_time": "12:00"})
    loan.refresh_from_db()
    assert loan.end == days_ahead(1)
    assert "Someone has booked it after you" in html_of(client.get("/en/laan/mine/"))


def test_extending_someone_elses_loan_is_404(hub, borrower):
    loan = book(make_item(hub=hub), UserFactory(), days_ahead(-1), days_ahead(1), status="checked_out")
    response = login(borrower).post(
        f"/laan/mine/{loan.pk}/forleng/", {"end_date": days_ahead(2).date(), "end_time": "10:00"}
    )
    assert response.status_code == 404


def test_extend_all_extends_what_it_can_and_says_why_not_for_the_rest(hub, borrower):
    free, taken = make_item(hub=hub, title="Telt", category="camping-hiking"), make_item(hub=hub)
    first = book(free, borrower, days_ahead(-1), days_ahead(1), status="checked_out")
    second = book(taken, borrower, days_ahead(-1), days_ahead(1), status="checked_out")
    book(taken, UserFactory(), days_ahead(1), days_ahead(2))
    client = login(borrower)
    assert "Extend all" in html_of(client.get("/en/laan/mine/"))
    client.post("/en/laan/mine/forleng-alle/", {"days": "2"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.end, second.end) == (days_ahead(3), days_ahead(1))
    html = html_of(client.get("/en/laan/mine/"))
    assert "Extended: Telt." in html and "Havkajakk: Someone has booked it after you" in html


# --- Opening hours ---------------------------------------------------------------------------------


def test_the_item_page_and_the_booking_form_show_the_hubs_opening_hours(hub, borrower):
    from places.opening_hours import Interval
    from sharing.services import hub_hours_set

    hub_hours_set(hub=hub, intervals=[Interval(day, time(10), time(18)) for day in range(5)])
    item = make_item(hub=hub)
    html = html_of(Client().get(f"/en/laan/{item.pk}/"))
    assert "Opening hours" in html and "Pick up and return while the hub is open." in html
    client = login(borrower)
    assert "When is the hub open?" in html_of(client.get(f"/en/laan/{item.pk}/reserver/"))
    sunday = days_ahead((6 - timezone.localdate().weekday()) % 7 or 7, 12)
    response = client.post(f"/en/laan/{item.pk}/reserver/", form_data(sunday, sunday + timedelta(hours=2)))
    assert response.status_code == 400
    assert "is closed at the pickup time" in html_of(response)


def test_a_hub_without_hours_shows_none(hub):
    html = html_of(Client().get(f"/en/laan/{make_item(hub=hub).pk}/"))
    assert "Opening hours" not in html
