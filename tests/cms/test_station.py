"""The mobile station's schedule: upcoming stops in order, the next stop near a place, an
address-free default from the home area, and the iCalendar feed of stops."""

from datetime import time, timedelta

import icalendar
import pytest

from cms.events.selectors import stop_next_near, stops_upcoming
from places.geo import GeoQuery, make_point
from tests.factories import StaffFactory, UserFactory
from tests.factories.events import days_ahead, make_station
from tests.support import login

BEKKESTUA = make_point(59.9184, 10.5874)
SANDVIKA = make_point(59.8908, 10.5238)
FORNEBU = make_point(59.8953, 10.6266)


@pytest.fixture
def station(site, places):
    return make_station(
        site,
        stops=[
            (days_ahead(1), time(14), time(18), "Sandvika torg", SANDVIKA),
            (days_ahead(8), time(14), time(18), "Bekkestua stasjon", BEKKESTUA),
            (days_ahead(15), time(10), time(13), "Fornebu S", FORNEBU),
            (days_ahead(-7), time(14), time(18), "Gammel stopp", BEKKESTUA),
        ],
    )


def test_upcoming_stops_are_in_time_order_without_past_ones(station):
    assert [s.venue for s in stops_upcoming(page=station)] == [
        "Sandvika torg",
        "Bekkestua stasjon",
        "Fornebu S",
    ]


def test_a_stop_that_has_ended_today_is_no_longer_upcoming(site):
    from tests.factories.events import oslo

    day = days_ahead(2)
    page = make_station(site, stops=[(day, time(10), time(12), "Formiddag", BEKKESTUA)])
    assert [s.venue for s in stops_upcoming(page=page, now=oslo(day, 11))] == ["Formiddag"]
    assert stops_upcoming(page=page, now=oslo(day, 12, 1)) == []


def test_next_stop_near_is_the_soonest_within_the_radius(station):
    near = stop_next_near(page=station, geo=GeoQuery(point=make_point(59.9200, 10.5900), radius_km=2))
    assert near.stop.venue == "Bekkestua stasjon" and near.within_radius
    assert 0 < near.distance_km < 1


def test_with_nothing_within_the_radius_the_nearest_stop_is_given(station):
    # Snarøya: no stop within 1 km; Fornebu S is the nearest.
    near = stop_next_near(page=station, geo=GeoQuery(point=make_point(59.8806, 10.5991), radius_km=1))
    assert near.stop.venue == "Fornebu S" and not near.within_radius


def test_the_page_answers_next_stop_near_a_place(client, station):
    response = client.get(station.url, {"place": "Bekkestua", "radius_km": "2"})
    assert response.status_code == 200
    html = response.content.decode()
    (box,) = [part for part in html.split('data-testid="next-stop"')[1:2]]
    assert "Bekkestua stasjon" in box.split("</div>")[0]


def test_the_page_uses_the_home_area_when_no_place_is_given(station):
    from accounts.models import Profile
    from places.models import Place

    user = UserFactory()
    Profile.objects.filter(user=user).update(home_place=Place.objects.get(name="Fornebu"))
    html = login(user).get(station.url, {"radius_km": "1"}).content.decode()
    box = html.split('data-testid="next-stop"')[1].split("</div>")[0]
    assert "Fornebu S" in box


def test_an_unknown_place_is_a_404_with_the_message_and_bad_radius_a_400(client, station):
    response = client.get(station.url, {"place": "Atlantis"})
    assert response.status_code == 404 and 'role="alert"' in response.content.decode()
    assert client.get(station.url, {"place": "Sandvika", "radius_km": "-3"}).status_code == 400


def test_the_stop_feed_has_upcoming_stops_in_oslo_time(client, station):
    response = client.get(station.url + "ics/")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["location"]).split(",")[0] for e in events] == [
        "Sandvika torg",
        "Bekkestua stasjon",
        "Fornebu S",
    ]
    first = events[0]
    assert first["dtstart"].params["TZID"] == "Europe/Oslo"
    assert first["dtstart"].dt.hour == 14
    assert first["dtend"].dt - first["dtstart"].dt == timedelta(hours=4)
    assert len({str(e["uid"]) for e in events}) == 3
    assert str(first["description"]) == "Småelektronikk, tekstiler"


def test_the_admin_saves_stops_with_a_typed_point_or_a_place(site, places):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    from cms.events.models import StationSchedulePage
    from places.models import Place

    client = login(StaffFactory(is_superuser=True, is_staff=True))
    day = days_ahead(5)
    data = nested_form_data(
        {
            "title": "Miljøbilen",
            "slug": "miljobilen",
            "intro": "",
            "body": streamfield([]),
            "stops": inline_formset(
                [
                    {
                        "date": f"{day:%Y-%m-%d}",
                        "starts": "14:00",
                        "ends": "18:00",
                        "venue": "Torget",
                        "place": Place.objects.get(name="Sandvika").pk,
                        "location": "",
                        "accepted": "Tekstiler",
                    },
                    {
                        "date": f"{day:%Y-%m-%d}",
                        "starts": "10:00",
                        "ends": "12:00",
                        "venue": "Butikken",
                        "place": "",
                        "location": "59.9397, 10.6070",
                        "accepted": "Bøker",
                    },
                ]
            ),
            "action-publish": "publish",
        }
    )
    response = client.post(f"/cms/pages/add/cms/stationschedulepage/{site.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = StationSchedulePage.objects.get(slug="miljobilen")
    torget, butikken = page.stops.order_by("venue").reverse()
    assert torget.location == Place.objects.get(name="Sandvika").point
    assert round(butikken.location.y, 4) == 59.9397


def test_a_stop_ending_before_it_starts_is_refused(site):
    from django.core.exceptions import ValidationError

    from cms.events.models import StationStop

    with pytest.raises(ValidationError) as error:
        StationStop(
            date=days_ahead(1), starts=time(14), ends=time(13), venue="x", location=BEKKESTUA, accepted="x"
        ).clean()
    assert "ends" in error.value.message_dict
