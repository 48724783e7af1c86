"""Lending in HTML: find an item, read its calendar, book it, see and cancel one's loans; hub
staff (and residents for their own items) approve bookings; staff see the day's pickups and
returns. Thin: parse, authorise through
sharing.permissions, call one service or selector, render. Every flow works without JS."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.selectors import category_choices
from core.pagination import CappedPaginator
from places.geo import distance_km
from places.models import Place
from sharing.filters import ItemFilter
from sharing.forms import BookingForm, ExtendAllForm, ExtendForm
from sharing.models import Hub, Item, Reservation, WaitlistEntry
from sharing.permissions import can_manage_item, is_hub_staff
from sharing.selectors import (
    day_availability,
    hub_desk,
    hub_opening,
    hubs_public,
    hubs_staffed_by,
    items_managed,
    items_public,
    lends_personally,
    owner_desk,
    reservations_of_borrower,
)
from sharing.services import (
    ReservationError,
    reservation_cancel,
    reservation_create,
    reservation_decide,
    reservation_extend,
    reservations_extend_all,
    waitlist_accept,
    waitlist_join,
    waitlist_leave,
)

PAGE_SIZE = 20
RADIUS_CHOICES = (1, 2, 5, 10, 25, 50)
# The calendar shows this month and up to this many months ahead.
CALENDAR_MONTHS_AHEAD = 18


def item_list(request):
    params = request.GET.copy()
    params.pop("page", None)
    filterset = ItemFilter(params, queryset=Item.objects.none())
    context = {
        "filterset": filterset,
        "params": params,
        "category_groups": category_choices(),
        "hubs": hubs_public(),
        "radii": RADIUS_CHOICES,
        "place_names": Place.objects.order_by("name").values_list("name", flat=True),
        "staffed_hubs": hubs_staffed_by(request.user),
    }
    if not filterset.is_valid():
        status = 404 if filterset.not_found else 400
        return render(request, "sharing/item_list.html", context, status=status)
    search = filterset.search
    page = CappedPaginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    prefetch_related_objects(page.object_list, "photos")
    for item in page.object_list:
        item.distance = distance_km(search.geo.point, item.public_location) if search.geo else None
    # With a wanted period, each item opens on that month of its calendar.
    calendar_query = f"month={timezone.localtime(search.available[0]):%Y-%m}" if search.available else ""
    context.update(
        searched=True,
        page=page,
        search=search,
        query_without_page=params.urlencode(),
        calendar_query=calendar_query,
    )
    return render(request, "sharing/item_list.html", context)


def map_config(centre=None, radius_km=None) -> dict:
    """What static/js/listing-map.js and location-picker.js read (the marketplace's map)."""
    from django.conf import settings

    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "centre": [centre.y, centre.x] if centre else [59.9139, 10.5700],
        "radius_km": radius_km,
    }


def item_map(request):
    """The same search as the list (the same FilterSet and selector), as pins at public points;
    the list under the map is the same information without JS or tiles."""
    from django.conf import settings

    params = request.GET.copy()
    params.pop("page", None)
    filterset = ItemFilter(params, queryset=Item.objects.none())
    if not filterset.is_valid():
        return redirect(f"{reverse('sharing:list')}?{params.urlencode()}")
    items = list(filterset.qs[: settings.MAP_MAX_PINS])
    pins = [
        {
            "lat": round(item.public_location.y, 5),
            "lon": round(item.public_location.x, 5),
            "title": item.title,
            "kind": item.hub.name if item.hub_id else _("A neighbour's"),
            "url": reverse("sharing:detail", args=[item.pk]),
        }
        for item in items
    ]
    search = filterset.search
    centre = search.geo.point if search.geo else None
    context = {
        "pins": pins,
        "items": items,
        "map_config": map_config(centre, search.geo.radius_km if search.geo else None),
        "truncated": len(items) == settings.MAP_MAX_PINS,
        "query": params.urlencode(),
    }
    return render(request, "sharing/item_map.html", context)


def _visible_item(item_id: int) -> Item:
    return get_object_or_404(items_public().select_related("hub", "category", "owner__profile"), pk=item_id)


def _calendar_month(value: str, today: date) -> date:
    """The first day of the asked month (?month=YYYY-MM), kept within this month and
    CALENDAR_MONTHS_AHEAD; anything unreadable means this month."""
    this_month = today.replace(day=1)
    try:
        year, month = (int(part) for part in value.split("-"))
        asked = date(year, month, 1)
    except (ValueError, TypeError, OverflowError):
        return this_month
    last = _add_months(this_month, CALENDAR_MONTHS_AHEAD)
    return min(max(asked, this_month), last)


def _add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _weeks(days) -> list[dict]:
    """Monday-first weeks of the month for the grid: {"number": ISO week, "days": [day or None]}."""
    weeks: list[dict] = []
    for day in days:
        if not weeks or day.day.weekday() == 0:
            weeks.append({"number": day.day.isocalendar().week, "days": [None] * day.day.weekday()})
        weeks[-1]["days"].append(day)
    weeks[-1]["days"] += [None] * (7 - len(weeks[-1]["days"]))
    return weeks


def item_detail(request, item_id: int):
    item = _visible_item(item_id)
    today = timezone.localdate()
    month = _calendar_month(request.GET.get("month", ""), today)
    days = day_availability(item, month.year, month.month, today=today)
    this_month = today.replace(day=1)
    previous, following = _add_months(month, -1), _add_months(month, 1)
    context = {
        "item": item,
        "is_own": request.user.is_authenticated and item.owner_id == request.user.pk,
        "can_manage": can_manage_item(request.user, item),
        "opening": hub_opening(item.hub) if item.hub_id else None,
        "month": month,
        "weeks": _weeks(days),
        "previous_month": previous if previous >= this_month else None,
        "next_month": following if following <= _add_months(this_month, CALENDAR_MONTHS_AHEAD) else None,
        "weekdays": [date(2024, 1, d) for d in range(1, 8)],  # a Monday to a Sunday, for the names
    }
    return render(request, "sharing/item_detail.html", context)


def _booking_link(item: Item, start, end) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    query = urlencode(
        {
            "start_date": start.date().isoformat(),
            "start_time": start.strftime("%H:%M"),
            "end_date": end.date().isoformat(),
            "end_time": end.strftime("%H:%M"),
        }
    )
    return f"{reverse('sharing:book', args=[item.pk])}?{query}"


@login_required
def item_book(request, item_id: int):
    item = _visible_item(item_id)
    if request.method != "POST":
        form = BookingForm(item=item, initial=BookingForm.initial_for(item, request.GET))
        context = {"item": item, "form": form, "opening": hub_opening(item.hub) if item.hub_id else None}
        return render(request, "sharing/booking_form.html", context)
    form = BookingForm(request.POST, item=item)
    context = {"item": item, "form": form, "opening": hub_opening(item.hub) if item.hub_id else None}
    if not form.is_valid():
        return render(request, "sharing/booking_form.html", context, status=400)
    start, end = form.period
    try:
        reservation = reservation_create(
            item=item,
            borrower=request.user,
            start=start,
            end=end,
            pledge_accepted=form.cleaned_data.get("pledge_accepted", False),
            proof_confirmed=form.cleaned_data.get("proof_confirmed", False),
        )
    except ReservationError as error:
        field = {"start": "start_date", "end": "end_date"}.get(error.field, error.field)
        form.add_error(field if field in form.fields else None, error.message)
        context["can_wait"] = error.status == 409
        if error.suggestion:
            suggested_start, suggested_end = (timezone.localtime(moment) for moment in error.suggestion)
            context["suggestion"] = {
                "start": suggested_start,
                "end": suggested_end,
                "link": _booking_link(item, suggested_start, suggested_end),
            }
        return render(request, "sharing/booking_form.html", context, status=error.status)
    if reservation.status == Reservation.Status.PENDING:
        messages.success(request, _("Booked: %(item)s. The lender will approve it.") % {"item": item.title})
    else:
        messages.success(request, _("Booked: %(item)s. It is confirmed.") % {"item": item.title})
    return redirect("sharing:mine")


@login_required
def my_loans(request):
    groups = reservations_of_borrower(request.user)
    for loan in groups["upcoming"] + groups["borrowed"]:
        loan.extend_to = timezone.localtime(loan.end) + timedelta(days=1)  # the extend form's default
    sections = [
        ("upcoming", _("Upcoming"), groups["upcoming"]),
        ("borrowed", _("Borrowed now"), groups["borrowed"]),
        ("past", _("Earlier loans"), groups["past"]),
        ("cancelled", _("Cancelled and rejected"), groups["cancelled"]),
    ]
    context = {
        "offers": groups["offers"],
        "waiting": groups["waiting"],
        "sections": sections,
        "lends_personally": lends_personally(request.user),
        "extend_all_form": ExtendAllForm(),
    }
    return render(request, "sharing/my_loans.html", context)


@login_required
@require_POST
def loan_cancel(request, reservation_id: int):
    """The borrower cancels their own booking (someone else's is not found)."""
    reservation = get_object_or_404(
        Reservation.objects.select_related("item__hub"), pk=reservation_id, borrower=request.user
    )
    try:
        reservation_cancel(reservation=reservation, by=request.user)
    except ReservationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The booking of %(item)s is cancelled.") % {"item": reservation.item.title}
        )
    return redirect("sharing:mine")


@login_required
@require_POST
def loan_extend(request, reservation_id: int):
    """The borrower moves the return of their own loan later, on the same unit, if it is free."""
    reservation = get_object_or_404(
        Reservation.objects.select_related("item"), pk=reservation_id, borrower=request.user
    )
    form = ExtendForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("sharing:mine")
    try:
        reservation_extend(reservation=reservation, by=request.user, until=form.cleaned_data["end"])
    except ReservationError as error:
        messages.error(request, f"{reservation.item.title}: {error.message}")
    else:
        messages.success(request, _("%(item)s is extended.") % {"item": reservation.item.title})
    return redirect("sharing:mine")


@login_required
@require_POST
def loans_extend_all(request):
    form = ExtendAllForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how many days."))
        return redirect("sharing:mine")
    extended, refused = reservations_extend_all(borrower=request.user, days=form.cleaned_data["days"])
    if extended:
        messages.success(
            request,
            _("Extended: %(items)s.") % {"items": ", ".join(loan.item.title for loan in extended)},
        )
    for loan, reason in refused:
        messages.error(request, f"{loan.item.title}: {reason}")
    if not extended and not refused:
        messages.info(request, _("You have nothing borrowed right now."))
    return redirect("sharing:mine")


@login_required
@require_POST
def waitlist_join_view(request, item_id: int):
    """From a refused booking: queue for the same period and be offered it if it comes free."""
    item = _visible_item(item_id)
    form = BookingForm(request.POST, item=item)
    if not form.is_valid():
        messages.error(request, _("Check the period and try again."))
        return redirect("sharing:book", item_id=item.pk)
    start, end = form.period
    try:
        waitlist_join(
            item=item,
            user=request.user,
            start=start,
            end=end,
            pledge_accepted=form.cleaned_data.get("pledge_accepted", False),
            proof_confirmed=form.cleaned_data.get("proof_confirmed", False),
        )
    except ReservationError as error:
        messages.error(request, error.message)
        return redirect(_booking_link(item, start, end))
    messages.success(
        request,
        _("You are on the waitlist for %(item)s. We email you if it comes free.") % {"item": item.title},
    )
    return redirect("sharing:mine")


@login_required
@require_POST
def waitlist_leave_view(request, entry_id: int):
    entry = get_object_or_404(WaitlistEntry.objects.select_related("item"), pk=entry_id, user=request.user)
    try:
        waitlist_leave(entry=entry, by=request.user)
    except ReservationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You have left the waitlist for %(item)s.") % {"item": entry.item.title})
    return redirect("sharing:mine")


@login_required
@require_POST
def offer_answer(request, reservation_id: int):
    """Take or decline a period held for the borrower from the waitlist."""
    reservation = get_object_or_404(
        Reservation.objects.select_related("item", "waitlist_entry__item"),
        pk=reservation_id,
        borrower=request.user,
        status=Reservation.Status.HELD,
        waitlist_entry__isnull=False,
    )
    entry = reservation.waitlist_entry
    try:
        if request.POST.get("decision") == "accept":
            waitlist_accept(entry=entry, by=request.user)
            messages.success(request, _("Booked: %(item)s.") % {"item": reservation.item.title})
        else:
            waitlist_leave(entry=entry, by=request.user)
            messages.success(request, _("Declined: %(item)s.") % {"item": reservation.item.title})
    except ReservationError as error:
        messages.error(request, error.message)
    return redirect("sharing:mine")


@login_required
def my_lending(request):
    """A resident's own items: approve or reject bookings, see who borrows what when."""
    context = {
        **owner_desk(request.user),
        "items": items_managed(owner=request.user),
        "today_iso": timezone.localdate().isoformat(),
    }
    return render(request, "sharing/my_lending.html", context)


@login_required
@require_POST
def owner_decide(request, reservation_id: int):
    """The owner approves or rejects a booking of their own item (anyone else's: not found)."""
    reservation = get_object_or_404(
        Reservation.objects.select_related("item", "borrower__profile"),
        pk=reservation_id,
        item__owner=request.user,
    )
    _decide(request, reservation)
    return redirect("sharing:lending")


def _decide(request, reservation: Reservation) -> None:
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, _("Choose approve or reject."))
        return
    try:
        reservation_decide(reservation=reservation, by=request.user, approve=decision == "approve")
    except ReservationError as error:
        messages.error(request, error.message)
        return
    names = {"item": reservation.item.title, "name": reservation.borrower.display_name}
    if decision == "approve":
        messages.success(request, _("Approved: %(item)s for %(name)s.") % names)
    else:
        messages.success(request, _("Rejected: %(item)s for %(name)s.") % names)


def _staffed_hub(request, slug: str) -> Hub:
    hub = get_object_or_404(Hub, slug=slug)
    if not is_hub_staff(request.user, hub):
        raise PermissionDenied
    return hub


@login_required
def hub_staff(request, slug: str):
    hub = _staffed_hub(request, slug)
    today = timezone.localdate()
    context = {"hub": hub, "today": today, "items": items_managed(hub=hub), **hub_desk(hub, day=today)}
    return render(request, "sharing/hub_staff.html", context)


@login_required
@require_POST
def hub_decide(request, slug: str, reservation_id: int):
    """Approve or reject a pending booking of one of this hub's items."""
    hub = _staffed_hub(request, slug)
    reservation = get_object_or_404(
        Reservation.objects.select_related("item__hub", "borrower__profile"), pk=reservation_id, item__hub=hub
    )
    _decide(request, reservation)
    return redirect("sharing:hub", slug=hub.slug)
