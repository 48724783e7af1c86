"""Every write to repairer profiles. Keyword-only arguments; side effects on commit."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.notify import absolute_url, reverse_in, send_to_user
from accounts.services import user_add_role
from catalog.models import Category
from core.images import (
    ImageRejected,
    SanitizedImage,
    delete_files_on_commit,
    sanitize_upload,
    stored_image,
    stored_image_files,
)
from places.opening_hours import Interval
from places.selectors import place_nearest
from repair.models import (
    MAX_PHOTOS,
    MAX_SERVICES,
    Repairer,
    RepairerHours,
    RepairerPhoto,
    Review,
    Service,
)
from repair.validators import normalise_org_number

# What owners (and editors) edit; status, badge and owners change through their own services.
EDITABLE_FIELDS = (
    "name",
    "short_description",
    "description",
    "address",
    "postal_code",
    "postal_town",
    "phone",
    "email",
    "website",
    "languages",
    "access",
    "access_note",
    "house_calls",
    "pickup",
    "org_number",
)
MAX_DRAFTS_PER_OWNER = 5
# Paths of the dashboard under /reparasjon/ that a profile slug must not take.
RESERVED_SLUGS = {"mine"}


class RepairerError(Exception):
    """A refused change, with a message for the user; `status` is the HTTP status to answer."""

    def __init__(self, message: str, *, status: int = 400, field: str | None = None):
        self.message = message
        self.status = status
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class RepairerData:
    name: str
    short_description: str
    address: str
    postal_code: str
    postal_town: str
    location: Point
    categories: Sequence[Category]
    description: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    languages: Sequence[str] = field(default_factory=list)
    access: str = ""
    access_note: str = ""
    house_calls: bool = False
    pickup: bool = False
    org_number: str = ""


@dataclass(frozen=True)
class ServiceData:
    name: str
    price_from: int | None = None
    price_note: str = ""


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a"))[:120] or "verksted"
    if base in RESERVED_SLUGS:
        base = f"{base}-verksted"
    slug, n = base, 1
    taken = Repairer.objects.exclude(pk=exclude_pk) if exclude_pk else Repairer.objects.all()
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _validate(repairer: Repairer) -> None:
    """Model validation (lengths, postal code, the organisation number's check digit) as a
    RepairerError naming the first bad field."""
    repairer.org_number = normalise_org_number(repairer.org_number)
    try:
        repairer.full_clean(exclude=["slug", "location", "search_vector"])
    except ValidationError as error:
        field_name, messages = next(iter(error.message_dict.items()))
        raise RepairerError(messages[0], field=field_name) from None


def _set_location(repairer: Repairer, point: Point) -> None:
    repairer.location = point
    repairer.area = place_nearest(point)


@transaction.atomic
def repairer_create(*, owner, data: RepairerData) -> Repairer:
    """A new profile as a draft, owned by `owner`, who gets the repairer role."""
    if not data.categories:
        raise RepairerError(_("Choose at least one thing you repair."), field="categories")
    drafts = Repairer.objects.filter(owners=owner, status=Repairer.Status.DRAFT).count()
    if drafts >= MAX_DRAFTS_PER_OWNER:
        raise RepairerError(
            _("You have %(n)s unfinished drafts: finish or delete one first.") % {"n": drafts}, status=429
        )
    repairer = Repairer(**{f: getattr(data, f) for f in EDITABLE_FIELDS})
    repairer.languages = list(data.languages)
    _set_location(repairer, data.location)
    _validate(repairer)
    repairer.slug = _unique_slug(repairer.name)
    repairer.save()
    repairer.categories.set(data.categories)
    repairer.owners.add(owner)
    user_add_role(user=owner, role=Role.REPAIRER)
    return repairer


@transaction.atomic
def repairer_update(*, repairer: Repairer, changes: dict) -> Repairer:
    """Apply a partial update: fields of EDITABLE_FIELDS, `location` and `categories`."""
    for name in EDITABLE_FIELDS:
        if name in changes:
            setattr(repairer, name, list(changes[name]) if name == "languages" else changes[name])
    if "location" in changes:
        _set_location(repairer, changes["location"])
    if "categories" in changes and not changes["categories"]:
        raise RepairerError(_("Choose at least one thing you repair."), field="categories")
    _validate(repairer)
    repairer.save()
    if "categories" in changes:
        repairer.categories.set(changes["categories"])
    return repairer


def repairer_submit(*, repairer: Repairer) -> Repairer:
    """The owner asks for publication: a draft goes to the editors' queue."""
    if repairer.status != Repairer.Status.DRAFT:
        raise RepairerError(_("Only a draft can be sent for approval."), status=409)
    repairer.status = Repairer.Status.PENDING
    repairer.submitted_at = timezone.now()
    repairer.status_reason = ""
    repairer.save(update_fields=["status", "submitted_at", "status_reason", "updated_at"])
    return repairer


def _tell_owners(repairer: Repairer, template: str) -> None:
    owners = list(repairer.owners.select_related("profile"))

    def send():
        for owner in owners:
            send_to_user(
                user=owner,
                template=template,
                context={
                    "repairer": repairer,
                    "url": absolute_url(reverse_in(owner, "repair:dashboard_edit", repairer.pk)),
                },
            )

    transaction.on_commit(send)


@transaction.atomic
def repairer_approve(*, editor, repairer: Repairer) -> Repairer:
    if repairer.status != Repairer.Status.PENDING:
        raise RepairerError(_("Only a profile waiting for approval can be approved."), status=409)
    repairer.status = Repairer.Status.PUBLISHED
    repairer.published_at = repairer.published_at or timezone.now()
    repairer.status_reason = ""
    repairer.save(update_fields=["status", "published_at", "status_reason", "updated_at"])
    _tell_owners(repairer, "repair/email/approved")
    return repairer


@transaction.atomic
def repairer_reject(*, editor, repairer: Repairer, reason: str) -> Repairer:
    """Send a pending profile back to its owners as a draft, saying why."""
    if repairer.status != Repairer.Status.PENDING:
        raise RepairerError(_("Only a profile waiting for approval can be sent back."), status=409)
    if not reason.strip():
        raise RepairerError(_("Say what needs to change: the owners will be told."), field="reason")
    repairer.status = Repairer.Status.DRAFT
    repairer.status_reason = reason.strip()[:500]
    repairer.save(update_fields=["status", "status_reason", "updated_at"])
    _tell_owners(repairer, "repair/email/rejected")
    return repairer


@transaction.atomic
def repairer_suspend(*, editor, repairer: Repairer, reason: str) -> Repairer:
    if not reason.strip():
        raise RepairerError(_("Say why the profile is suspended: the owners will be told."), field="reason")
    repairer.status = Repairer.Status.SUSPENDED
    repairer.status_reason = reason.strip()[:500]
    repairer.save(update_fields=["status", "status_reason", "updated_at"])
    _tell_owners(repairer, "repair/email/suspended")
    return repairer


def repairer_reinstate(*, editor, repairer: Repairer) -> Repairer:
    if repairer.status != Repairer.Status.SUSPENDED:
        raise RepairerError(_("Only a suspended profile can be reinstated."), status=409)
    repairer.status = Repairer.Status.PUBLISHED if repairer.published_at else Repairer.Status.DRAFT
    repairer.status_reason = ""
    repairer.save(update_fields=["status", "status_reason", "updated_at"])
    return repairer


def repairer_set_verified(*, editor, repairer: Repairer, verified: bool) -> Repairer:
    """The "verified by the municipality" badge. Callers check `can_set_verified` first; this
    refuses anyone else too, so no path can set it by accident."""
    from repair.permissions import can_set_verified

    if not can_set_verified(editor):
        raise RepairerError(_("Only the municipality's editors can verify a repairer."), status=403)
    repairer.verified = verified
    repairer.verified_at = timezone.now() if verified else None
    repairer.verified_by = editor if verified else None
    repairer.save(update_fields=["verified", "verified_at", "verified_by", "updated_at"])
    return repairer


def repairer_owner_add(*, repairer: Repairer, user) -> None:
    repairer.owners.add(user)
    user_add_role(user=user, role=Role.REPAIRER)


def repairer_owner_remove(*, repairer: Repairer, user) -> None:
    if repairer.owners.count() <= 1:
        raise RepairerError(_("A profile needs at least one owner."), status=409)
    repairer.owners.remove(user)


@transaction.atomic
def repairer_delete_draft(*, repairer: Repairer) -> None:
    if repairer.status != Repairer.Status.DRAFT or repairer.published_at is not None:
        raise RepairerError(_("Only a draft that was never published can be deleted."), status=409)
    files = [name for photo in repairer.photos.all() for name in _photo_files(photo)]
    repairer.delete()
    delete_files_on_commit(files)


# --- Services (what they offer) and opening hours -----------------------------------------------


@transaction.atomic
def repairer_services_set(*, repairer: Repairer, services: Iterable[ServiceData]) -> list[Service]:
    """Replace the list of services, in the given order."""
    services = [s for s in services if s.name.strip()]
    if len(services) > MAX_SERVICES:
        raise RepairerError(_("At most %(n)s services.") % {"n": MAX_SERVICES}, field="services")
    repairer.services.all().delete()
    return Service.objects.bulk_create(
        Service(
            repairer=repairer,
            name=s.name.strip()[:120],
            price_from=s.price_from,
            price_note=s.price_note.strip()[:80],
            position=n,
        )
        for n, s in enumerate(services, start=1)
    )


@transaction.atomic
def repairer_hours_set(*, repairer: Repairer, intervals: Iterable[Interval]) -> None:
    """Replace the weekly hours (validated by places.forms.WeeklyHoursForm)."""
    repairer.weekly_hours.all().delete()
    RepairerHours.objects.bulk_create(
        RepairerHours(repairer=repairer, weekday=i.weekday, opens=i.opens, closes=i.closes) for i in intervals
    )
    Repairer.objects.filter(pk=repairer.pk).update(updated_at=timezone.now())


# --- Photos ----------------------------------------------------------------------------------------


def repairer_photo_prepare(upload) -> SanitizedImage:
    """Decode, check and clean an upload with the same limits as listings (core.images)."""
    try:
        return sanitize_upload(upload)
    except ImageRejected as rejected:
        raise RepairerError(str(rejected.message), field="image") from None


def repairer_photo_add(*, repairer: Repairer, image: SanitizedImage, alt_text: str = "") -> RepairerPhoto:
    if repairer.photos.count() >= MAX_PHOTOS:
        raise RepairerError(_("A profile can have at most %(n)s photos.") % {"n": MAX_PHOTOS}, field="image")
    with stored_image(image, folder=f"repairers/{repairer.pk}") as (original, renditions):
        position = (repairer.photos.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        return RepairerPhoto.objects.create(
            repairer=repairer,
            position=position,
            alt_text=alt_text.strip()[:200],
            original=original,
            width=image.width,
            height=image.height,
            renditions=renditions,
            sha256=image.sha256,
        )


def _photo_files(photo: RepairerPhoto) -> list[str]:
    return stored_image_files(photo.original.name, photo.renditions)


def repairer_photo_delete(*, photo: RepairerPhoto) -> None:
    files = _photo_files(photo)
    photo.delete()
    delete_files_on_commit(files)


# --- Reviews -------------------------------------------------------------------------------------


def _ratings_refresh(repairer: Repairer) -> None:
    """Recompute the average and count kept on the profile (the caller holds its row lock)."""
    stats = Review.objects.filter(repairer=repairer).aggregate(avg=Avg("rating"), count=Count("pk"))
    Repairer.objects.filter(pk=repairer.pk).update(
        rating_avg=round(stats["avg"], 2) if stats["avg"] is not None else None, rating_count=stats["count"]
    )


@transaction.atomic
def review_save(*, repairer: Repairer, author, rating: int, text: str) -> tuple[Review, bool]:
    """Write or change the author's review of a published profile; returns it and whether it
    is new. The owners of the profile cannot review it."""
    from repair.permissions import is_owner

    if not repairer.is_public:
        raise RepairerError(_("Only published repairers can be reviewed."), status=409)
    if is_owner(author, repairer):
        raise RepairerError(_("You cannot review your own business."), status=403)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise RepairerError(_("Give a rating from 1 to 5."), field="rating")
    text = text.strip()
    if not text:
        raise RepairerError(_("Tell others about your experience."), field="text")
    # One writer at a time per profile, so the kept average is never stale.
    Repairer.objects.select_for_update().filter(pk=repairer.pk).first()
    review, created = Review.objects.update_or_create(
        repairer=repairer, author=author, defaults={"rating": rating, "text": text[:2000]}
    )
    _ratings_refresh(repairer)
    return review, created


@transaction.atomic
def review_delete(*, review: Review) -> None:
    repairer = review.repairer
    Repairer.objects.select_for_update().filter(pk=repairer.pk).first()
    review.delete()
    _ratings_refresh(repairer)


def review_answer(*, review: Review, owner, text: str) -> Review:
    """The business answers a review publicly, once."""
    from repair.permissions import is_owner

    if not is_owner(owner, review.repairer):
        raise RepairerError(_("Only the business can answer its reviews."), status=403)
    text = text.strip()
    if not text:
        raise RepairerError(_("Write the answer."), field="answer")
    answered = Review.objects.filter(pk=review.pk, answered_at__isnull=True).update(
        answer=text[:2000], answered_at=timezone.now(), answered_by=owner
    )
    if not answered:
        raise RepairerError(_("This review has already been answered."), status=409)
    review.refresh_from_db()
    return review
