"""Reads for events and the mobile station: listings, who is signed up, the next stop near a
point. The HTML pages and the iCalendar feeds use the same functions."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.gis.db.models.functions import GeometryDistance
from django.contrib.gis.measure import D
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cms.events.models import (
    OSLO,
    EventIndexPage,
    EventPage,
    EventRegistration,
    StationSchedulePage,
    StationStop,
)
from cms.events.services import event_source
from cms.page_cache import public_pages
from places.geo import GeoQuery, distance_km

Status = EventRegistration.Status


def events_for_index(
    *, index: EventIndexPage, kind: str = "", past: bool = False, now: datetime | None = None
) -> QuerySet[EventPage]:
    """Published events under the index: upcoming (not yet ended) soonest first, or past ones
    latest first; optionally of one kind."""
    now = now or timezone.now()
    events = public_pages(EventPage.objects.live()).child_of(index).select_related("place")
    if kind:
        events = events.filter(kind=kind)
    if past:
        return events.filter(end__lte=now).order_by("-start", "pk")
    return events.filter(end__gt=now).order_by("start", "pk")


def events_upcoming(*, index: EventIndexPage, now: datetime | None = None) -> QuerySet[EventPage]:
    return events_for_index(index=index, now=now)


def events_next(
    *, root, point=None, radius_km: float = 10.0, limit: int = 3, now: datetime | None = None
) -> list[EventPage]:
    """The soonest published events under `root` (one language's tree, e.g. the home page) that
    have not ended, within `radius_km` of `point` when there is one (the home page's live block)."""
    now = now or timezone.now()
    events = public_pages(EventPage.objects.live()).descendant_of(root).filter(end__gt=now)
    if point is not None:
        events = events.filter(location__dwithin=(point, D(km=radius_km)))
    return list(events.select_related("place").order_by("start", "pk")[:limit])


@dataclass(frozen=True)
class RegistrationSummary:
    capacity: int | None
    confirmed: int
    waitlisted: int
    mine: EventRegistration | None
    waitlist_position: int | None

    @property
    def places_left(self) -> int:
        return max(0, (self.capacity or 0) - self.confirmed)

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.confirmed >= self.capacity


def registration_summary(*, event: EventPage, user=None) -> RegistrationSummary:
    source = event_source(event)
    counts = EventRegistration.objects.filter(event=source).aggregate(
        confirmed=Count("pk", filter=Q(status=Status.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=Status.WAITLISTED)),
    )
    mine = position = None
    if user is not None and user.is_authenticated:
        mine = (
            EventRegistration.objects.filter(event=source, user=user)
            .exclude(status=Status.CANCELLED)
            .select_related("category")
            .first()
        )
        if mine is not None and mine.status == Status.WAITLISTED:
            position = (
                EventRegistration.objects.filter(event=source, status=Status.WAITLISTED)
                .filter(Q(created_at__lt=mine.created_at) | Q(created_at=mine.created_at, pk__lt=mine.pk))
                .count()
                + 1
            )
    return RegistrationSummary(
        capacity=source.capacity,
        confirmed=counts["confirmed"],
        waitlisted=counts["waitlisted"],
        mine=mine,
        waitlist_position=position,
    )


def registrations_for_organiser(*, event: EventPage) -> QuerySet[EventRegistration]:
    """Everyone signed up or waiting, in queue order (cancelled ones left out)."""
    return (
        EventRegistration.objects.filter(event=event_source(event))
        .exclude(status=Status.CANCELLED)
        .select_related("user__profile", "category")
        .order_by("status", "created_at", "pk")  # "confirmed" before "waitlisted"
    )


# --- the mobile station ---------------------------------------------------------------------


def stops_upcoming(*, page: StationSchedulePage, now: datetime | None = None) -> list[StationStop]:
    """Stops that have not ended, in time order (stop times are Norwegian wall-clock times)."""
    now = now or timezone.now()
    today = now.astimezone(OSLO).date()
    stops = (
        StationStop.objects.filter(page=page, date__gte=today)
        .select_related("place")
        .order_by("date", "starts")
    )
    return [stop for stop in stops if stop.end_at > now]


@dataclass(frozen=True)
class NearStop:
    stop: StationStop
    distance_km: float
    within_radius: bool


def stop_next_near(
    *, page: StationSchedulePage, geo: GeoQuery, now: datetime | None = None
) -> NearStop | None:
    """The soonest upcoming stop within the radius; when there is none, the nearest upcoming
    stop at any distance (so the answer is never empty while stops are planned)."""
    now = now or timezone.now()
    today = now.astimezone(OSLO).date()
    upcoming = StationStop.objects.filter(page=page, date__gte=today).select_related("place")
    within = upcoming.filter(location__dwithin=(geo.point, D(km=geo.radius_km))).order_by("date", "starts")
    for stop in within:
        if stop.end_at > now:
            return NearStop(stop=stop, distance_km=distance_km(geo.point, stop.location), within_radius=True)
    for stop in upcoming.order_by(GeometryDistance("location", geo.point), "date", "starts"):
        if stop.end_at > now:
            return NearStop(stop=stop, distance_km=distance_km(geo.point, stop.location), within_radius=False)
    return None
