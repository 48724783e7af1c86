"""Every write in lending: items and units, reservations and their decisions. Keyword-only
arguments; side effects on commit. The no-double-booking guarantee is the database's (the
exclusion constraint on Reservation); these services choose a free unit, explain refusals and
keep the per-borrower limits under concurrent requests."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.errors import RefusedChange
from core.images import SanitizedImage
from core.photos import files_removed_on_failure, photo_add, photo_delete, photo_store
from places.geo import fuzz_point
from sharing.models import (
    MAX_ITEM_PHOTOS,
    MAX_RETURN_PHOTOS,
    Hub,
    HubStaff,
    Item,
    ItemPhoto,
    Reservation,
    ReturnPhoto,
    Unit,
    WaitlistEntry,
)
from sharing.permissions import can_manage_item
from sharing.selectors import hub_opening_hours, next_free_period, units_free_for

CONSTRAINT = "reservation_no_overlap"


class ReservationError(RefusedChange):
    """A refused booking or change, with a message for the person; `status` is the HTTP status
    to answer (400 bad period, 403 not allowed, 409 no unit free) and `suggestion` the next free
    period when there is one."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        field: str | None = None,
        suggestion: tuple[datetime, datetime] | None = None,
    ):
        super().__init__(message, status=status)
        self.field = field
        self.suggestion = suggestion


# --- Items ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemData:
    title: str
    category: object
    description: str = ""
    max_loan_days: int = 7
    min_notice_hours: int = 0
    deposit: str = ""
    age_limit: int | None = None
    required_proof: str = ""
    accessories: tuple[str, ...] = ()
    pledge: str = ""
    requires_approval: bool = False


def item_create(
    *,
    data: ItemData,
    hub: Hub | None = None,
    owner=None,
    location: Point | None = None,
    units: int = 1,
    photos=(),
) -> Item:
    """A hub's item (at the hub) or a resident's own (`owner` and the exact `location`, kept
    private; the public point is fuzzed once). `units` identical copies are created, and the
    sanitized `photos` (core.images) stored in order, the first the cover."""
    if (hub is None) == (owner is None):
        raise ValueError("An item belongs to a hub or to a person.")
    if units < 1:
        raise ReservationError(_("An item needs at least one unit."), field="units")
    item = Item(
        hub=hub,
        owner=owner,
        title=data.title,
        description=data.description,
        category=data.category,
        max_loan_days=data.max_loan_days,
        min_notice_hours=data.min_notice_hours,
        deposit=data.deposit,
        age_limit=data.age_limit,
        required_proof=data.required_proof,
        accessories=list(data.accessories),
        pledge=data.pledge,
        requires_approval=data.requires_approval,
    )
    if hub is not None:
        item.location = item.public_location = hub.location
    else:
        if location is None:
            raise ReservationError(_("Choose where the item can be picked up."), field="location")
        item.location = location
        item.public_location = fuzz_point(location, key=f"item:{item.fuzz_seed}")
    if len(photos) > MAX_ITEM_PHOTOS:
        raise ReservationError(
            _("An item can have at most %(n)s photos.") % {"n": MAX_ITEM_PHOTOS}, field="photos"
        )
    with files_removed_on_failure() as written, transaction.atomic():
        item.save()
        Unit.objects.bulk_create(
            Unit(item=item, label=f"{data.title[:50]} {n}" if units > 1 else data.title[:60])
            for n in range(1, units + 1)
        )
        for position, image in enumerate(photos, start=1):
            written += photo_store(
                ItemPhoto, image, folder=f"items/{item.pk}", item=item, position=position
            ).stored_files()
    return item


# --- Reservations --------------------------------------------------------------------------------


def _check_period(*, item: Item, start: datetime, end: datetime, now: datetime) -> None:
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValueError("Reservation times must be aware.")
    if start >= end:
        raise ReservationError(_("The end must be after the start."), field="end")
    if start < now:
        raise ReservationError(_("The start is in the past."), field="start")
    if start < now + timedelta(hours=item.min_notice_hours):
        raise ReservationError(
            _("Book at least %(hours)s hours in advance.") % {"hours": item.min_notice_hours}, field="start"
        )
    if end - start > timedelta(days=item.max_loan_days):
        raise ReservationError(
            _("You can borrow this for at most %(days)s days.") % {"days": item.max_loan_days}, field="end"
        )


def _check_opening_hours(*, item: Item, start: datetime | None, end: datetime) -> None:
    """A hub's item is picked up and returned while the hub is open (a return at closing time
    is fine). Hubs that keep no hours do not limit the times."""
    if item.hub_id is None:
        return
    hours = hub_opening_hours(item.hub)
    if not hours.has_hours:
        return
    if start is not None and not hours.is_open_at(start):
        raise ReservationError(
            _("%(hub)s is closed at the pickup time. Choose a time when it is open.")
            % {"hub": item.hub.name},
            field="start",
        )
    if not (hours.is_open_at(end) or hours.is_open_at(end - timedelta(minutes=1))):
        raise ReservationError(
            _("%(hub)s is closed at the return time. Choose a time when it is open.")
            % {"hub": item.hub.name},
            field="end",
        )


def _check_borrower(
    *, item: Item, borrower, pledge_accepted: bool, proof_confirmed: bool, now: datetime
) -> None:
    if not borrower.is_active:
        raise ReservationError(_("Your account cannot book."), status=403)
    if item.owner_id == borrower.pk:
        raise ReservationError(_("This is your own item."), status=400)
    if item.pledge and not pledge_accepted:
        raise ReservationError(_("Accept the pledge to borrow this."), field="pledge_accepted")
    if item.required_proof and not proof_confirmed:
        raise ReservationError(
            _("Confirm that you have: %(proof)s.") % {"proof": item.required_proof}, field="proof_confirmed"
        )
    overdue = Reservation.objects.filter(
        borrower=borrower, status=Reservation.Status.CHECKED_OUT, end__lt=now
    )
    if overdue.exists():
        raise ReservationError(
            _("Return what you have borrowed that is overdue before booking something new."), status=403
        )
    if item.hub_id is not None:
        active = Reservation.objects.filter(
            borrower=borrower, item__hub_id=item.hub_id, status__in=Reservation.ACTIVE
        ).count()
        if active >= item.hub.max_active_per_user:
            raise ReservationError(
                _("You already have %(n)s active bookings at %(hub)s, the most it allows.")
                % {"n": active, "hub": item.hub.name},
                status=403,
            )


def _no_unit_free(item: Item, start: datetime, end: datetime) -> ReservationError:
    suggestion = next_free_period(item, after=start, length=end - start)
    message = _("No %(item)s is free for that period.") % {"item": item.title}
    if suggestion is not None:
        message += " " + _("The next free period is %(start)s – %(end)s.") % {
            "start": date_format(timezone.localtime(suggestion[0]), "SHORT_DATETIME_FORMAT"),
            "end": date_format(timezone.localtime(suggestion[1]), "SHORT_DATETIME_FORMAT"),
        }
    return ReservationError(message, status=409, suggestion=suggestion)


def reservation_create(
    *,
    item: Item,
    borrower,
    start: datetime,
    end: datetime,
    pledge_accepted: bool = False,
    proof_confirmed: bool = False,
) -> Reservation:
    """Book any free unit of `item` for [start, end): pending where approval is needed, else
    confirmed. Raises ReservationError (409 with the next free period when no unit is free).

    Concurrency: the borrower's row is locked for the transaction, so their limits hold under
    parallel requests; each candidate unit is tried in a savepoint, and the exclusion constraint
    decides between two people racing for the last unit (the loser tries the next one)."""
    now = timezone.now()
    _check_period(item=item, start=start, end=end, now=now)
    _check_opening_hours(item=item, start=start, end=end)
    if item.status != Item.Status.AVAILABLE:
        raise ReservationError(_("This item cannot be booked at the moment."), status=409)
    status = Reservation.Status.PENDING if item.needs_approval else Reservation.Status.CONFIRMED
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=borrower.pk).first()
        _check_borrower(
            item=item,
            borrower=borrower,
            pledge_accepted=pledge_accepted,
            proof_confirmed=proof_confirmed,
            now=now,
        )
        for unit in units_free_for(item, start, end):
            try:
                with transaction.atomic():
                    reservation = Reservation.objects.create(
                        item=item,
                        unit=unit,
                        borrower=borrower,
                        start=start,
                        end=end,
                        status=status,
                        pledge_accepted=bool(item.pledge) and pledge_accepted,
                        proof_confirmed=bool(item.required_proof) and proof_confirmed,
                    )
                if status == Reservation.Status.PENDING:
                    _notify(reservation.pk, "needs_approval")
                return reservation
            except IntegrityError as error:
                if CONSTRAINT not in str(error):
                    raise
                # Someone took this unit for an overlapping period a moment ago: try the next.
    raise _no_unit_free(item, start, end)


def reservation_cancel(*, reservation: Reservation, by) -> Reservation:
    """The borrower (or the hub's staff / the owner) cancels a booking that has not been picked
    up. Its period is free again at once."""
    if by.pk != reservation.borrower_id and not can_manage_item(by, reservation.item):
        raise ReservationError(_("Not found."), status=404)
    if reservation.status not in (
        Reservation.Status.HELD,
        Reservation.Status.PENDING,
        Reservation.Status.CONFIRMED,
    ):
        raise ReservationError(_("Only a booking that has not been picked up can be cancelled."), status=409)
    with transaction.atomic():
        reservation.status = Reservation.Status.CANCELLED
        reservation.cancelled_at = timezone.now()
        reservation.save(update_fields=["status", "cancelled_at"])
        WaitlistEntry.objects.filter(offer=reservation, status=WaitlistEntry.Status.OFFERED).update(
            status=WaitlistEntry.Status.WITHDRAWN
        )
        _offer_freed_period(reservation.item_id)
    return reservation


def reservation_decide(*, reservation: Reservation, by, approve: bool) -> Reservation:
    """Staff of the item's hub (or the personal owner) approve or reject a pending booking."""
    if not can_manage_item(by, reservation.item):
        raise ReservationError(_("Only the hub's staff or the owner can decide."), status=403)
    if reservation.status != Reservation.Status.PENDING:
        raise ReservationError(_("This booking is not waiting for a decision."), status=409)
    reservation.status = Reservation.Status.CONFIRMED if approve else Reservation.Status.REJECTED
    reservation.decided_at = timezone.now()
    reservation.decided_by = by
    reservation.save(update_fields=["status", "decided_at", "decided_by"])
    _notify(reservation.pk, "approved" if approve else "rejected")
    return reservation


# --- Check-out and check-in --------------------------------------------------------------------


def reservation_check_out(
    *,
    reservation: Reservation,
    by,
    accessories_present=(),
    proof_verified: bool = False,
    unit: Unit | None = None,
) -> Reservation:
    """Staff of the hub (or the owner) hand the unit out: from the booking's first day until its
    end. Records who, when, the accessories handed out and that the proof was seen. `unit`: the
    copy actually handed out when it is another than the booked one (it must be free for the
    booking's period; the exclusion constraint decides)."""
    item = reservation.item
    if not can_manage_item(by, item):
        raise ReservationError(_("Only the hub's staff or the owner can hand items out."), status=403)
    if reservation.status != Reservation.Status.CONFIRMED:
        raise ReservationError(_("Only a confirmed booking can be handed out."), status=409)
    now = timezone.now()
    if timezone.localdate(now) < timezone.localdate(reservation.start):
        raise ReservationError(_("This booking starts on a later day."), status=409)
    if now >= reservation.end:
        raise ReservationError(_("This booking has already ended."), status=409)
    if item.required_proof and not proof_verified:
        raise ReservationError(
            _("Check the borrower's proof (%(proof)s) before handing out.") % {"proof": item.required_proof},
            field="proof_verified",
        )
    unknown = set(accessories_present) - set(item.accessories)
    if unknown:
        raise ReservationError(_("Unknown accessories: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    fields = ["status", "checked_out_at", "checked_out_by", "accessories_out", "proof_verified"]
    if unit is not None and unit.pk != reservation.unit_id:
        _check_unit_swap(reservation, unit)
        fields.append("unit")
    reservation.status = Reservation.Status.CHECKED_OUT
    reservation.checked_out_at = now
    reservation.checked_out_by = by
    reservation.accessories_out = [a for a in item.accessories if a in set(accessories_present)]
    reservation.proof_verified = bool(item.required_proof) and proof_verified
    try:
        with transaction.atomic():
            if "unit" in fields:
                reservation.unit = unit
            reservation.save(update_fields=fields)
    except IntegrityError as error:
        if CONSTRAINT not in str(error):
            raise
        reservation.refresh_from_db()
        raise ReservationError(
            _("%(unit)s is booked by someone else in this period.") % {"unit": unit.label},
            status=409,
            field="unit",
        ) from None
    return reservation


def _check_unit_swap(reservation: Reservation, unit: Unit) -> None:
    if unit.item_id != reservation.item_id or unit.status != Unit.Status.AVAILABLE:
        raise ReservationError(_("Choose a unit of this item that can be lent."), field="unit")


@dataclass(frozen=True)
class CheckIn:
    condition: str
    notes: str = ""
    accessories_returned: tuple[str, ...] = ()
    pledge_bags: int | None = None
    pledge_kg: float | None = None


@dataclass(frozen=True)
class CheckInResult:
    reservation: Reservation
    unit_in_repair: bool
    # Future bookings of a unit sent to repair that no other unit could take: staff contact them.
    unplaced: tuple[Reservation, ...] = ()


def reservation_check_in(*, reservation: Reservation, by, report: CheckIn, photos=()) -> CheckInResult:
    """The unit comes back with a condition report (and up to MAX_RETURN_PHOTOS sanitized
    `photos`, core.images). Damaged or incomplete: the unit goes to repair and its future
    bookings move to other free units where they can. The loan is added to the impact ledger
    (category, date returned)."""
    from catalog.models import ImpactEntry
    from catalog.services import impact_record

    item = reservation.item
    if not can_manage_item(by, item):
        raise ReservationError(_("Only the hub's staff or the owner can take items back."), status=403)
    if reservation.status != Reservation.Status.CHECKED_OUT:
        raise ReservationError(_("This item is not out on this booking."), status=409)
    if report.condition not in Reservation.Condition.values:
        raise ReservationError(_("Choose the condition."), field="condition")
    for value, field in ((report.pledge_bags, "pledge_bags"), (report.pledge_kg, "pledge_kg")):
        if value is not None and not 0 <= value <= 10_000:
            raise ReservationError(_("Give a number between 0 and 10000."), field=field)
    if len(photos) > MAX_RETURN_PHOTOS:
        raise ReservationError(_("Add at most %(n)s photos.") % {"n": MAX_RETURN_PHOTOS}, field="photos")
    now = timezone.now()
    to_repair = report.condition in (Reservation.Condition.DAMAGED, Reservation.Condition.MISSING_PARTS)
    with files_removed_on_failure() as written, transaction.atomic():
        reservation.status = Reservation.Status.RETURNED
        reservation.returned_at = now
        reservation.returned_by = by
        reservation.return_condition = report.condition
        reservation.return_notes = report.notes[:5000]
        reservation.accessories_in = [a for a in item.accessories if a in set(report.accessories_returned)]
        reservation.pledge_bags = report.pledge_bags if item.pledge else None
        reservation.pledge_kg = report.pledge_kg if item.pledge else None
        reservation.save()
        for position, image in enumerate(photos, start=1):
            written += photo_store(
                ReturnPhoto,
                image,
                folder=f"returns/{reservation.pk}",
                reservation=reservation,
                position=position,
            ).stored_files()
        unplaced: tuple[Reservation, ...] = ()
        if to_repair:
            Unit.objects.filter(pk=reservation.unit_id).update(status=Unit.Status.IN_REPAIR)
            unplaced = _move_future_bookings(reservation.unit_id, after=now)
            if not Unit.objects.filter(item=item, status=Unit.Status.AVAILABLE).exists():
                Item.objects.filter(pk=item.pk).update(status=Item.Status.IN_REPAIR)
        impact_record(
            kind=ImpactEntry.Kind.LOAN,
            category=item.category,
            occurred_on=timezone.localdate(now),
            source="sharing.reservation",
            source_id=reservation.pk,
            point=item.public_location,
            loan_days=_days_borrowed(reservation.checked_out_at or reservation.start, now),
            pledge_bags=reservation.pledge_bags,
            pledge_kg=reservation.pledge_kg,
        )
    return CheckInResult(reservation=reservation, unit_in_repair=to_repair, unplaced=unplaced)


def _days_borrowed(start: datetime, end: datetime) -> int:
    """Days out, counting a started day as one (a loan returned the same day is one day)."""
    return max(1, math.ceil((end - start).total_seconds() / 86_400))


def _move_future_bookings(unit_id: int, *, after: datetime) -> tuple[Reservation, ...]:
    """Give the unit's coming bookings another free unit; return those that found none."""
    unplaced = []
    coming = Reservation.objects.filter(
        unit_id=unit_id,
        status__in=(Reservation.Status.HELD, Reservation.Status.PENDING, Reservation.Status.CONFIRMED),
        end__gt=after,
    ).select_related("item")
    for booking in coming.order_by("start"):
        for unit in units_free_for(booking.item, booking.start, booking.end).exclude(pk=unit_id):
            try:
                with transaction.atomic():
                    Reservation.objects.filter(pk=booking.pk).update(unit=unit)
                break
            except IntegrityError as error:
                if CONSTRAINT not in str(error):
                    raise
        else:
            unplaced.append(booking)
    return tuple(unplaced)


# --- Reminders ------------------------------------------------------------------------------------


def loans_remind_due(*, now: datetime | None = None) -> int:
    """Borrowed items due back tomorrow get one reminder, and another on the due day. Returns
    how many emails were sent. Each is claimed first, so two workers never send the same one."""
    from accounts.notify import send_to_user

    now = now or timezone.now()
    today = timezone.localdate(now)
    out = Reservation.objects.filter(status=Reservation.Status.CHECKED_OUT).select_related(
        "item__hub", "borrower__profile"
    )
    sent = 0
    for loan in out.filter(end__gt=now, reminded_before_at__isnull=True):
        if timezone.localdate(loan.end) != today + timedelta(days=1):
            continue
        if Reservation.objects.filter(pk=loan.pk, reminded_before_at__isnull=True).update(
            reminded_before_at=now
        ):
            send_to_user(user=loan.borrower, template="sharing/email/due_tomorrow", context={"loan": loan})
            sent += 1
    for loan in out.filter(reminded_due_at__isnull=True):
        if timezone.localdate(loan.end) > today:
            continue
        if Reservation.objects.filter(pk=loan.pk, reminded_due_at__isnull=True).update(reminded_due_at=now):
            send_to_user(user=loan.borrower, template="sharing/email/due_today", context={"loan": loan})
            sent += 1
    return sent


# --- Hubs and catalogue (staff tools) --------------------------------------------------------------


def hub_staff_set(*, hub: Hub, users) -> None:
    """Exactly these people staff the hub; each gets the hub_staff role."""
    from accounts.models import Role
    from accounts.services import user_add_role

    wanted = {u.pk: u for u in users}
    with transaction.atomic():
        HubStaff.objects.filter(hub=hub).exclude(user_id__in=wanted).delete()
        for user in wanted.values():
            HubStaff.objects.get_or_create(hub=hub, user=user)
            user_add_role(user=user, role=Role.HUB_STAFF)


def item_units_set(*, item: Item, count: int) -> None:
    """Grow or shrink an item to `count` lendable units. Shrinking retires the newest units that
    hold no coming or current bookings; it refuses when too few are free of them."""
    if count < 1:
        raise ReservationError(_("An item needs at least one unit."), field="units")
    with transaction.atomic():
        lendable = list(
            Unit.objects.select_for_update().filter(item=item, status=Unit.Status.AVAILABLE).order_by("pk")
        )
        if count > len(lendable):
            taken = set(Unit.objects.filter(item=item).values_list("label", flat=True))
            new, n = [], 1
            while len(new) < count - len(lendable):
                label = f"{item.title[:50]} {n}"
                if label not in taken:
                    new.append(Unit(item=item, label=label))
                n += 1
            Unit.objects.bulk_create(new)
            return
        surplus = len(lendable) - count
        busy = set(
            Reservation.objects.filter(
                unit__in=lendable, status__in=Reservation.ACTIVE, end__gt=timezone.now()
            ).values_list("unit_id", flat=True)
        )
        idle = [u for u in reversed(lendable) if u.pk not in busy][:surplus]
        if len(idle) < surplus:
            raise ReservationError(
                _("Only %(n)s units have no bookings ahead; cancel or move bookings first.")
                % {"n": len(idle)},
                field="units",
            )
        Unit.objects.filter(pk__in=[u.pk for u in idle]).update(status=Unit.Status.RETIRED)


# --- Waitlist -----------------------------------------------------------------------------------

HOLD_FOR = timedelta(hours=24)


def waitlist_join(
    *,
    item: Item,
    user,
    start: datetime,
    end: datetime,
    pledge_accepted: bool = False,
    proof_confirmed: bool = False,
) -> WaitlistEntry:
    """Queue for a period in which no unit is free. The same rules as booking apply, so that an
    offer can become a booking without asking again."""
    now = timezone.now()
    _check_period(item=item, start=start, end=end, now=now)
    if item.owner_id == user.pk:
        raise ReservationError(_("This is your own item."))
    if item.pledge and not pledge_accepted:
        raise ReservationError(_("Accept the pledge to borrow this."), field="pledge_accepted")
    if item.required_proof and not proof_confirmed:
        raise ReservationError(
            _("Confirm that you have: %(proof)s.") % {"proof": item.required_proof}, field="proof_confirmed"
        )
    if units_free_for(item, start, end).exists():
        raise ReservationError(_("A unit is free for that period: book it instead."), status=409)
    try:
        with transaction.atomic():
            return WaitlistEntry.objects.create(
                item=item,
                user=user,
                start=start,
                end=end,
                pledge_accepted=pledge_accepted,
                proof_confirmed=proof_confirmed,
            )
    except IntegrityError:
        raise ReservationError(_("You are already on the waitlist for this period."), status=409) from None


def _offer_freed_period(item_id: int) -> None:
    transaction.on_commit(lambda: _enqueue_offer(item_id))


def _enqueue_offer(item_id: int) -> None:
    from sharing.tasks import waitlist_offer_task

    waitlist_offer_task.enqueue(item_id)


def waitlist_offer(*, item: Item, now: datetime | None = None) -> list[WaitlistEntry]:
    """Offer free units to waiting people in queue order: each whose period now fits gets a
    held reservation for HOLD_FOR and an email. Entries whose period has begun expire."""
    from accounts.notify import send_to_user

    now = now or timezone.now()
    offered = []
    waiting = WaitlistEntry.objects.filter(item=item, status=WaitlistEntry.Status.WAITING).select_related(
        "user"
    )
    for entry in waiting:
        if entry.start <= now:
            WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.EXPIRED)
            continue
        with transaction.atomic():
            # Two workers offering at once: each entry is handled by one of them.
            locked = (
                WaitlistEntry.objects.select_for_update(skip_locked=True)
                .filter(pk=entry.pk, status=WaitlistEntry.Status.WAITING)
                .first()
            )
            hold = _hold_a_unit(item, locked, until=now + HOLD_FOR) if locked else None
            if hold is None:
                continue
            locked.status, locked.offer = WaitlistEntry.Status.OFFERED, hold
            locked.save(update_fields=["status", "offer"])
        send_to_user(
            user=entry.user, template="sharing/email/waitlist_offer", context={"entry": locked, "hold": hold}
        )
        offered.append(locked)
    return offered


def _hold_a_unit(item: Item, entry: WaitlistEntry, *, until: datetime) -> Reservation | None:
    for unit in units_free_for(item, entry.start, entry.end):
        try:
            with transaction.atomic():
                return Reservation.objects.create(
                    item=item,
                    unit=unit,
                    borrower_id=entry.user_id,
                    start=entry.start,
                    end=entry.end,
                    status=Reservation.Status.HELD,
                    hold_until=until,
                    pledge_accepted=entry.pledge_accepted,
                    proof_confirmed=entry.proof_confirmed,
                )
        except IntegrityError as error:
            if CONSTRAINT not in str(error):
                raise
    return None


def waitlist_accept(*, entry: WaitlistEntry, by) -> Reservation:
    """The person offered a held period takes it: it becomes a booking (pending where approval
    is needed)."""
    if by.pk != entry.user_id:
        raise ReservationError(_("Not found."), status=404)
    hold = entry.offer
    if entry.status != WaitlistEntry.Status.OFFERED or hold is None or hold.status != Reservation.Status.HELD:
        raise ReservationError(_("This offer is no longer open."), status=409)
    if hold.hold_until <= timezone.now():
        raise ReservationError(_("This offer has expired."), status=409)
    with transaction.atomic():
        hold.status = (
            Reservation.Status.PENDING if entry.item.needs_approval else Reservation.Status.CONFIRMED
        )
        hold.hold_until = None
        hold.save(update_fields=["status", "hold_until"])
        WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.BOOKED)
        if hold.status == Reservation.Status.PENDING:
            _notify(hold.pk, "needs_approval")
    return hold


def waitlist_leave(*, entry: WaitlistEntry, by) -> None:
    """Leave the queue (or decline an offer, which passes it on to the next in line)."""
    if by.pk != entry.user_id:
        raise ReservationError(_("Not found."), status=404)
    if entry.status not in WaitlistEntry.OPEN:
        raise ReservationError(_("You are not waiting for this any more."), status=409)
    with transaction.atomic():
        WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.WITHDRAWN)
        if entry.offer_id and Reservation.objects.filter(
            pk=entry.offer_id, status=Reservation.Status.HELD
        ).update(status=Reservation.Status.CANCELLED, cancelled_at=timezone.now()):
            _offer_freed_period(entry.item_id)


def waitlist_move(*, entry: WaitlistEntry, by, position: int) -> None:
    """Staff reorder the queue (lower goes first)."""
    if not can_manage_item(by, entry.item):
        raise ReservationError(_("Only the hub's staff or the owner can reorder the waitlist."), status=403)
    WaitlistEntry.objects.filter(pk=entry.pk).update(position=max(0, min(position, 1_000_000)))


def holds_expire_due(*, now: datetime | None = None) -> int:
    """Offers not taken in time: the hold is released and the next in line is offered it."""
    now = now or timezone.now()
    expired = 0
    for hold in Reservation.objects.filter(status=Reservation.Status.HELD, hold_until__lte=now):
        with transaction.atomic():
            if not Reservation.objects.filter(pk=hold.pk, status=Reservation.Status.HELD).update(
                status=Reservation.Status.CANCELLED, cancelled_at=now
            ):
                continue
            WaitlistEntry.objects.filter(offer_id=hold.pk, status=WaitlistEntry.Status.OFFERED).update(
                status=WaitlistEntry.Status.EXPIRED
            )
            _offer_freed_period(hold.item_id)
            expired += 1
    return expired


# --- Extensions -------------------------------------------------------------------------------------


def reservation_extend(*, reservation: Reservation, by, until: datetime) -> Reservation:
    """The borrower keeps the same unit longer, if that unit is free until `until` and the loan
    stays within the item's longest loan."""
    if by.pk != reservation.borrower_id:
        raise ReservationError(_("Not found."), status=404)
    if reservation.status not in (Reservation.Status.CONFIRMED, Reservation.Status.CHECKED_OUT):
        raise ReservationError(_("Only a confirmed or current loan can be extended."), status=409)
    if timezone.is_naive(until):
        raise ValueError("Reservation times must be aware.")
    if until <= reservation.end:
        raise ReservationError(_("Choose an end after the current one."), field="end")
    if reservation.is_overdue:
        raise ReservationError(_("This loan is overdue: return it first."), status=403)
    item = reservation.item
    if until - reservation.start > timedelta(days=item.max_loan_days):
        raise ReservationError(
            _("You can borrow this for at most %(days)s days.") % {"days": item.max_loan_days}, field="end"
        )
    _check_opening_hours(item=item, start=None, end=until)
    previous = reservation.end
    try:
        with transaction.atomic():
            reservation.end = until
            reservation.save(update_fields=["end"])
    except IntegrityError as error:
        if CONSTRAINT not in str(error):
            raise
        reservation.end = previous
        raise ReservationError(
            _("Someone has booked it after you; it cannot be extended to then."), status=409
        ) from None
    return reservation


def reservations_extend_all(
    *, borrower, days: int
) -> tuple[list[Reservation], list[tuple[Reservation, str]]]:
    """ "Extend all": each of the borrower's current loans by `days` where it can be; returns the
    extended ones and the others with the reason."""
    extended, refused = [], []
    current = Reservation.objects.filter(
        borrower=borrower, status=Reservation.Status.CHECKED_OUT
    ).select_related("item")
    for loan in current.order_by("end"):
        try:
            extended.append(
                reservation_extend(reservation=loan, by=borrower, until=loan.end + timedelta(days=days))
            )
        except ReservationError as error:
            refused.append((loan, error.message))
    return extended, refused


def hub_hours_set(*, hub: Hub, intervals) -> None:
    """Replace the hub's weekly hours (validated by places.forms.WeeklyHoursForm)."""
    from sharing.models import HubHours

    with transaction.atomic():
        hub.weekly_hours.all().delete()
        HubHours.objects.bulk_create(
            HubHours(hub=hub, weekday=i.weekday, opens=i.opens, closes=i.closes) for i in intervals
        )


# --- Damaged returns to a repairer ------------------------------------------------------------------


def repairers_for_unit(unit: Unit, *, limit: int = 3) -> list:
    """Published repairers near the hub (or owner) that fix the item's category: the check-in
    screen's suggestions for a damaged return (sharing may call repair's selectors)."""
    from repair.selectors import repairers_near

    return repairers_near(category_ids=[unit.item.category_id], point=unit.item.public_location, limit=limit)


def unit_refer_to_repairer(*, unit: Unit, repairer, by, note: str = ""):
    """Ask a repairer about a damaged unit: opens (or reopens) the conversation with the
    repairer from the person who manages the item, with what is wrong as the first message."""
    from chat.services import ChatError, conversation_open, message_send

    item = unit.item
    if not can_manage_item(by, item):
        raise ReservationError(_("Only the hub's staff or the owner can do this."), status=403)
    last = (
        Reservation.objects.filter(unit=unit, status=Reservation.Status.RETURNED)
        .exclude(return_condition__in=("", Reservation.Condition.OK))
        .order_by("-returned_at")
        .first()
    )
    lines = [
        _("Can you repair this? %(item)s (%(unit)s) from %(owner)s.")
        % {"item": item.title, "unit": unit.label, "owner": item.hub.name if item.hub_id else by.display_name}
    ]
    if last is not None:
        lines.append(
            _("Condition on return: %(condition)s.") % {"condition": last.get_return_condition_display()}
        )
        if last.return_notes:
            lines.append(last.return_notes[:1000])
    if note.strip():
        lines.append(note.strip()[:800])
    try:
        conversation, _created = conversation_open(user=by, subject=repairer)
        message_send(conversation=conversation, sender=by, body="\n".join(lines)[:2000])
    except ChatError as error:
        raise ReservationError(str(error.message), status=error.status) from None
    return conversation


# --- Photos (core.images) ------------------------------------------------------------------------


def item_photo_add(*, item: Item, image: SanitizedImage, by, alt_text: str = "") -> ItemPhoto:
    """Add a sanitized photo last in order (the first is the cover); at most MAX_ITEM_PHOTOS."""
    if not can_manage_item(by, item):
        raise ReservationError(_("Only the hub's staff or the owner can change this item."), status=403)
    return photo_add(
        item.photos,
        image,
        limit=MAX_ITEM_PHOTOS,
        refused=lambda: ReservationError(
            _("An item can have at most %(n)s photos.") % {"n": MAX_ITEM_PHOTOS}, field="photos"
        ),
        folder=f"items/{item.pk}",
        alt_text=alt_text,
        item=item,
    )


def item_photo_delete(*, photo: ItemPhoto, by) -> None:
    if not can_manage_item(by, photo.item):
        raise ReservationError(_("Only the hub's staff or the owner can change this item."), status=403)
    photo_delete(photo)


def item_photo_move(*, photo: ItemPhoto, by, offset: int) -> None:
    """Move a photo one step earlier (-1) or later (+1); the first photo is the cover."""
    if not can_manage_item(by, photo.item):
        raise ReservationError(_("Only the hub's staff or the owner can change this item."), status=403)
    with transaction.atomic():
        photos = list(
            ItemPhoto.objects.select_for_update().filter(item_id=photo.item_id).order_by("position", "pk")
        )
        index = next(i for i, p in enumerate(photos) if p.pk == photo.pk)
        target = index + offset
        if 0 <= target < len(photos):
            photos[index], photos[target] = photos[target], photos[index]
            for position, each in enumerate(photos, start=1):
                ItemPhoto.objects.filter(pk=each.pk).update(position=position)


def item_photo_describe(*, photo: ItemPhoto, by, alt_text: str) -> ItemPhoto:
    if not can_manage_item(by, photo.item):
        raise ReservationError(_("Only the hub's staff or the owner can change this item."), status=403)
    photo.alt_text = alt_text.strip()[:200]
    photo.save(update_fields=["alt_text"])
    return photo


# --- A resident's own items ------------------------------------------------------------------------


def item_update(*, item: Item, by, data: ItemData, location: Point | None = None) -> Item:
    """The owner (or the hub's staff) change an item. A personal item's new exact `location`
    is kept private and its public point fuzzed again (from the same seed, so moving it back
    gives the same public point)."""
    if not can_manage_item(by, item):
        raise ReservationError(_("Only the hub's staff or the owner can change this item."), status=403)
    for name in ItemData.__dataclass_fields__:
        if name == "requires_approval" and item.is_personal:
            continue  # a neighbour always approves
        value = getattr(data, name)
        setattr(item, name, list(value) if name == "accessories" else value)
    if location is not None and item.is_personal:
        item.location = location
        item.public_location = fuzz_point(location, key=f"item:{item.fuzz_seed}")
    item.save()
    if item.units.count() == 1:
        Unit.objects.filter(item=item).update(label=item.title[:60])
    return item


def item_withdraw(*, item: Item, by) -> list[Reservation]:
    """Stop lending an item (retired): it leaves the search, its bookings not yet picked up are
    cancelled and those borrowers told by email. A loan out now stays until it is returned.
    Returns the cancelled bookings."""
    if not can_manage_item(by, item):
        raise ReservationError(_("Only the hub's staff or the owner can change this item."), status=403)
    with transaction.atomic():
        Item.objects.filter(pk=item.pk).update(status=Item.Status.RETIRED)
        item.status = Item.Status.RETIRED
        coming = list(
            Reservation.objects.select_for_update().filter(
                item=item,
                status__in=(
                    Reservation.Status.HELD,
                    Reservation.Status.PENDING,
                    Reservation.Status.CONFIRMED,
                ),
            )
        )
        now = timezone.now()
        Reservation.objects.filter(pk__in=[r.pk for r in coming]).update(
            status=Reservation.Status.CANCELLED, cancelled_at=now
        )
        WaitlistEntry.objects.filter(item=item, status__in=WaitlistEntry.OPEN).update(
            status=WaitlistEntry.Status.WITHDRAWN
        )
        for booking in coming:
            _notify(booking.pk, "withdrawn")
    return coming


def item_relist(*, item: Item, by) -> Item:
    """Lend a withdrawn item again."""
    if not can_manage_item(by, item):
        raise ReservationError(_("Only the hub's staff or the owner can change this item."), status=403)
    if item.status != Item.Status.RETIRED:
        raise ReservationError(_("This item is not withdrawn."), status=409)
    if not item.units.filter(status=Unit.Status.AVAILABLE).exists():
        raise ReservationError(_("No unit of this item can be lent: mark one as repaired first."), status=409)
    item.status = Item.Status.AVAILABLE
    item.save(update_fields=["status", "updated_at"])
    return item


def unit_repaired(*, unit: Unit, by) -> Unit:
    """A unit back from repair lends again (and its item, if it was out of lending for repair)."""
    if not can_manage_item(by, unit.item):
        raise ReservationError(_("Only the hub's staff or the owner can do this."), status=403)
    if unit.status != Unit.Status.IN_REPAIR:
        raise ReservationError(_("This unit is not in repair."), status=409)
    with transaction.atomic():
        Unit.objects.filter(pk=unit.pk).update(status=Unit.Status.AVAILABLE)
        unit.status = Unit.Status.AVAILABLE
        Item.objects.filter(pk=unit.item_id, status=Item.Status.IN_REPAIR).update(
            status=Item.Status.AVAILABLE
        )
    return unit


# --- Emails about bookings ------------------------------------------------------------------------


def _notify(reservation_id: int, kind: str) -> None:
    """Queue the email about a booking once the transaction commits (sharing.tasks)."""

    def enqueue() -> None:
        from sharing.tasks import booking_notify_task

        booking_notify_task.enqueue(reservation_id, kind)

    transaction.on_commit(enqueue)


NOTICE_KINDS = ("needs_approval", "approved", "rejected", "withdrawn", "borrower_left")
# Notices to whoever decides about the item (the hub's staff or the personal owner); the others
# go to the borrower.
DECIDER_NOTICES = ("needs_approval", "borrower_left")


def booking_notify(*, reservation_id: int, kind: str) -> int:
    """Send one booking email: `needs_approval` and `borrower_left` (the borrower deleted their
    account, so the booking was cancelled) to the hub's staff (or the personal owner),
    `approved` / `rejected` / `withdrawn` to the borrower. Returns how many were sent; nothing
    when the booking has moved on since (e.g. approved before the worker ran)."""
    from accounts.notify import send_to_user

    if kind not in NOTICE_KINDS:
        raise ValueError(f"Unknown notice {kind!r}")
    reservation = (
        Reservation.objects.select_related("item__hub", "item__owner__profile", "borrower__profile", "unit")
        .filter(pk=reservation_id)
        .first()
    )
    if reservation is None:
        return 0
    still = {
        "needs_approval": Reservation.Status.PENDING,
        "approved": Reservation.Status.CONFIRMED,
        "rejected": Reservation.Status.REJECTED,
        "withdrawn": Reservation.Status.CANCELLED,
        "borrower_left": Reservation.Status.CANCELLED,
    }[kind]
    if reservation.status != still:
        return 0
    context = {"r": reservation, "item": reservation.item}
    if kind not in DECIDER_NOTICES:
        send_to_user(user=reservation.borrower, template=f"sharing/email/booking_{kind}", context=context)
        return 1
    item = reservation.item
    if item.is_personal:
        deciders = [item.owner]
    else:
        deciders = [m.user for m in item.hub.memberships.select_related("user__profile") if m.user.is_active]
    for person in deciders:
        send_to_user(user=person, template=f"sharing/email/booking_{kind}", context=context)
    return len(deciders)
