"""The lender's side in HTML: hand out and take back (check-out / check-in with the condition
report and photos), refer a damaged unit to a repairer, the hub's reports (with a CSV of overdue
loans), and a resident's own items (create, edit, photos, withdraw). Hub staff reach these
under /laan/sentral/<hub>/ and only for that hub (other hubs' staff: 403, other hubs' bookings:
404); a resident under /laan/utlan/ and only for their own items (anyone else's: 404). Thin:
authorise, call one service or selector, render. Every flow works without JS."""

import csv
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import PhotoDescriptionForm, errors_as_messages
from places.models import Place
from sharing.forms import CheckInForm, CheckOutForm, ItemForm, PhotoUploadForm, ReferForm, ReportPeriodForm
from sharing.models import MAX_ITEM_PHOTOS, Hub, Item, ItemPhoto, Reservation, Unit
from sharing.permissions import can_manage_item
from sharing.selectors import (
    handover_reservation,
    hub_reports,
    local_midnight,
    overdue_loans,
    units_for_handover,
)
from sharing.services import (
    CheckIn,
    ReservationError,
    item_create,
    item_photo_add,
    item_photo_delete,
    item_photo_describe,
    item_photo_move,
    item_relist,
    item_update,
    item_withdraw,
    repairers_for_unit,
    reservation_check_in,
    reservation_check_out,
    unit_refer_to_repairer,
    unit_repaired,
)
from sharing.views import _staffed_hub, map_config

REPORT_DAYS = 30


def _hub_booking(request, slug: str, reservation_id: int) -> tuple[Hub, Reservation]:
    hub = _staffed_hub(request, slug)
    reservation = handover_reservation(reservation_id, item__hub=hub)
    if reservation is None:
        raise Http404
    return hub, reservation


def _own_booking(request, reservation_id: int) -> Reservation:
    reservation = handover_reservation(reservation_id, item__owner=request.user)
    if reservation is None:
        raise Http404
    return reservation


def _form_error(form, error: ReservationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


# --- Check-out ----------------------------------------------------------------------------------


def _check_out(request, reservation: Reservation, *, back: str):
    units = units_for_handover(reservation)
    form = CheckOutForm(_posted(request), reservation=reservation, units=units)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                reservation_check_out(
                    reservation=reservation,
                    by=request.user,
                    unit=form.cleaned_data["unit"],
                    accessories_present=form.cleaned_data.get("accessories", ()),
                    proof_verified=form.cleaned_data.get("proof_verified", False),
                )
            except ReservationError as error:
                _form_error(form, error)
                status = error.status
            else:
                messages.success(
                    request,
                    _("Handed out: %(unit)s to %(name)s.")
                    % {"unit": reservation.unit.label, "name": reservation.borrower.display_name},
                )
                return redirect(back)
        else:
            status = 400
    context = {"r": reservation, "form": form, "back": back}
    return render(request, "sharing/check_out.html", context, status=status)


@login_required
def hub_check_out(request, slug: str, reservation_id: int):
    hub, reservation = _hub_booking(request, slug, reservation_id)
    return _check_out(request, reservation, back=reverse("sharing:hub", args=[hub.slug]))


@login_required
def owner_check_out(request, reservation_id: int):
    return _check_out(request, _own_booking(request, reservation_id), back=reverse("sharing:lending"))


# --- Check-in -----------------------------------------------------------------------------------


def _check_in(request, reservation: Reservation, *, back: str, refer_url):
    form = CheckInForm(*_bound(request), reservation=reservation)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            report = CheckIn(
                condition=data["condition"],
                notes=data["notes"],
                accessories_returned=tuple(data.get("accessories", ())),
                pledge_bags=data.get("pledge_bags"),
                pledge_kg=data.get("pledge_kg"),
            )
            try:
                result = reservation_check_in(
                    reservation=reservation, by=request.user, report=report, photos=data["photos"]
                )
            except ReservationError as error:
                _form_error(form, error)
                status = error.status
            else:
                messages.success(
                    request,
                    _("Taken back: %(unit)s from %(name)s.")
                    % {"unit": reservation.unit.label, "name": reservation.borrower.display_name},
                )
                for booking in result.unplaced:
                    messages.warning(
                        request,
                        _("No other unit is free for %(name)s from %(start)s: contact %(email)s.")
                        % {
                            "name": booking.borrower.display_name,
                            "start": timezone.localtime(booking.start).strftime("%d.%m.%Y %H:%M"),
                            "email": booking.borrower.email,
                        },
                    )
                if result.unit_in_repair:
                    messages.info(
                        request,
                        _("%(unit)s is now in repair. You can ask a repairer about it here.")
                        % {"unit": reservation.unit.label},
                    )
                    return redirect(refer_url(reservation.unit_id))
                return redirect(back)
        else:
            status = 400
    context = {"r": reservation, "form": form, "back": back}
    return render(request, "sharing/check_in.html", context, status=status)


@login_required
def hub_check_in(request, slug: str, reservation_id: int):
    hub, reservation = _hub_booking(request, slug, reservation_id)
    return _check_in(
        request,
        reservation,
        back=reverse("sharing:hub", args=[hub.slug]),
        refer_url=lambda unit_id: reverse("sharing:hub_refer", args=[hub.slug, unit_id]),
    )


@login_required
def owner_check_in(request, reservation_id: int):
    return _check_in(
        request,
        _own_booking(request, reservation_id),
        back=reverse("sharing:lending"),
        refer_url=lambda unit_id: reverse("sharing:owner_refer", args=[unit_id]),
    )


# --- Damaged units: refer to a repairer, mark repaired --------------------------------------------


def _refer(request, unit: Unit, *, back: str):
    repairers = repairers_for_unit(unit, limit=5)
    form = ReferForm(_posted(request), repairers=repairers)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                conversation = unit_refer_to_repairer(
                    unit=unit,
                    repairer=form.cleaned_data["repairer"],
                    by=request.user,
                    note=form.cleaned_data["note"],
                )
            except ReservationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(
                    request, _("Sent to %(name)s.") % {"name": form.cleaned_data["repairer"].name}
                )
                return redirect("chat:thread", conversation_id=conversation.pk)
        else:
            status = 400
    context = {"unit": unit, "repairers": repairers, "form": form, "back": back}
    return render(request, "sharing/refer.html", context, status=status)


@login_required
def hub_refer(request, slug: str, unit_id: int):
    hub = _staffed_hub(request, slug)
    unit = get_object_or_404(Unit.objects.select_related("item__hub"), pk=unit_id, item__hub=hub)
    return _refer(request, unit, back=reverse("sharing:hub_reports", args=[hub.slug]))


@login_required
def owner_refer(request, unit_id: int):
    unit = get_object_or_404(Unit.objects.select_related("item"), pk=unit_id, item__owner=request.user)
    return _refer(request, unit, back=reverse("sharing:lending"))


def _repaired(request, unit: Unit) -> None:
    try:
        unit_repaired(unit=unit, by=request.user)
    except ReservationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(unit)s lends again.") % {"unit": unit.label})


@login_required
@require_POST
def hub_repaired(request, slug: str, unit_id: int):
    hub = _staffed_hub(request, slug)
    _repaired(request, get_object_or_404(Unit.objects.select_related("item__hub"), pk=unit_id, item__hub=hub))
    return redirect("sharing:hub_reports", slug=hub.slug)


@login_required
@require_POST
def owner_repaired(request, unit_id: int):
    _repaired(
        request, get_object_or_404(Unit.objects.select_related("item"), pk=unit_id, item__owner=request.user)
    )
    return redirect("sharing:lending")


# --- Reports ------------------------------------------------------------------------------------


@login_required
def hub_reports_view(request, slug: str):
    hub = _staffed_hub(request, slug)
    today = timezone.localdate()
    default = {"start": today - timedelta(days=REPORT_DAYS - 1), "end": today}
    form = ReportPeriodForm(request.GET if "start" in request.GET else None, initial=default)
    period, status = default, 200
    if form.is_bound:
        if form.is_valid():
            period = form.cleaned_data
        else:
            status = 400
    start, end = local_midnight(period["start"]), local_midnight(period["end"] + timedelta(days=1))
    context = {"hub": hub, "form": form, "period": period, **hub_reports(hub, start=start, end=end)}
    return render(request, "sharing/hub_reports.html", context, status=status)


def _csv_cell(value) -> str:
    """A spreadsheet does not run a cell that starts like a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def hub_overdue_csv(request, slug: str):
    hub = _staffed_hub(request, slug)
    now = timezone.now()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{hub.slug}-overdue-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    response.write("\ufeff")  # Excel reads UTF-8 (æøå) only with a byte order mark
    writer = csv.writer(response)
    writer.writerow([_("Item"), _("Unit"), _("Borrower"), _("Email"), _("Due back"), _("Days late")])
    for loan in overdue_loans(hub):
        writer.writerow(
            _csv_cell(value)
            for value in (
                loan.item.title,
                loan.unit.label,
                loan.borrower.display_name,
                loan.borrower.email,
                timezone.localtime(loan.end).strftime("%Y-%m-%d %H:%M"),
                (now - loan.end).days,
            )
        )
    return response


# --- A resident's own items ---------------------------------------------------------------------


def _home_place(user) -> Place | None:
    profile = getattr(user, "profile", None)
    return getattr(profile, "home_place", None)


@login_required
def item_new(request):
    form = ItemForm(*_bound(request), home_place=_home_place(request.user))
    if request.method == "POST" and form.is_valid():
        item = item_create(
            data=form.item_data(),
            owner=request.user,
            location=form.cleaned_data["location"],
            photos=form.cleaned_data["photos"],
        )
        messages.success(request, _("%(item)s can now be borrowed.") % {"item": item.title})
        return redirect("sharing:item_edit", item_id=item.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "creating": True, "map_config": map_config()}
    return render(request, "sharing/item_form.html", context, status=status)


def _managed_item(request, item_id: int) -> Item:
    """An item the user lends or, for a hub's item, helps lend as the hub's staff; 404 for
    anyone else (they need not learn what exists beyond what is public)."""
    item = get_object_or_404(Item.objects.select_related("category", "hub"), pk=item_id)
    if not can_manage_item(request.user, item):
        raise Http404
    return item


def _back_to(item: Item) -> str:
    """Where an item's managers come from: the hub's desk, or their own lending page."""
    return reverse("sharing:hub", args=[item.hub.slug]) if item.hub_id else reverse("sharing:lending")


def _item_form(item: Item, *args, **kwargs) -> ItemForm:
    return ItemForm(*args, with_photos=False, editing=True, hub_item=bool(item.hub_id), **kwargs)


@login_required
def item_edit(request, item_id: int):
    item = _managed_item(request, item_id)
    if request.method == "POST":
        form = _item_form(item, request.POST)
        if form.is_valid():
            item_update(
                item=item, by=request.user, data=form.item_data(), location=form.cleaned_data["location"]
            )
            messages.success(request, _("Saved."))
            return redirect("sharing:item_edit", item_id=item.pk)
        status = 400
    else:
        form = _item_form(item, initial=ItemForm.initial_of(item))
        status = 200
    return render(request, "sharing/item_form.html", _edit_context(item, form), status=status)


def _edit_context(item: Item, form, photo_form=None) -> dict:
    room = MAX_ITEM_PHOTOS - item.photos.count()
    return {
        "item": item,
        "form": form,
        "photos": item.photos.all(),
        "photo_form": photo_form or PhotoUploadForm(room=room),
        "room": room,
        "map_config": map_config(),
        "back_url": _back_to(item),
    }


@login_required
@require_POST
def item_photos(request, item_id: int):
    """Add, describe, reorder or delete the photos of one's own item."""
    item = _managed_item(request, item_id)
    action = request.POST.get("action")
    if action == "add":
        photo_form = PhotoUploadForm(request.POST, request.FILES, room=MAX_ITEM_PHOTOS - item.photos.count())
        if not photo_form.is_valid():
            form = _item_form(item, initial=ItemForm.initial_of(item))
            return render(
                request, "sharing/item_form.html", _edit_context(item, form, photo_form), status=400
            )
        try:
            for image in photo_form.cleaned_data["photos"]:
                item_photo_add(item=item, image=image, by=request.user)
        except ReservationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Photos added."))
        return redirect("sharing:item_edit", item_id=item.pk)
    photo = (
        ItemPhoto.objects.filter(pk=_int(request.POST.get("photo")), item=item).select_related("item").first()
    )
    if photo is None:
        messages.error(request, _("That photo is not there any more."))
    elif action == "describe":
        describe = PhotoDescriptionForm(request.POST)
        if not describe.is_valid():
            errors_as_messages(request, describe)
            form = _item_form(item, initial=ItemForm.initial_of(item))
            return render(request, "sharing/item_form.html", _edit_context(item, form), status=400)
        item_photo_describe(photo=photo, by=request.user, alt_text=describe.cleaned_data["alt_text"])
        messages.success(request, _("Description saved."))
    elif action in ("earlier", "later"):
        item_photo_move(photo=photo, by=request.user, offset=-1 if action == "earlier" else 1)
    elif action == "delete":
        item_photo_delete(photo=photo, by=request.user)
        messages.success(request, _("Photo deleted."))
    else:
        messages.error(request, _("Choose what to do with the photo."))
    return redirect("sharing:item_edit", item_id=item.pk)


def _int(value) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


@login_required
@require_POST
def item_withdraw_view(request, item_id: int):
    item = _managed_item(request, item_id)
    try:
        cancelled = item_withdraw(item=item, by=request.user)
    except ReservationError as error:
        messages.error(request, error.message)
    else:
        message = _("%(item)s is withdrawn: nobody can book it.") % {"item": item.title}
        if cancelled:
            message += " " + _("%(n)s coming bookings were cancelled and the borrowers told.") % {
                "n": len(cancelled)
            }
        messages.success(request, message)
    return redirect(_back_to(item))


@login_required
@require_POST
def item_relist_view(request, item_id: int):
    item = _managed_item(request, item_id)
    try:
        item_relist(item=item, by=request.user)
    except ReservationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(item)s can be borrowed again.") % {"item": item.title})
    return redirect(_back_to(item))


# --- Write to the borrower about a booking ------------------------------------------------------


def _message_borrower(request, reservation: Reservation, *, back: str):
    from chat.services import ChatError, conversation_open

    try:
        conversation, _created = conversation_open(
            user=request.user, other=reservation.borrower, subject=reservation.item
        )
    except ChatError as error:
        messages.error(request, error.message)
        return redirect(back)
    return redirect("chat:thread", conversation_id=conversation.pk)


@login_required
@require_POST
def hub_message(request, slug: str, reservation_id: int):
    hub, reservation = _hub_booking(request, slug, reservation_id)
    return _message_borrower(request, reservation, back=reverse("sharing:hub", args=[hub.slug]))


@login_required
@require_POST
def owner_message(request, reservation_id: int):
    return _message_borrower(request, _own_booking(request, reservation_id), back=reverse("sharing:lending"))


def _posted(request):
    """The POST data when posted (an empty POST is a bound, invalid form), else None."""
    return request.POST if request.method == "POST" else None


def _bound(request) -> tuple:
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)
