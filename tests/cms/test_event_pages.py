"""The event index (upcoming/past, by kind), the event page with its registration form, the
organiser's list, iCalendar exports and the admin's page rules."""

from datetime import date, time, timedelta

import icalendar
import pytest
from django.test import Client
from django.utils import timezone, translation
from wagtail.test.utils.form_data import nested_form_data, streamfield

from accounts.models import Role
from accounts.services import roles_ensure, user_add_role
from cms.events.models import EventIndexPage, EventPage, EventRegistration, StationSchedulePage
from cms.events.services import RegistrationData, registration_create
from cms.models import HomePage
from tests.factories import StaffFactory, UserFactory
from tests.factories.events import days_ahead, make_event, make_event_index, oslo
from tests.support import login

Status = EventRegistration.Status


@pytest.fixture
def index(site):
    return make_event_index(site)


def _html(response) -> str:
    return response.content.decode()


# --- page tree rules -------------------------------------------------------------------------


def test_event_pages_live_only_under_an_event_index_under_home(site):
    assert EventIndexPage.can_create_at(site)
    assert StationSchedulePage.can_create_at(site)
    assert not EventPage.can_create_at(site)
    assert EventPage.allowed_parent_page_models() == [EventIndexPage]
    assert "cms.EventPage" in EventIndexPage.subpage_types


def test_an_event_must_end_after_it_starts(index):
    event = EventPage(
        title="Feil",
        kind="municipal",
        start=oslo(days_ahead(3), 12),
        end=oslo(days_ahead(3), 11),
        intro="x",
        organiser="Bærum kommune",
        venue="Rådhuset",
        location=None,
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        event.clean()
    assert "end" in error.value.message_dict


def test_an_event_without_a_point_takes_its_places_centre(index, places):
    from places.models import Place

    sandvika = Place.objects.get(name="Sandvika")
    event = EventPage(
        title="Byttemarked",
        kind="swap_market",
        start=oslo(days_ahead(3), 11),
        end=oslo(days_ahead(3), 14),
        intro="x",
        organiser="Bærum kommune",
        venue="Sandvika storsenter",
        place=sandvika,
    )
    event.clean()
    assert event.location == sandvika.point


def test_an_event_without_point_or_place_is_refused_with_a_message(index):
    from django.core.exceptions import ValidationError

    event = EventPage(
        title="Byttemarked",
        kind="swap_market",
        start=oslo(days_ahead(3), 11),
        end=oslo(days_ahead(3), 14),
        intro="x",
        organiser="Bærum kommune",
        venue="Et sted",
    )
    with translation.override("en"), pytest.raises(ValidationError, match="Choose a place or give"):
        event.clean()


def test_an_editor_creates_an_event_in_the_admin_typing_the_point(index):
    admin = StaffFactory(is_superuser=True, is_staff=True)
    client = login(admin)
    start = days_ahead(10)
    data = nested_form_data(
        {
            "title": "Sykkelservice på Kolsås",
            "slug": "sykkelservice-kolsas",
            "kind": "bike_service",
            "start": f"{start:%Y-%m-%d} 10:00",
            "end": f"{start:%Y-%m-%d} 14:00",
            "intro": "Gratis sjekk av sykkelen.",
            "body": streamfield([]),
            "venue": "Kolsås senter",
            "address": "",
            "place": "",
            "location": "59.9177, 10.5001",
            "organiser": "Bærum kommune",
            "organiser_email": "",
            "organiser_user": "",
            "capacity": "20",
            "action-publish": "publish",
        }
    )
    response = client.post(f"/cms/pages/add/cms/eventpage/{index.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = EventPage.objects.get(slug="sykkelservice-kolsas")
    assert event.live
    assert (round(event.location.y, 4), round(event.location.x, 4)) == (59.9177, 10.5001)
    assert timezone.localtime(event.start).hour == 10


def test_a_bad_point_in_the_admin_is_a_form_error(index):
    client = login(StaffFactory(is_superuser=True, is_staff=True))
    start = days_ahead(10)
    data = nested_form_data(
        {
            "title": "Feil punkt",
            "slug": "feil-punkt",
            "kind": "municipal",
            "start": f"{start:%Y-%m-%d} 10:00",
            "end": f"{start:%Y-%m-%d} 14:00",
            "intro": "x",
            "body": streamfield([]),
            "venue": "Et sted",
            "address": "",
            "place": "",
            "location": "nord for rådhuset",
            "organiser": "Bærum kommune",
            "organiser_email": "",
            "organiser_user": "",
            "capacity": "",
        }
    )
    response = client.post(f"/cms/pages/add/cms/eventpage/{index.pk}/", data)
    assert response.status_code == 200
    assert not EventPage.objects.filter(slug="feil-punkt").exists()


# --- the index ---------------------------------------------------------------------------------


def test_the_index_lists_upcoming_events_soonest_first_and_hides_past_ones(client, index):
    make_event(index, title="Senere kafé", start=oslo(days_ahead(20), 12))
    make_event(index, title="Snart kafé", start=oslo(days_ahead(2), 12))
    make_event(index, title="Gammel kafé", start=timezone.now() - timedelta(days=3))
    make_event(index, title="Kladd", live=False)
    html = _html(client.get(index.url))
    assert html.index("Snart kafé") < html.index("Senere kafé")
    assert "Gammel kafé" not in html and "Kladd" not in html


def test_the_index_shows_past_events_on_request(client, index):
    make_event(index, title="Snart kafé")
    make_event(index, title="Gammel kafé", start=timezone.now() - timedelta(days=3))
    html = _html(client.get(index.url, {"when": "past"}))
    assert "Gammel kafé" in html and "Snart kafé" not in html


def test_the_index_filters_by_kind(client, index):
    make_event(index, title="Fiksekveld på Bekkestua")
    make_event(index, title="Byttemarked i Sandvika", kind="swap_market")
    html = _html(client.get(index.url, {"kind": "swap_market"}))
    assert "Byttemarked i Sandvika" in html and "Fiksekveld på Bekkestua" not in html


def test_an_unknown_kind_is_a_400_with_the_message(client, index):
    response = client.get(index.url, {"kind": "rave"})
    assert response.status_code == 400
    assert 'role="alert"' in _html(response)


# --- the event page and registration over HTTP ------------------------------------------------


def test_event_page_shows_time_in_norwegian_time_with_places_left(client, index):
    event = make_event(index, capacity=4, start=oslo(date(2027, 3, 28), 12))  # the day summer time starts
    registration_create(
        event=event, user=UserFactory(), data=RegistrationData(item="Lampe"), now=oslo(date(2027, 3, 1), 9)
    )
    html = _html(client.get(event.url))
    assert 'datetime="2027-03-28T12:00:00+02:00"' in html
    assert 'data-places-left="3" data-capacity="4" data-full="false"' in html


def test_signing_up_over_http_takes_a_place_and_shows_it(index):
    event = make_event(index, capacity=2, categories=("bicycles",))
    user = UserFactory()
    client = login(user)
    category = event.repair_categories.first()
    response = client.post(
        event.url + "pamelding/",
        {"item": "Barnesykkel", "problem": "Kjedet hopper av", "category": category.pk},
    )
    assert response.status_code == 302
    registration = EventRegistration.objects.get(user=user)
    assert (registration.status, registration.item, registration.category) == (
        Status.CONFIRMED,
        "Barnesykkel",
        category,
    )
    assert "Barnesykkel" in _html(client.get(event.url))


def test_a_sign_up_without_the_item_is_a_form_error_and_nothing_is_saved(index):
    event = make_event(index)
    response = login(UserFactory()).post(event.url + "pamelding/", {"item": "", "problem": "Ødelagt"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in _html(response)
    assert not EventRegistration.objects.exists()


def test_a_category_not_offered_at_the_event_is_a_form_error(index):
    event = make_event(index, categories=("bicycles",))
    from catalog.models import Category

    other = Category.objects.exclude(slug="bicycles").first()
    response = login(UserFactory()).post(event.url + "pamelding/", {"item": "Ting", "category": other.pk})
    assert response.status_code == 400
    assert not EventRegistration.objects.exists()


def test_signing_up_twice_over_http_is_a_409_with_a_message(index):
    event = make_event(index)
    client = login(UserFactory())
    client.post(event.url + "pamelding/", {"item": "Radio"})
    response = client.post(event.url + "pamelding/", {"item": "Radio"})
    assert response.status_code == 409
    assert 'role="alert"' in _html(response)


def test_anonymous_sign_up_is_sent_to_sign_in(client, index):
    event = make_event(index)
    response = client.post(event.url + "pamelding/", {"item": "Radio"})
    assert response.status_code == 302 and "/konto/" in response["Location"]
    assert not EventRegistration.objects.exists()


def test_sign_up_needs_the_csrf_token(index):
    event = make_event(index)
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(event.url + "pamelding/", {"item": "Radio"}).status_code == 403
    assert not EventRegistration.objects.exists()


def test_get_on_the_sign_up_route_is_refused(index):
    event = make_event(index)
    assert login(UserFactory()).get(event.url + "pamelding/").status_code == 405


def test_cancelling_over_http_only_cancels_your_own(index):
    event = make_event(index, capacity=3)
    a, b = UserFactory(), UserFactory()
    registration_create(event=event, user=a, data=RegistrationData(item="Lampe"))
    response = login(b).post(event.url + "avmelding/")
    assert response.status_code == 404
    assert EventRegistration.objects.get(user=a).status == Status.CONFIRMED
    assert login(a).post(event.url + "avmelding/").status_code == 302
    assert EventRegistration.objects.get(user=a).status == Status.CANCELLED


def test_a_full_event_offers_the_waitlist(index):
    event = make_event(index, capacity=1)
    registration_create(event=event, user=UserFactory(), data=RegistrationData(item="Lampe"))
    html = _html(login(UserFactory()).get(event.url))
    assert 'data-full="true"' in html
    assert f'action="{event.url}pamelding/"' in html


# --- the organiser's list --------------------------------------------------------------------


def test_the_organiser_and_editors_see_the_registration_list_others_do_not(index):
    roles_ensure()
    organiser, editor, resident = UserFactory(), UserFactory(), UserFactory()
    user_add_role(user=editor, role=Role.EDITOR)
    event = make_event(index, capacity=5, organiser_user=organiser)
    registration_create(
        event=event, user=resident, data=RegistrationData(item="Symaskin", problem="Tråden ryker")
    )
    url = event.url + "pameldte/"
    for allowed in (organiser, editor):
        response = login(allowed).get(url)
        assert response.status_code == 200
        assert "Symaskin" in _html(response) and resident.email in _html(response)
    assert login(resident).get(url).status_code == 403
    assert login(UserFactory()).get(url).status_code == 403
    assert Client().get(url).status_code == 302


# --- iCalendar ---------------------------------------------------------------------------------


def test_event_ics_has_oslo_tzid_a_timezone_stable_uid_and_escaped_text(client, index):
    event = make_event(
        index, title="Kafé, sy; og fiks", start=oslo(date(2027, 10, 31), 10)
    )  # DST ends that day
    response = client.get(event.url + "ics/")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert "DTSTART;TZID=Europe/Oslo:20271031T100000" in body
    assert "BEGIN:VTIMEZONE" in body and "TZID:Europe/Oslo" in body
    assert r"SUMMARY:Kafé\, sy\; og fiks" in body
    parsed = icalendar.Calendar.from_ical(response.content)
    (vevent,) = parsed.walk("VEVENT")
    assert vevent["dtstart"].dt.utcoffset() == timedelta(hours=1)
    assert vevent["dtstamp"].dt.tzinfo is not None and vevent["dtstamp"].to_ical().endswith(b"Z")
    uid = str(vevent["uid"])
    event.title = "Nytt navn"
    event.save_revision().publish()
    again = icalendar.Calendar.from_ical(client.get(event.url + "ics/").content).walk("VEVENT")[0]
    assert str(again["uid"]) == uid


def test_the_feed_has_all_upcoming_events_and_no_past_or_draft_ones(client, index):
    make_event(index, title="Kafé A", start=oslo(days_ahead(3), 12))
    make_event(index, title="Marked B", kind="swap_market", start=oslo(days_ahead(9), 11))
    make_event(index, title="Gammel", start=timezone.now() - timedelta(days=2))
    make_event(index, title="Kladd", live=False)
    response = client.get(index.url + "ics/")
    summaries = [str(e["summary"]) for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")]
    assert summaries == ["Kafé A", "Marked B"]
    assert "inline" in response["Content-Disposition"]


def test_the_index_links_its_feed(client, index):
    html = _html(client.get(index.url))
    assert f'href="{index.url}ics/"' in html


def test_an_unpublished_event_is_not_served(client, index):
    event = make_event(index, live=False)
    assert client.get(f"{index.url}{event.slug}/").status_code == 404
    assert client.get(f"{index.url}{event.slug}/ics/").status_code == 404


def test_home_allows_the_new_page_types(site):
    assert {"cms.EventIndexPage", "cms.StationSchedulePage"} <= set(HomePage.subpage_types)


def test_a_station_stop_time_is_norwegian_wall_clock(site):
    from cms.events.models import StationStop

    stop = StationStop(date=date(2027, 3, 28), starts=time(9), ends=time(12))
    assert stop.start_at.utcoffset() == timedelta(hours=2)
    assert StationStop(
        date=date(2027, 3, 27), starts=time(9), ends=time(12)
    ).start_at.utcoffset() == timedelta(hours=1)


def test_the_admin_links_an_events_registration_list_for_editors(index):
    admin = StaffFactory(is_superuser=True, is_staff=True)
    event = make_event(index, capacity=5)
    html = login(admin).get(f"/cms/pages/{index.pk}/").content.decode()
    assert f'href="{event.url}pameldte/"' in html
    edit = login(admin).get(f"/cms/pages/{event.pk}/edit/").content.decode()
    assert f'href="{event.url}pameldte/"' in edit


def test_the_event_list_fragment_follows_publishing_filters_and_pages(index):
    """Signed-in visitors (no page cache) get the list from its fragment: a new event shows at
    once, and each filter and page number has its own copy."""
    client = login(UserFactory())
    url = index.url
    make_event(index, title="Byttemarked i Sandvika", kind="swap_market")
    assert "Byttemarked i Sandvika" in client.get(url).content.decode()
    make_event(index, title="Sykkelservice på Fornebu", kind="bike_service")
    listed = client.get(url).content.decode()
    assert "Sykkelservice på Fornebu" in listed and "Byttemarked i Sandvika" in listed
    only_bikes = client.get(url, {"kind": "bike_service"}).content.decode()
    assert "Sykkelservice på Fornebu" in only_bikes and "Byttemarked i Sandvika" not in only_bikes
    assert "Sykkelservice på Fornebu" not in client.get(url, {"when": "past"}).content.decode()
    assert client.get(url, {"kind": "nonsense"}).status_code == 400
