"""Every read in lending that is more than a get(): free units, busy periods, the next free
period. Periods are half-open, [start, end)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.gis.db.models.functions import GeometryDistance
from django.contrib.gis.measure import D
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Now
from django.utils import timezone

from core.search import SEARCH_CONFIG, rank_query, text_match
from places.geo import GeoQuery
from places.opening_hours import OpeningHours, display
from sharing.models import Hub, Item, Reservation, TsTzRange, Unit, WaitlistEntry

# How far ahead the next free period is looked for.
SUGGESTION_HORIZON = timedelta(days=90)


def _overlapping(start: datetime, end: datetime) -> QuerySet[Reservation]:
    """Active reservations whose period meets [start, end). Written as the exclusion
    constraint's own expression, `tstzrange(start, end, '[)') && …`, so that its GiST index on
    (unit, period) finds a unit's overlapping bookings directly: `start < … AND end > …` used
    only the unit part of it and filtered every booking the unit has (docs/decisions/0015)."""
    return Reservation.objects.alias(period=TsTzRange("start", "end", Value("[)"))).filter(
        status__in=Reservation.ACTIVE, period__overlap=DateTimeTZRange(start, end, "[)")
    )


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
        # The units busy in the period, found once (index reservation_active_period) and
        # hashed, rather than a probe of the exclusion index for every unit of every item in
        # the radius (docs/decisions/0015).
        busy = _overlapping(start, end).values("unit_id")
        free_unit = Unit.objects.filter(item=OuterRef("pk"), status=Unit.Status.AVAILABLE).exclude(
            pk__in=busy
        )
        # coalesce(): kept a per-item test, so the walk along the location index goes on
        # nearest first; a bare EXISTS is turned into a join that collects the whole radius.
        items = items.filter(Coalesce(Exists(free_unit), Value(False)))
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


# --- Calendar and the people's screens -----------------------------------------------------------


class DayState:
    FREE = "free"  # some unit is free the whole day
    PARTLY = "partly"  # no unit is free all day, but one is for part of it
    BOOKED = "booked"  # no unit is free at any moment of the day
    PAST = "past"  # before today: not bookable


@dataclass(frozen=True)
class DayAvailability:
    day: date
    state: str

    @property
    def bookable(self) -> bool:
        return self.state in (DayState.FREE, DayState.PARTLY)


def local_midnight(day: date) -> datetime:
    """The start of `day` in Oslo time (days are 23 or 25 hours long when the clocks change)."""
    return timezone.make_aware(datetime.combine(day, time()))


def day_availability(
    item: Item, year: int, month: int, *, today: date | None = None
) -> list[DayAvailability]:
    """Each day of the month, in Oslo time: free, partly booked, booked (or past). Built on
    `busy_periods` (the moments no unit is free) and the units' own bookings; three queries."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    start, end = local_midnight(first), local_midnight(following)
    today = today or timezone.localdate()
    units = list(Unit.objects.filter(item=item, status=Unit.Status.AVAILABLE).values_list("pk", flat=True))
    booked: dict[int, list[tuple[datetime, datetime]]] = {pk: [] for pk in units}
    for unit_id, booked_from, booked_until in (
        _overlapping(start, end).filter(unit_id__in=units).values_list("unit_id", "start", "end")
    ):
        booked[unit_id].append((booked_from, booked_until))
    busy = busy_periods(item, start, end)
    days = []
    day = first
    while day < following:
        day_start, day_end = local_midnight(day), local_midnight(day + timedelta(days=1))
        if day < today:
            state = DayState.PAST
        elif any(
            not any(b_from < day_end and b_until > day_start for b_from, b_until in periods)
            for periods in booked.values()
        ):
            state = DayState.FREE
        elif any(b_from <= day_start and b_until >= day_end for b_from, b_until in busy):
            state = DayState.BOOKED
        else:
            state = DayState.PARTLY
        days.append(DayAvailability(day, state))
        day += timedelta(days=1)
    return days


def lendable_unit_count(item: Item) -> int:
    return Unit.objects.filter(item=item, status=Unit.Status.AVAILABLE).count()


def reservations_of_borrower(user, *, now: datetime | None = None, limit: int = 50) -> dict[str, list]:
    """The borrower's own bookings in groups: offers (periods held for them from the waitlist,
    to confirm in time), waiting (their open waitlist entries), upcoming (pending or confirmed,
    not yet over), borrowed (checked out), past (returned, or never picked up and over) and
    cancelled (cancelled or rejected); the older groups hold the latest `limit`."""
    now = now or timezone.now()
    mine = Reservation.objects.filter(borrower=user).select_related("item__hub", "item__owner__profile")
    waiting = (Reservation.Status.PENDING, Reservation.Status.CONFIRMED)
    ended = Q(status=Reservation.Status.RETURNED) | Q(status__in=waiting, end__lte=now)
    return {
        "offers": list(
            mine.filter(status=Reservation.Status.HELD, hold_until__gt=now)
            .select_related("waitlist_entry")
            .order_by("hold_until", "pk")
        ),
        "waiting": list(
            WaitlistEntry.objects.filter(user=user, status=WaitlistEntry.Status.WAITING, end__gt=now)
            .select_related("item__hub")
            .order_by("start", "pk")
        ),
        "upcoming": list(mine.filter(status__in=waiting, end__gt=now).order_by("start", "pk")),
        "borrowed": list(mine.filter(status=Reservation.Status.CHECKED_OUT).order_by("end", "pk")),
        "past": list(mine.filter(ended).order_by("-end", "-pk")[:limit]),
        "cancelled": list(
            mine.filter(status__in=(Reservation.Status.CANCELLED, Reservation.Status.REJECTED)).order_by(
                "-start", "-pk"
            )[:limit]
        ),
    }


def hub_desk(hub: Hub, *, day: date | None = None) -> dict[str, list]:
    """What a hub's staff handle on `day` (today, Oslo time): bookings awaiting approval,
    pickups (confirmed, starting that day), returns (borrowed, due that day or overdue) and
    the other loans out (due later)."""
    day = day or timezone.localdate()
    day_start, day_end = local_midnight(day), local_midnight(day + timedelta(days=1))
    ours = Reservation.objects.filter(item__hub=hub).select_related("item", "unit", "borrower__profile")
    return {
        "pending": list(ours.filter(status=Reservation.Status.PENDING).order_by("start", "pk")),
        "pickups": list(
            ours.filter(
                status=Reservation.Status.CONFIRMED, start__gte=day_start, start__lt=day_end
            ).order_by("start", "pk")
        ),
        "returns": list(
            ours.filter(status=Reservation.Status.CHECKED_OUT, end__lt=day_end).order_by("end", "pk")
        ),
        # Out on loan and due later: an early return is taken back from here.
        "out": list(
            ours.filter(status=Reservation.Status.CHECKED_OUT, end__gte=day_end).order_by("end", "pk")[:200]
        ),
    }


def hubs_staffed_by(user) -> QuerySet[Hub]:
    if not (user.is_authenticated and user.is_active):
        return Hub.objects.none()
    return Hub.objects.filter(memberships__user=user).order_by("name")


def owner_desk(user, *, now: datetime | None = None) -> dict[str, list]:
    """A resident's own items lent out: bookings awaiting their approval and the coming or
    current loans (confirmed or borrowed, not yet over)."""
    now = now or timezone.now()
    theirs = Reservation.objects.filter(item__owner=user).select_related("item", "borrower__profile")
    return {
        "pending": list(
            theirs.filter(status=Reservation.Status.PENDING, end__gt=now).order_by("start", "pk")
        ),
        "coming": list(
            theirs.filter(
                status__in=(Reservation.Status.CONFIRMED, Reservation.Status.CHECKED_OUT), end__gt=now
            ).order_by("start", "pk")
        ),
    }


def lends_personally(user) -> bool:
    return user.is_authenticated and Item.objects.filter(owner=user).exists()


def hub_opening(hub: Hub, at: datetime | None = None) -> dict:
    """What the shared opening hours component shows for a hub (places.opening_hours.display)."""
    return display(hub_opening_hours(hub), at or timezone.now())


BORROW_INSTEAD_RADIUS_KM = 10.0


def borrow_instead_offers(*, q: str = "", category_ids=(), point=None, limit: int = 3) -> list:
    """ "Lån i stedet?": up to `limit` lendable items matching a marketplace search or a wanted
    listing, nearest first within 10 km of `point` (anywhere without one)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from core.crosslinks import Offer

    if not (q or category_ids):
        return []
    geo = GeoQuery(point=point, radius_km=BORROW_INSTEAD_RADIUS_KM) if point is not None else None
    items = item_search(ItemSearch(q=q, category_ids=tuple(category_ids), geo=geo))[:limit]
    return [
        Offer(
            title=item.title,
            url=reverse("sharing:detail", args=[item.pk]),
            detail=item.hub.name if item.hub_id else _("A neighbour's"),
        )
        for item in items
    ]


# --- Staff dashboard (cms reads these) ---------------------------------------------------------


def reservations_awaiting_approval_count() -> int:
    """Bookings waiting for a hub's or an owner's decision."""
    return Reservation.objects.filter(status=Reservation.Status.PENDING).count()


def reservations_created_per_week(*, weeks: int = 8) -> list:
    """(Monday, how many bookings were made that week) for the last `weeks` weeks."""
    from core.stats import count_per_week

    return count_per_week(Reservation.objects.all(), "created_at", weeks=weeks)


def units_for_handover(reservation: Reservation) -> QuerySet[Unit]:
    """The units staff may hand out for a booking: the booked one, and any other lendable unit
    of the item that is free for the booking's whole period."""
    others = _overlapping(reservation.start, reservation.end).exclude(pk=reservation.pk)
    return (
        Unit.objects.filter(item_id=reservation.item_id, status=Unit.Status.AVAILABLE)
        .exclude(Exists(others.filter(unit=OuterRef("pk"))))
        .order_by("pk")
    )


def items_managed(*, owner=None, hub: Hub | None = None) -> QuerySet[Item]:
    """The items a resident lends out (`owner`) or a hub holds (`hub`), whatever their status,
    with their photos and units, for the screens of those who manage them."""
    scope = {"hub": hub} if hub is not None else {"owner": owner}
    return (
        Item.objects.filter(**scope)
        .select_related("category")
        .prefetch_related("photos", "units")
        .order_by("status", "title", "pk")
    )


def handover_reservation(reservation_id: int, **scope) -> Reservation | None:
    """A booking with what the check-out and check-in screens show, within `scope`
    (item__hub=hub or item__owner=user)."""
    return (
        Reservation.objects.select_related("item__hub", "item__owner__profile", "unit", "borrower__profile")
        .filter(pk=reservation_id, **scope)
        .first()
    )


def hub_reports(hub: Hub, *, start: datetime, end: datetime) -> dict:
    """The staff report page: overdue loans with contact details, units out of lending and
    the utilisation per item in [start, end)."""
    return {
        "overdue": list(overdue_loans(hub)),
        "out_of_lending": list(units_out_of_lending(hub)),
        "utilisation": utilisation(hub, start=start, end=end),
    }
