"""Every read in lending that is more than a get(): free units, busy periods, the next free
period. Periods are half-open, [start, end)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.gis.db.models.functions import GeometryDistance
from django.contrib.gis.measure import D
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Now

from core.search import SEARCH_CONFIG, rank_query, text_match
from places.geo import GeoQuery
from places.opening_hours import OpeningHours
from sharing.models import Hub, Item, Reservation, Unit

# How far ahead the next free period is looked for.
SUGGESTION_HORIZON = timedelta(days=90)


def _overlapping(start: datetime, end: datetime) -> QuerySet[Reservation]:
    return Reservation.objects.filter(status__in=Reservation.ACTIVE, start__lt=end, end__gt=start)


def units_free_for(item: Item, start: datetime, end: datetime) -> QuerySet[Unit]:
    """Units of `item` that can be lent and hold no active reservation overlapping the period."""
    return (
        Unit.objects.filter(item=item, status=Unit.Status.AVAILABLE)
        .exclude(Exists(_overlapping(start, end).filter(unit=OuterRef("pk"))))
        .order_by("pk")
    )


def lendable_and_idle_units(item: Item) -> tuple[int, int]:
    """How many units can be lent, and how many of those hold no current or coming booking."""
    lendable = Unit.objects.filter(item=item, status=Unit.Status.AVAILABLE)
    ahead = Reservation.objects.filter(unit=OuterRef("pk"), status__in=Reservation.ACTIVE, end__gt=Now())
    return lendable.count(), lendable.exclude(Exists(ahead)).count()


def busy_periods(item: Item, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The parts of [start, end) in which no unit of `item` is free (all lendable units booked, or
    none lendable), merged and in order."""
    units = list(Unit.objects.filter(item=item, status=Unit.Status.AVAILABLE).values_list("pk", flat=True))
    if not units:
        return [(start, end)]
    bookings = _overlapping(start, end).filter(unit_id__in=units).values_list("unit_id", "start", "end")
    # Sweep over the booking edges, counting units in use; busy while all of them are.
    events: list[tuple[datetime, int]] = []
    for _unit, booked_from, booked_until in bookings:
        events.append((max(booked_from, start), 1))
        events.append((min(booked_until, end), -1))
    events.sort(key=lambda e: (e[0], e[1]))  # an end (-1) before a start (+1) at the same instant
    busy: list[tuple[datetime, datetime]] = []
    in_use, busy_from = 0, None
    for moment, step in events:
        in_use += step
        if in_use >= len(units) and busy_from is None:
            busy_from = moment
        elif in_use < len(units) and busy_from is not None:
            if moment > busy_from:
                if busy and busy[-1][1] == busy_from:
                    busy[-1] = (busy[-1][0], moment)
                else:
                    busy.append((busy_from, moment))
            busy_from = None
    return busy


def next_free_period(item: Item, *, after: datetime, length: timedelta) -> tuple[datetime, datetime] | None:
    """The earliest period of `length` starting at or after `after` for which one unit is free
    throughout (a booking keeps one unit), looked for within SUGGESTION_HORIZON; None if none."""
    horizon = after + SUGGESTION_HORIZON
    units = list(Unit.objects.filter(item=item, status=Unit.Status.AVAILABLE).values_list("pk", flat=True))
    bookings: dict[int, list[tuple[datetime, datetime]]] = {pk: [] for pk in units}
    for unit_id, booked_from, booked_until in (
        _overlapping(after, horizon + length)
        .filter(unit_id__in=units)
        .order_by("start")
        .values_list("unit_id", "start", "end")
    ):
        bookings[unit_id].append((booked_from, booked_until))
    best: datetime | None = None
    for periods in bookings.values():
        candidate = after
        for booked_from, booked_until in periods:
            if candidate + length <= booked_from:
                break
            candidate = max(candidate, booked_until)
        if candidate <= horizon and (best is None or candidate < best):
            best = candidate
    return (best, best + length) if best is not None else None


# --- Item search ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSearch:
    q: str = ""
    category_ids: tuple[int, ...] = ()
    hub_id: int | None = None
    available: tuple[datetime, datetime] | None = None
    geo: GeoQuery | None = None


def items_public() -> QuerySet[Item]:
    """Items anyone may see and book (not retired, not in repair), with `unit_count`, the
    number of units that can be lent."""
    return Item.objects.filter(status=Item.Status.AVAILABLE).annotate(
        unit_count=Coalesce(Subquery(_lendable_units_count()), 0)
    )


def item_search(search: ItemSearch) -> QuerySet[Item]:
    """Lendable items matching the search: text (Norwegian stemming, accents, typos, as for
    listings), category with its children, hub, a unit free for the whole `available` period,
    within the radius of the public point, nearest first by `<->` (else best match, else title)."""
    items = items_public()
    match = text_match(table=Item._meta.db_table, vector="search_vector", title="title", text=search.q)
    if match is not None:
        items = items.filter(match)
    if search.category_ids:
        items = items.filter(category_id__in=search.category_ids)
    if search.hub_id is not None:
        items = items.filter(hub_id=search.hub_id)
    if search.available is not None:
        start, end = search.available
        free_unit = Unit.objects.filter(item=OuterRef("pk"), status=Unit.Status.AVAILABLE).exclude(
            Exists(_overlapping(start, end).filter(unit=OuterRef("pk")))
        )
        items = items.filter(Exists(free_unit))
    if search.geo is not None:
        items = items.filter(public_location__dwithin=(search.geo.point, D(km=search.geo.radius_km)))
        items = items.order_by(GeometryDistance("public_location", search.geo.point))
    elif match is not None:
        query = SearchQuery(rank_query(search.q), config=SEARCH_CONFIG, search_type="raw")
        items = items.annotate(relevance=SearchRank(F("search_vector"), query)).order_by("-relevance", "pk")
    else:
        items = items.order_by("title", "pk")
    return items.defer("location", "search_vector").select_related("hub", "category", "owner__profile")


def _lendable_units_count():
    """A subquery (not a join with GROUP BY, which would stop the index walking nearest-first)."""
    return (
        Unit.objects.filter(item=OuterRef("pk"), status=Unit.Status.AVAILABLE)
        .order_by()
        .values("item")
        .annotate(n=Count("pk"))
        .values("n")
    )


def hubs_public() -> QuerySet[Hub]:
    return Hub.objects.prefetch_related("weekly_hours", "hours_exceptions").order_by("name")


# --- Staff reports ----------------------------------------------------------------------------------


def overdue_loans(hub: Hub) -> QuerySet[Reservation]:
    """Borrowed and not back by the end, oldest first, with the borrower's contact details
    (shown to that hub's staff only)."""
    return (
        Reservation.objects.filter(item__hub=hub, status=Reservation.Status.CHECKED_OUT, end__lt=Now())
        .select_related("item", "unit", "borrower__profile")
        .order_by("end")
    )


def units_out_of_lending(hub: Hub) -> QuerySet[Unit]:
    """Units in repair or missing (retired after a loss), for the hub's follow-up."""
    return (
        Unit.objects.filter(item__hub=hub)
        .exclude(status=Unit.Status.AVAILABLE)
        .select_related("item")
        .order_by("item__title", "label")
    )


def utilisation(hub: Hub, *, start: datetime, end: datetime) -> list[dict]:
    """Share of unit-days lent per item in [start, end): booked time of confirmed, borrowed and
    returned reservations, clipped to the window, over the window × lendable units. High: buy
    more; near zero: consider retiring."""
    window = (end - start).total_seconds()
    rows = []
    items = Item.objects.filter(hub=hub).exclude(status=Item.Status.RETIRED).order_by("title")
    lent = Reservation.objects.filter(
        item__hub=hub,
        status__in=(
            Reservation.Status.CONFIRMED,
            Reservation.Status.CHECKED_OUT,
            Reservation.Status.RETURNED,
        ),
        start__lt=end,
        end__gt=start,
    ).values_list("item_id", "start", "end")
    seconds: dict[int, float] = {}
    for item_id, booked_from, booked_until in lent:
        seconds[item_id] = (
            seconds.get(item_id, 0.0) + (min(booked_until, end) - max(booked_from, start)).total_seconds()
        )
    units = dict(
        Unit.objects.filter(item__hub=hub)
        .exclude(status=Unit.Status.RETIRED)
        .values("item_id")
        .annotate(n=Count("pk"))
        .values_list("item_id", "n")
    )
    for item in items:
        capacity = window * max(units.get(item.pk, 0), 1)
        rows.append(
            {"item": item, "units": units.get(item.pk, 0), "share": seconds.get(item.pk, 0.0) / capacity}
        )
    return rows


def hub_opening_hours(hub: Hub) -> OpeningHours:
    """The hub's hours; uses prefetched rows when the queryset has them. No rows: no hours kept
    (a self-service hub), and pickups are not limited by them."""
    return OpeningHours.from_rows(hub.weekly_hours.all(), hub.hours_exceptions.all())
