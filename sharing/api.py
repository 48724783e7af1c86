"""Lending in the public API (API.md): hubs, items, availability, reservations."""

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from accounts.api import auth
from core.api import ApiError, ErrorOut, PageNumberPagination
from core.pagination import CappedPaginator
from places.geo import distance_km
from sharing.filters import ItemFilter
from sharing.models import Hub, Item, Reservation
from sharing.periods import PeriodError, parse_moment, parse_window
from sharing.permissions import can_view_reservation
from sharing.selectors import busy_periods, hub_opening_hours, hubs_public, items_public
from sharing.services import (
    ReservationError,
    reservation_cancel,
    reservation_create,
    reservation_extend,
    waitlist_join,
)

hubs_router = Router(tags=["lending"])
items_router = Router(tags=["lending"])
reservations_router = Router(tags=["lending"])


class HoursOut(Schema):
    weekday: int = Field(description="0 = Monday … 6 = Sunday")
    opens: str = Field(description="HH:MM, Oslo time")
    closes: str = Field(description="HH:MM; earlier than `opens` means the next day")


class HubOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    address: str
    lat: float
    lon: float
    email: str
    phone: str
    rules: str
    max_active_per_user: int
    opening_hours: list[HoursOut] = Field(description="Weekly hours; empty if the hub keeps none.")
    open_now: bool | None = Field(description="None when the hub keeps no hours.")


def hub_out(hub: Hub) -> dict:
    hours = hub_opening_hours(hub)
    return {
        "opening_hours": [
            {"weekday": i.weekday, "opens": f"{i.opens:%H:%M}", "closes": f"{i.closes:%H:%M}"}
            for i in hours.weekly
        ],
        "open_now": hours.is_open_at(timezone.now()) if hours.has_hours else None,
        "id": hub.pk,
        "name": hub.name,
        "slug": hub.slug,
        "description": hub.description,
        "address": hub.address,
        "lat": round(hub.location.y, 5),
        "lon": round(hub.location.x, 5),
        "email": hub.email,
        "phone": hub.phone,
        "rules": hub.rules,
        "max_active_per_user": hub.max_active_per_user,
    }


@hubs_router.get("", response=list[HubOut], auth=None)
@paginate(PageNumberPagination)
def hub_list(request: HttpRequest):
    """Lending hubs ("utlånssentraler") with their location and rules."""
    return [hub_out(hub) for hub in hubs_public()]


class ItemQuery(Schema):
    q: str = ""
    category: str = ""
    hub: str = Field("", description="A hub's slug or id.")
    available_from: str = Field("", description="Date or ISO time (local Oslo time if no offset).")
    available_to: str = Field("", description="Date (inclusive) or ISO time.")
    near: str = ""
    place: str = ""
    radius_km: str = ""


class HubRef(Schema):
    id: int
    name: str


class OwnerRef(Schema):
    display_name: str


class ItemOut(Schema):
    id: int
    title: str
    category: str
    hub: HubRef | None = None
    owner: OwnerRef | None = None
    units: int
    max_loan_days: int
    requires_approval: bool
    lat: float = Field(description="The hub's point, or a personal item's public (fuzzed) point.")
    lon: float
    distance_km: float | None = None
    url: str


class ItemDetailOut(ItemOut):
    description: str
    min_notice_hours: int
    deposit: str
    age_limit: int | None
    required_proof: str
    pledge: str
    accessories: list[str]


def item_out(request: HttpRequest, item: Item, geo=None) -> dict:
    return {
        "id": item.pk,
        "title": item.title,
        "category": item.category.slug,
        "hub": {"id": item.hub_id, "name": item.hub.name} if item.hub_id else None,
        "owner": {"display_name": item.owner.display_name} if item.owner_id else None,
        "units": item.unit_count,
        "max_loan_days": item.max_loan_days,
        "requires_approval": item.needs_approval,
        "lat": round(item.public_location.y, 5),
        "lon": round(item.public_location.x, 5),
        "distance_km": distance_km(geo.point, item.public_location) if geo else None,
        "url": request.build_absolute_uri(f"/api/v1/items/{item.pk}"),
    }


class _ItemPage:
    """Serialises only the page that is sliced out. The count stops at 1000 (`count_capped`),
    as in the HTML list: counting every item of a dense area with a free unit for a period
    cost more than the page itself (docs/decisions/0015)."""

    def __init__(self, queryset, serialise):
        self.queryset, self.serialise = queryset, serialise
        self.count_capped = False

    def count(self) -> int:
        # Only the ids: the unit counts and joined rows the page shows cost a probe per item.
        paginator = CappedPaginator(self.queryset.values("pk"), 1)
        count, self.count_capped = paginator.count, paginator.count_capped
        return count

    def __getitem__(self, item):
        return [self.serialise(obj) for obj in self.queryset[item]]


@items_router.get("", response={200: list[ItemOut], 400: ErrorOut, 404: ErrorOut}, auth=None)
@paginate(PageNumberPagination)
def item_list(request: HttpRequest, filters: Query[ItemQuery]):
    """Lendable items. `available_from` + `available_to`: only items with one unit free for that
    whole period. With `near`/`place` results carry `distance_km` and come nearest first."""
    filterset = ItemFilter(request.GET, queryset=Item.objects.none())
    if not filterset.is_valid():
        errors = {field: [str(m) for m in messages] for field, messages in filterset.errors.items()}
        raise ApiError(
            _("Invalid search parameters."), status=404 if filterset.not_found else 400, errors=errors
        )
    geo = filterset.search.geo
    return _ItemPage(filterset.qs, lambda item: item_out(request, item, geo))


def _visible_item(item_id: int) -> Item:
    return get_object_or_404(items_public().select_related("hub", "category", "owner__profile"), pk=item_id)


@items_router.get("/{int:item_id}", response={200: ItemDetailOut, 404: ErrorOut}, auth=None)
def item_detail(request: HttpRequest, item_id: int):
    item = _visible_item(item_id)
    return {
        **item_out(request, item),
        "description": item.description,
        "min_notice_hours": item.min_notice_hours,
        "deposit": item.deposit,
        "age_limit": item.age_limit,
        "required_proof": item.required_proof,
        "pledge": item.pledge,
        "accessories": [str(a) for a in item.accessories],
    }


class Period(Schema):
    start: datetime
    end: datetime


class AvailabilityOut(Schema):
    busy: list[Period]


class AvailabilityQuery(Schema):
    from_: str = Field(..., alias="from", description="Date or ISO time.")
    to: str = Field(..., description="Date (inclusive) or ISO time.")


@items_router.get(
    "/{int:item_id}/availability", response={200: AvailabilityOut, 400: ErrorOut, 404: ErrorOut}, auth=None
)
def item_availability(request: HttpRequest, item_id: int, window: Query[AvailabilityQuery]):
    """The parts of the window in which no unit is free (at most a year per request). A booking
    needs one unit for its whole period: with several units, a long period may still be refused
    when different units are busy at different times."""
    item = _visible_item(item_id)
    try:
        start, end = parse_window(window.from_, window.to)
    except PeriodError as error:
        raise ApiError(_("Invalid input."), errors={error.field: [error.message]}) from None
    local = timezone.localtime
    return {"busy": [{"start": local(a), "end": local(b)} for a, b in busy_periods(item, start, end)]}


class ReservationIn(Schema):
    start: str = Field(..., description="ISO time (local Oslo time if no offset).")
    end: str
    pledge_accepted: bool = False
    proof_confirmed: bool = False


class ReservationOut(Schema):
    id: int
    item: int
    start: datetime
    end: datetime
    status: str


class ConflictOut(ErrorOut):
    next_free: Period | None = None


def reservation_out(reservation: Reservation) -> dict:
    """Times in Oslo time with their offset (+01:00 or +02:00), as people book them."""
    return {
        "id": reservation.pk,
        "item": reservation.item_id,
        "start": timezone.localtime(reservation.start),
        "end": timezone.localtime(reservation.end),
        "status": reservation.status,
    }


def _error(error: ReservationError):
    if error.status == 409:
        body = {"detail": error.message, "errors": {}, "next_free": None}
        if error.suggestion:
            start, end = error.suggestion
            body["next_free"] = {"start": timezone.localtime(start), "end": timezone.localtime(end)}
        return Status(409, body)
    raise ApiError(
        error.message if not error.field else _("Invalid input."),
        status=error.status,
        errors={error.field: [error.message]} if error.field else None,
    )


@items_router.post(
    "/{int:item_id}/reservations",
    response={
        201: ReservationOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ConflictOut,
    },
    auth=auth,
)
def reservation_create_endpoint(request: HttpRequest, item_id: int, payload: ReservationIn):
    """Book the item for [start, end): 201 `pending` where approval is needed, else `confirmed`;
    409 when no unit is free for the period (with the next free period, if any, in `next_free`)."""
    item = _visible_item(item_id)
    try:
        start = parse_moment(payload.start, field="start")
        end = parse_moment(payload.end, field="end")
    except PeriodError as error:
        raise ApiError(_("Invalid input."), errors={error.field: [error.message]}) from None
    try:
        reservation = reservation_create(
            item=item,
            borrower=request.user,
            start=start,
            end=end,
            pledge_accepted=payload.pledge_accepted,
            proof_confirmed=payload.proof_confirmed,
        )
    except ReservationError as error:
        return _error(error)
    return Status(201, reservation_out(reservation))


@reservations_router.get("", response=list[ReservationOut], auth=auth)
@paginate(PageNumberPagination)
def my_reservations(request: HttpRequest):
    """The signed-in person's bookings, newest period first."""
    return [
        reservation_out(r)
        for r in Reservation.objects.filter(borrower=request.user).order_by("-start", "-pk")
    ]


@reservations_router.delete(
    "/{int:reservation_id}", response={204: None, 401: ErrorOut, 404: ErrorOut, 409: ConflictOut}, auth=auth
)
def reservation_delete(request: HttpRequest, reservation_id: int):
    """The borrower (or the hub's staff, or the owner) cancels a booking not yet picked up."""
    reservation = get_object_or_404(Reservation.objects.select_related("item__hub"), pk=reservation_id)
    if not can_view_reservation(request.user, reservation):
        raise ApiError(_("Not found."), status=404)
    try:
        reservation_cancel(reservation=reservation, by=request.user)
    except ReservationError as error:
        return _error(error)
    return Status(204, None)


class WaitlistIn(Schema):
    start: str = Field(..., description="ISO time (local Oslo time if no offset).")
    end: str
    pledge_accepted: bool = False
    proof_confirmed: bool = False


class WaitlistOut(Schema):
    id: int
    item: int
    start: datetime
    end: datetime
    status: str


@items_router.post(
    "/{int:item_id}/waitlist",
    response={201: WaitlistOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ConflictOut},
    auth=auth,
)
def waitlist_join_endpoint(request: HttpRequest, item_id: int, payload: WaitlistIn):
    """ "Tell me when it's free": queue for a period in which no unit is free (409 if one is). When
    a booking is cancelled, the first in line whose period fits gets it held for 24 hours."""
    item = _visible_item(item_id)
    try:
        start = parse_moment(payload.start, field="start")
        end = parse_moment(payload.end, field="end")
    except PeriodError as error:
        raise ApiError(_("Invalid input."), errors={error.field: [error.message]}) from None
    try:
        entry = waitlist_join(
            item=item,
            user=request.user,
            start=start,
            end=end,
            pledge_accepted=payload.pledge_accepted,
            proof_confirmed=payload.proof_confirmed,
        )
    except ReservationError as error:
        return _error(error)
    local = timezone.localtime
    return Status(
        201,
        {
            "id": entry.pk,
            "item": item.pk,
            "start": local(entry.start),
            "end": local(entry.end),
            "status": entry.status,
        },
    )


class ExtendIn(Schema):
    end: str = Field(..., description="The new end, ISO time (local Oslo time if no offset).")


@reservations_router.post(
    "/{int:reservation_id}/extend",
    response={
        200: ReservationOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ConflictOut,
    },
    auth=auth,
)
def reservation_extend_endpoint(request: HttpRequest, reservation_id: int, payload: ExtendIn):
    """The borrower keeps the same unit until `end`, if it is free until then (409 if not)."""
    reservation = get_object_or_404(Reservation.objects.select_related("item"), pk=reservation_id)
    if reservation.borrower_id != request.user.pk:
        raise ApiError(_("Not found."), status=404)
    try:
        until = parse_moment(payload.end, field="end")
    except PeriodError as error:
        raise ApiError(_("Invalid input."), errors={error.field: [error.message]}) from None
    try:
        reservation = reservation_extend(reservation=reservation, by=request.user, until=until)
    except ReservationError as error:
        return _error(error)
    return reservation_out(reservation)
