from datetime import timedelta

import pytest
from django.utils import timezone

from cms.events.demo import EVENTS, demo_events_ensure
from cms.events.models import EventIndexPage, EventPage, StationSchedulePage
from cms.events.selectors import events_for_index, stops_upcoming


@pytest.mark.usefixtures("places")
def test_demo_events_and_station_schedule_are_complete_and_loaded_once(site):
    assert demo_events_ensure(site) == 1 + len(EVENTS) + 1
    assert demo_events_ensure(site) == 0
    index = EventIndexPage.objects.get(slug="arrangementer")
    upcoming = list(events_for_index(index=index))
    assert len(upcoming) == len(EVENTS) == 4
    assert {e.kind for e in upcoming} == {"repair_cafe", "bike_service", "swap_market"}
    for event, spec in zip(EventPage.objects.order_by("pk"), EVENTS, strict=True):
        assert event.repair_categories.count() == len(spec[9]), event.slug
        assert event.location is not None and event.place is not None
    stops = stops_upcoming(page=StationSchedulePage.objects.get(slug="miljobilen"))
    today = timezone.localdate()
    assert len(stops) >= 28
    assert all(today <= s.date < today + timedelta(weeks=8) for s in stops)
    assert len({s.place_id for s in stops}) == 8
