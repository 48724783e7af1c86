"""Lending: the person's part of their data export and of their account's deletion
(accounts.privacy)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.privacy import ExportPart, Notice, Provider, photo_files, point
from core.images import delete_files_on_commit
from sharing.models import HubStaff, Item, ItemPhoto, Reservation, ReturnPhoto, WaitlistEntry

COMING = (Reservation.Status.HELD, Reservation.Status.PENDING, Reservation.Status.CONFIRMED)


def _lender(item: Item) -> str:
    return item.hub.name if item.hub_id else str(_("a neighbour"))


def export_user(user) -> ExportPart:
    items = list(Item.objects.filter(owner=user).select_related("category").prefetch_related("photos"))
    reservations = Reservation.objects.filter(borrower=user).select_related("item__hub").order_by("start")
    # Photos the person took themselves: of their own items, and at check-ins they did.
    taken = ReturnPhoto.objects.filter(reservation__returned_by=user)
    data = {
        "bookings": [
            {
                "id": r.pk,
                "item": r.item.title,
                "lender": _lender(r.item),
                "start": r.start,
                "end": r.end,
                "status": r.status,
                "created_at": r.created_at,
                "checked_out_at": r.checked_out_at,
                "returned_at": r.returned_at,
                "return_condition": r.return_condition,
                "return_notes": r.return_notes,
                "pledge_bags": r.pledge_bags,
                "pledge_kg": r.pledge_kg,
            }
            for r in reservations
        ],
        "waitlist": [
            {
                "item": w.item.title,
                "start": w.start,
                "end": w.end,
                "status": w.status,
                "created_at": w.created_at,
            }
            for w in WaitlistEntry.objects.filter(user=user).select_related("item")
        ],
        "your_items": [
            {
                "id": item.pk,
                "title": item.title,
                "description": item.description,
                "category": item.category.slug,
                "status": item.status,
                "location": point(item.location),
                "public_location": point(item.public_location),
                "deposit": item.deposit,
                "accessories": item.accessories,
                "photos": [{"id": p.pk, "alt_text": p.alt_text} for p in item.photos.all()],
                # Who borrowed it is the borrowers' data; the count is yours.
                "times_lent": item.reservations.filter(status=Reservation.Status.RETURNED).count(),
            }
            for item in items
        ],
        "hubs_you_staff": list(HubStaff.objects.filter(user=user).values_list("hub__name", flat=True)),
    }
    files = photo_files("laan", "ting", [p for item in items for p in item.photos.all()])
    files += photo_files("laan", "innlevering", taken)
    return ExportPart(data, files)


def _delete_photos(model, photos) -> None:
    photos = list(photos)
    names = [name for photo in photos for name in photo.stored_files()]
    model.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
    delete_files_on_commit(names)


def erase_user(user) -> None:
    """Coming bookings cancelled through the usual service (the period is offered to the
    waitlist) and the hub's staff or the owner told; waitlist entries removed; the person's own
    items withdrawn (their borrowers told), their photos deleted and their exact point replaced
    by the public one. A loan out right now stays until the thing is handed back, and past
    loans stay in the hub's records, from "deleted user"."""
    from sharing.services import _notify, item_withdraw, reservation_cancel

    for reservation in Reservation.objects.filter(borrower=user, status__in=COMING).select_related("item"):
        reservation_cancel(reservation=reservation, by=user)
        _notify(reservation.pk, "borrower_left")
    WaitlistEntry.objects.filter(user=user).delete()
    for item in Item.objects.filter(owner=user).exclude(status=Item.Status.RETIRED):
        item_withdraw(item=item, by=user)
    _delete_photos(ItemPhoto, ItemPhoto.objects.filter(item__owner=user))
    _delete_photos(
        ReturnPhoto,
        ReturnPhoto.objects.filter(Q(reservation__item__owner=user) | Q(reservation__returned_by=user)),
    )
    for item in Item.objects.filter(owner=user):
        item.location = item.public_location
        item.description = ""
        item.save(update_fields=["location", "description", "updated_at"])
    HubStaff.objects.filter(user=user).delete()
    Reservation.objects.filter(decided_by=user).update(decided_by=None)
    Reservation.objects.filter(checked_out_by=user).update(checked_out_by=None)
    Reservation.objects.filter(returned_by=user).update(returned_by=None)


def provider() -> Provider:
    return Provider(
        name="laan",
        title=_("Lending"),
        export=export_user,
        erase=erase_user,
        covers=(
            "sharing.Reservation.borrower",
            "sharing.Reservation.decided_by",
            "sharing.Reservation.checked_out_by",
            "sharing.Reservation.returned_by",
            "sharing.WaitlistEntry.user",
            "sharing.Item.owner",
            "sharing.HubStaff.user",
        ),
        notices=(
            Notice(
                what=_(
                    "Your bookings and loans: what, when, the condition on return, and your place on "
                    "waitlists."
                ),
                why=_("So the hub or the owner knows who has the thing and when it comes back."),
                basis=_("Agreement (GDPR art. 6(1)(b))."),
                kept=_(
                    "Coming bookings and waitlist places are cancelled when you delete your account; "
                    "past loans stay in the hub's records without your name."
                ),
            ),
            Notice(
                what=_(
                    "Things you lend out: text, photos, the exact point (never shown) and the public point."
                ),
                why=_("To show neighbours what they can borrow nearby without revealing where you live."),
                basis=_("Agreement (GDPR art. 6(1)(b))."),
                kept=_("Until you delete your account; then photos and the exact point are deleted."),
            ),
        ),
    )
