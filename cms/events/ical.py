"""iCalendar (RFC 5545) for events and station stops with the `icalendar` package: times with
TZID=Europe/Oslo and the matching VTIMEZONE, DTSTAMP in UTC, UIDs that stay the same across
edits and translations, text escaped by the library."""

import functools
from collections.abc import Iterable
from datetime import UTC
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from cms.events.models import OSLO, EventPage, StationStop

PRODID = "-//Baerum kommune//Sirkel//NB"


def _uid_domain() -> str:
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "sirkel"


def _calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Oslo")
    return calendar


@functools.cache
def _oslo_vtimezone() -> icalendar.Timezone:
    # Built from zoneinfo once per process (about 80 ms); every time in our calendars is Oslo's.
    return icalendar.Timezone.from_tzinfo(OSLO)


def _finish(calendar: icalendar.Calendar) -> bytes:
    calendar.subcomponents.insert(0, _oslo_vtimezone())
    return calendar.to_ical()


def event_uid(event: EventPage) -> str:
    # translation_key is shared by an event's translations and never changes.
    return f"event-{event.translation_key}@{_uid_domain()}"


def stop_uid(stop: StationStop) -> str:
    return f"station-stop-{stop.pk}@{_uid_domain()}"


def _event_component(event: EventPage, *, url: str, stamp) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", event_uid(event))
    component.add("dtstamp", stamp)
    component.add("dtstart", event.start.astimezone(OSLO))
    component.add("dtend", event.end.astimezone(OSLO))
    component.add("summary", event.title)
    component.add("description", event.intro)
    component.add("location", ", ".join(part for part in (event.venue, event.address) if part))
    component.add("geo", (round(event.location.y, 5), round(event.location.x, 5)))
    component.add("url", url)
    component.add("categories", [event.get_kind_display()])
    if event.organiser_email:
        component.add("organizer", f"mailto:{event.organiser_email}", parameters={"cn": event.organiser})
    component.add("last-modified", (event.last_published_at or stamp).astimezone(UTC))
    return component


def events_calendar(events: Iterable[EventPage], *, name: str, url_for) -> bytes:
    stamp = timezone.now().astimezone(UTC)
    calendar = _calendar(name)
    for event in events:
        calendar.add_component(_event_component(event, url=url_for(event), stamp=stamp))
    return _finish(calendar)


def stops_calendar(stops: Iterable[StationStop], *, name: str, summary: str, url: str) -> bytes:
    stamp = timezone.now().astimezone(UTC)
    calendar = _calendar(name)
    for stop in stops:
        component = icalendar.Event()
        component.add("uid", stop_uid(stop))
        component.add("dtstamp", stamp)
        component.add("dtstart", stop.start_at)
        component.add("dtend", stop.end_at)
        component.add("summary", f"{summary}: {stop.venue}")
        component.add("description", stop.accepted)
        component.add(
            "location", ", ".join(p for p in (stop.venue, stop.place.name if stop.place else "") if p)
        )
        component.add("geo", (round(stop.location.y, 5), round(stop.location.x, 5)))
        component.add("url", url)
        calendar.add_component(component)
    return _finish(calendar)


def ics_response(body: bytes, *, filename: str, attachment: bool) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=900"
    return response
