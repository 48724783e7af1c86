"""Every read in lending that is more than a get(): free units, busy periods, the next free
period. Periods are half-open, [start, end)."""

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, QuerySet

from sharing.models import Item, Reservation, Unit

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
