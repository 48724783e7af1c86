"""Event and station pages built the way editors build them (added under the tree, then a
published revision)."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from cms.events.models import OSLO, EventIndexPage, EventKind, EventPage, StationSchedulePage, StationStop
from places.geo import make_point

BEKKESTUA = make_point(59.9184, 10.5874)


def oslo(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO)


def days_ahead(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_event_index(home, *, title="Arrangementer", slug="arrangementer") -> EventIndexPage:
    existing = EventIndexPage.objects.child_of(home).filter(slug=slug).first()
    if existing:
        return existing
    return publish(home.add_child(instance=EventIndexPage(title=title, slug=slug, intro="Kom og vær med.")))


def make_event(
    index,
    *,
    title="Reparasjonskafé på Bekkestua",
    kind=EventKind.REPAIR_CAFE,
    start=None,
    hours=3,
    capacity=10,
    location=BEKKESTUA,
    categories=(),
    live=True,
    **extra,
) -> EventPage:
    start = start or oslo(days_ahead(7), 12)
    event = EventPage(
        title=title,
        kind=kind,
        start=start,
        end=start + timedelta(hours=hours),
        intro="Ta med det som er ødelagt, så fikser vi det sammen.",
        organiser="Bærum kommune",
        venue="Bekkestua bibliotek",
        address="Gamle Ringeriksvei 44",
        location=location,
        capacity=capacity,
        live=live,
        **extra,
    )
    index.add_child(instance=event)
    if categories:
        from catalog.models import Category

        event.repair_categories.set(Category.objects.filter(slug__in=categories))
        event.save()
    return publish(event) if live else event


def make_station(home, *, stops=(), title="Miljøbilen", slug="miljobilen") -> StationSchedulePage:
    """`stops`: (date, starts, ends, venue, point) tuples."""
    page = StationSchedulePage(title=title, slug=slug, intro="Miljøbilen tar imot gjenbruk og farlig avfall.")
    for n, (day, starts, ends, venue, point) in enumerate(stops):
        page.stops.add(
            StationStop(
                date=day,
                starts=starts,
                ends=ends,
                venue=venue,
                location=point,
                accepted="Småelektronikk, tekstiler",
                sort_order=n,
            )
        )
    home.add_child(instance=page)
    return publish(page)
